"""Webhooks and emails of connection events, with a real HTTP receiver (issue 11)."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from console.sweep import sweep
from notifications.models import Delivery, DeliveryStatus
from notifications.tasks import BACKOFF, MAX_ATTEMPTS, attempt
from services.operations import decide_connections

from .conftest import user, verify

pytestmark = pytest.mark.django_db


def make_due(delivery: Delivery) -> None:
    """The backoff has passed (and the sweep's minute of grace)."""
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=2)
    )


def test_each_event_arrives_once_signed_to_both_sides(
    receiver, subscribe, web, pending, django_capture_on_commit_callbacks
):
    provider, consumer = receiver(), receiver()
    _, provider_secret = subscribe("a-admin", web, url=provider.url)
    _, consumer_secret = subscribe("b-admin", pending, url=consumer.url)
    pending.connection_description = "internal: customer 42, low priority"
    pending.save(update_fields=["connection_description"])

    with django_capture_on_commit_callbacks(execute=True):
        decide_connections(
            user("a-admin"), web.pk, [pending.pk], "accept", comment="Welcome aboard"
        )

    assert len(provider.requests) == 1 and len(consumer.requests) == 1
    for request, secret in (
        (provider.requests[0], provider_secret),
        (consumer.requests[0], consumer_secret),
    ):
        assert verify(secret, request)
        assert request.headers["X-Vpcep-Event"] == "accepted"
        body = json.loads(request.body)
        assert body["event"] == "accepted"
        assert body["endpoint_id"] == str(pending.pk)
        assert body["service_id"] == str(web.pk) and body["service_name"] == web.service_name
        assert body["consumer_domain_id"] == pending.project.account.domain_id
        assert body["provider_domain_id"] == web.project.account.domain_id
        assert body["status"] == "accepted" and body["comment"] == "Welcome aboard"
        assert b"internal" not in request.body  # the provider's own note stays home
        assert body["delivery_id"] == request.headers["X-Vpcep-Delivery"]
        assert Delivery.objects.get(pk=body["delivery_id"]).status == DeliveryStatus.SUCCEEDED
    # Another secret does not verify: the signature is the subscription's own.
    assert not verify(consumer_secret, provider.requests[0])


def test_only_the_chosen_events_are_sent(receiver, subscribe, event, web, pending):
    only_requests = receiver()
    subscribe("a-admin", web, url=only_requests.url, events=["requested"])
    event(pending, "accepted")
    assert only_requests.requests == []
    event(pending, "requested")
    assert [r.headers["X-Vpcep-Event"] for r in only_requests.requests] == ["requested"]


def test_another_services_events_are_not_sent(receiver, subscribe, event, web, pending, demo_data):
    from services.models import EndpointService

    hook = receiver()
    app = EndpointService.objects.get(name="app", is_system=False)
    subscribe("a-admin", app, url=hook.url)
    event(pending, "requested")
    assert hook.requests == []


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(
    receiver, subscribe, event, web, pending, login
):
    hook = receiver(answers=(500, 503, 200))
    subscribe("a-admin", web, url=hook.url)
    event(pending, "requested")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now() + BACKOFF[0] - timedelta(seconds=2)
    assert attempt(str(delivery.pk)) == "skipped"  # not due yet: nothing sent
    assert len(hook.requests) == 1

    make_due(delivery)
    assert sweep().enqueued >= 1  # the sweep gives it its task (the immediate backend runs it)
    make_due(delivery)
    sweep()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    assert [entry["status"] for entry in delivery.log] == [500, 503, 200]
    assert [bool(entry["error"]) for entry in delivery.log] == [True, True, False]
    # The same bytes, signature and delivery ID each time: the receiver can deduplicate.
    assert (
        len(
            {
                (r.body, r.headers["X-Vpcep-Signature"], r.headers["X-Vpcep-Delivery"])
                for r in hook.requests
            }
        )
        == 1
    )
    assert len(hook.requests) == 3

    page = login("a-admin").get(f"/services/{web.pk}/notifications/")
    text = page.content.decode()
    assert page.status_code == 200
    log_table = text[text.index('data-testid="deliveries"') :]
    assert "500" in log_table and "503" in log_table and "200" in log_table
    assert log_table.count("<li>") == 3


def test_retries_back_off_over_an_hour_then_give_up(receiver, subscribe, event, web, pending):
    hook = receiver(answers=(500,))
    subscribe("a-admin", web, url=hook.url)
    event(pending, "requested")
    delivery = Delivery.objects.get()
    for _ in range(MAX_ATTEMPTS - 1):
        make_due(delivery)
        attempt(str(delivery.pk))
    delivery.refresh_from_db()
    assert MAX_ATTEMPTS >= 6 and sum(BACKOFF, timedelta()) >= timedelta(hours=1)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert len(hook.requests) == MAX_ATTEMPTS
    make_due(delivery)
    assert attempt(str(delivery.pk)) == "skipped"


def test_a_redirect_is_not_followed(receiver, subscribe, event, web, pending):
    hook = receiver(answers=(302,))
    subscribe("a-admin", web, url=hook.url)
    event(pending, "requested")
    delivery = Delivery.objects.get()
    assert [r.path for r in hook.requests] == ["/hook"]
    assert delivery.log[0]["status"] == 302 and "Redirect" in delivery.log[0]["error"]
    assert delivery.status == DeliveryStatus.PENDING


def test_loopback_is_refused_at_delivery_when_no_longer_allowed(
    receiver, subscribe, event, web, pending, settings
):
    hook = receiver()
    subscribe("a-admin", web, url=hook.url)
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    event(pending, "requested")
    delivery = Delivery.objects.get()
    assert hook.requests == []
    assert delivery.log[0]["error"] == "不允许：127.0.0.1是环回地址。"  # the subscriber's language


def test_an_unreachable_receiver_does_not_fail_the_operation(
    subscribe, web, pending, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    subscribe("a-admin", web, url="http://127.0.0.1:9/closed")  # discard port: refused
    with django_capture_on_commit_callbacks(execute=True):
        decide_connections(user("a-admin"), web.pk, [pending.pk], "reject", comment="No")
    pending.refresh_from_db()
    assert pending.status == "rejected"
    delivery = Delivery.objects.get()
    assert delivery.log[0]["status"] is None and delivery.log[0]["error"]


def test_emails_in_the_subscribers_language(subscribe, event, web, pending, mailoutbox):
    with translation.override("zh-hans"):
        subscribe("a-admin", web, emails=["ops@example.com", "oncall@example.com"])
    with translation.override("en"):
        subscribe("b-admin", pending, emails=["dev@example.org"], events=["rejected"])
    event(pending, "rejected", comment="Not on our list")

    assert len(mail.outbox) == 2
    chinese = next(m for m in mail.outbox if "ops@example.com" in m.to)
    english = next(m for m in mail.outbox if m.to == ["dev@example.org"])
    assert chinese.to == ["ops@example.com", "oncall@example.com"]
    assert "已拒绝" in chinese.subject and "审批意见: Not on our list" in chinese.body
    assert "Rejected" in english.subject and "Decision comment: Not on our list" in english.body
    assert str(pending.pk) in english.body
    assert Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2
