"""The delivery task: one attempt at one delivery, then its next turn (issue 11).

Attempts back off: 10 s, 30 s, 2 min, 5 min, 15 min and 40 min after the first, 7 attempts
over about an hour. The next attempt is enqueued to run after its time where the backend
can defer (django-tasks-db can); the sweep gives any overdue delivery its task again (a lost
enqueue, a backend that cannot defer). The network call runs outside any transaction, so no
row stays locked while a receiver is slow; a claim (next_attempt_at moved a lease ahead)
keeps a second run of the same task from sending twice."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation

from console.tenancy.secrets import decrypt

from . import emails, webhooks
from .models import Channel, Delivery, DeliveryStatus

log = logging.getLogger(__name__)

BACKOFF = [
    timedelta(seconds=10),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=40),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = timedelta(seconds=60)  # longer than one attempt can take (TIMEOUT, SMTP)


def enqueue(delivery_id, run_after: datetime | None = None) -> None:
    """Give the delivery its task; a later attempt only where the backend can defer it (else
    the sweep enqueues it when due)."""
    try:
        if run_after is None:
            deliver.enqueue(str(delivery_id))
        elif deliver.get_backend().supports_defer:
            deliver.using(run_after=run_after).enqueue(str(delivery_id))
    except Exception:
        log.exception("Delivery %s could not be enqueued; the sweep will retry it.", delivery_id)


@task
def deliver(delivery_id: str) -> str:
    return attempt(delivery_id)


def attempt(delivery_id: str) -> str:
    """One attempt if the delivery is pending and due; its status afterwards, or 'skipped'."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(no_key=True)
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return "skipped"
        delivery.next_attempt_at = now + LEASE  # claimed
        delivery.save(update_fields=["next_attempt_at"])
    status, error = send(delivery)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(no_key=True).filter(pk=delivery_id).first()
        if delivery is None:  # its subscription was deleted meanwhile
            return "skipped"
        delivery.attempts += 1
        delivery.log.append({"at": now.isoformat(), "status": status, "error": error})
        if not error:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = timezone.now() + BACKOFF[delivery.attempts - 1]
            transaction.on_commit(
                lambda at=delivery.next_attempt_at: enqueue(delivery_id, at), robust=True
            )
        delivery.save(update_fields=["attempts", "log", "status", "next_attempt_at"])
        return delivery.status


def send(delivery: Delivery) -> tuple[int | None, str]:
    """(HTTP status or None, error or '') of one attempt; never raises."""
    subscription = delivery.subscription
    with translation.override(subscription.language):  # the log reads in the subscriber's
        return _send(delivery, subscription)


def _send(delivery: Delivery, subscription) -> tuple[int | None, str]:
    try:
        if delivery.channel == Channel.EMAIL:
            subject, text = emails.render(json.loads(delivery.body), subscription.language)
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, subscription.emails)
            return None, ""
        body = delivery.body.encode()
        status = webhooks.post(
            subscription.url,
            body,
            {
                "X-Vpcep-Event": delivery.kind,
                "X-Vpcep-Delivery": str(delivery.pk),
                "X-Vpcep-Signature": webhooks.signature(
                    decrypt(subscription.secret_encrypted), body
                ),
            },
        )
    except Exception as exc:  # any failure is this attempt's error, kept in the log
        return None, (str(exc) or type(exc).__name__)[:500]
    if 200 <= status < 300:
        return status, ""
    if 300 <= status < 400:
        return status, "Redirect not followed."
    return status, f"HTTP {status}"


def due_deliveries(before: datetime) -> int:
    """The sweep: give a task to every pending delivery due since before `before`."""
    due = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lt=before
    ).values_list("pk", flat=True)
    count = 0
    for pk in due:
        enqueue(pk)
        count += 1
    return count
