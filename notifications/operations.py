"""Everything a user can do to notification subscriptions (issue 11): add (the secret is
returned once), delete, send a test event. The side's administrators only: a service's for
its connections, an endpoint's for the decisions on it. Errors are keyed by field."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from console.audit.log import record
from console.tenancy.querysets import CHANGE
from console.tenancy.secrets import encrypt
from console.ui.objects import get_object_for
from endpoints.models import ConnectionEventKind, Endpoint
from services.models import EndpointService

from .dispatch import TEST, create_deliveries, test_body
from .models import Delivery, Subscription
from .webhooks import RefusedURL, check_url

MAX_SUBSCRIPTIONS = 10  # per service or endpoint
MAX_EMAILS = 10
MAX_URL = 2000


def snapshot(subscription: Subscription) -> dict:
    return {"url": subscription.url, "emails": subscription.emails, "events": subscription.events}


def clean_subscription(url: str, emails: list[str], events: list[str]) -> dict:
    errors: dict[str, list[str]] = {}
    url = (url or "").strip()
    if len(url) > MAX_URL:
        errors["url"] = [_("At most %(limit)d characters.") % {"limit": MAX_URL}]
    elif url:
        try:
            check_url(url, resolve_name=False)
        except RefusedURL as exc:
            errors["url"] = [str(exc)]
    emails = list(dict.fromkeys(e.strip() for e in emails if e.strip()))
    if len(emails) > MAX_EMAILS:
        errors["emails"] = [_("At most %(limit)d email addresses.") % {"limit": MAX_EMAILS}]
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("emails", []).append(
                _("%(email)s is not an email address.") % {"email": email[:100]}
            )
    if not url and not emails and "url" not in errors and "emails" not in errors:
        errors["url"] = [_("Enter a callback URL, an email address, or both.")]
    kinds = [kind for kind in ConnectionEventKind.values if kind in set(events)]
    if not kinds or len(kinds) != len(set(events)):
        errors["events"] = [_("Choose at least one of the events.")]
    if errors:
        raise ValidationError(errors)
    return {"url": url, "emails": emails, "events": kinds}


def same_subscription(subscription: Subscription, data: dict) -> bool:
    """Whether a subscription already sends these events to these channels: the same callback
    URL, the same email addresses (in any order, any case) and the same events. Another set of
    events to the same channels is a subscription of its own."""
    return (
        subscription.url == data["url"]
        and {e.lower() for e in subscription.emails} == {e.lower() for e in data["emails"]}
        and set(subscription.events) == set(data["events"])
    )


def create_subscription(
    user,
    *,
    service_id=None,
    endpoint_id=None,
    url: str = "",
    emails: list[str] = (),
    events: list[str] = (),
) -> tuple[Subscription, str]:
    """添加订阅 on a service (provider) or an endpoint (consumer): (subscription, secret); the
    secret is kept encrypted and never shown again."""
    with transaction.atomic():
        if service_id is not None:
            owner = get_object_for(
                user, EndpointService.objects.select_for_update(no_key=True), CHANGE, pk=service_id
            )
            side = {"service": owner}
        else:
            owner = get_object_for(
                user, Endpoint.objects.select_for_update(no_key=True), CHANGE, pk=endpoint_id
            )
            side = {"endpoint": owner}
        data = clean_subscription(url, list(emails), list(events))
        existing = list(Subscription.objects.filter(**side))
        if any(same_subscription(s, data) for s in existing):
            # At the channel typed: the URL when there is one, else the email addresses.
            raise ValidationError(
                {
                    "url" if data["url"] else "emails": _(
                        "This subscription exists already: the same callback URL, email "
                        "addresses and events."
                    )
                }
            )
        if len(existing) >= MAX_SUBSCRIPTIONS:
            raise ValidationError(
                _("At most %(limit)d subscriptions; delete one to add another.")
                % {"limit": MAX_SUBSCRIPTIONS}
            )
        secret = secrets.token_hex(32)
        subscription = Subscription.objects.create(
            **side,
            **data,
            secret_encrypted=encrypt(secret),
            language=get_language() or "zh-hans",
            created_by=user,
        )
        record(user, "notification.subscribe", owner, after=snapshot(subscription))
        return subscription, secret


def _locked_subscription(user, subscription_id) -> Subscription:
    return get_object_for(
        user,
        Subscription.objects.select_for_update(no_key=True, of=("self",)).select_related(
            "service__project__account",
            "endpoint__project__account",
            "endpoint__service__project__account",
        ),
        CHANGE,
        pk=subscription_id,
    )


def delete_subscription(user, subscription_id) -> Subscription:
    with transaction.atomic():
        subscription = _locked_subscription(user, subscription_id)
        owner = subscription.service or subscription.endpoint
        record(user, "notification.unsubscribe", owner, before=snapshot(subscription))
        subscription.delete()
        return subscription


def send_test(user, subscription_id) -> list[Delivery]:
    """发送测试: a test event to each channel of the subscription, sent by the worker."""
    with transaction.atomic():
        subscription = _locked_subscription(user, subscription_id)
        return create_deliveries(subscription, TEST, test_body(subscription))
