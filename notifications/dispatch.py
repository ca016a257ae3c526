"""Where connection events become notifications (issue 11): webhooks and emails.

event_committed() runs after the operation's commit: it writes one Delivery per matching
subscription and channel and enqueues the delivery task, which the background worker runs
within seconds. Nothing here can fail the operation: it has committed already, and every
error is logged instead of raised."""

from __future__ import annotations

import json
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from endpoints.models import ConnectionEvent

from .models import Channel, Delivery, Subscription

log = logging.getLogger(__name__)

TEST = "test"


def event_committed(event_id: int) -> None:
    """Called once the transaction that wrote the ConnectionEvent has committed: enqueue one
    delivery per matching subscription (the background worker sends them). Must not raise."""
    try:
        with transaction.atomic():
            event = (
                ConnectionEvent.objects.select_related(
                    "consumer_project__account", "provider_project__account"
                )
                .filter(pk=event_id)
                .first()
            )
            if event is None:
                return
            sides = Q(pk__in=[])
            if event.service_id:
                sides |= Q(service_id=event.service_id)
            if event.endpoint_id:
                sides |= Q(endpoint_id=event.endpoint_id)
            subscriptions = Subscription.objects.filter(sides)
            body = event_body(event)
            for subscription in subscriptions:
                if event.kind in subscription.events:
                    create_deliveries(subscription, event.kind, body, event=event)
    except Exception:
        log.exception("Notifications of connection event %s could not be queued.", event_id)


def event_body(event: ConnectionEvent) -> dict:
    """What a webhook receives. The decision comment goes to both sides; the provider's own
    connection description never leaves the provider's pages."""
    return {
        "event": event.kind,
        "time": event.created_at.isoformat(),
        "service_id": str(event.service_id) if event.service_id else None,
        "service_name": event.service_name,
        "endpoint_id": event.endpoint_ref,
        "consumer_domain_id": event.consumer_project.account.domain_id,
        "provider_domain_id": event.provider_project.account.domain_id,
        "status": event.status,
        "comment": event.comment,
    }


def test_body(subscription: Subscription) -> dict:
    """发送测试: an event of kind "test" with the subscription's own service or endpoint."""
    endpoint = subscription.endpoint
    service = subscription.service or endpoint.service
    return {
        "event": TEST,
        "time": timezone.now().isoformat(),
        "service_id": str(service.pk),
        "service_name": service.service_name,
        "endpoint_id": str(endpoint.pk) if endpoint else None,
        "consumer_domain_id": endpoint.project.account.domain_id if endpoint else None,
        "provider_domain_id": service.project.account.domain_id,
        "status": endpoint.status if endpoint else "",
        "comment": "",
    }


def create_deliveries(
    subscription: Subscription, kind: str, body: dict, event=None
) -> list[Delivery]:
    """One pending delivery per channel of the subscription, enqueued once the caller commits."""
    from .tasks import enqueue

    channels = ([Channel.WEBHOOK] if subscription.url else []) + (
        [Channel.EMAIL] if subscription.emails else []
    )
    deliveries = []
    for channel in channels:
        delivery = Delivery(
            subscription=subscription,
            event=event,
            kind=kind,
            channel=channel,
            next_attempt_at=timezone.now(),
        )
        delivery.body = json.dumps({**body, "delivery_id": str(delivery.pk)}, ensure_ascii=False)
        delivery.save()
        deliveries.append(delivery)
        transaction.on_commit(lambda pk=delivery.pk: enqueue(pk), robust=True)
    return deliveries
