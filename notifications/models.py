"""Subscriptions to connection events (通知) and the deliveries made for them (issue 11).

A subscription belongs to one side of a connection: a service (the provider's, for every
connection to it) or an endpoint (the consumer's, for the decisions on it). Each side sees
only its own subscriptions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from console.tenancy.querysets import APPROVE, CHANGE, VIEW, RestrictedQuerySet
from endpoints.models import ConnectionEvent, ConnectionEventKind, Endpoint
from services.models import EndpointService

SIDES = ("service__project", "endpoint__project")


class Subscription(models.Model):
    service = models.ForeignKey(
        EndpointService,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("endpoint service"),
    )
    endpoint = models.ForeignKey(
        Endpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("endpoint"),
    )
    url = models.CharField(_("callback URL"), max_length=2000, blank=True)
    emails = models.JSONField(_("email addresses"), default=list, blank=True)
    events = models.JSONField(_("events"), default=list)
    # HMAC key of the webhook's signature, Fernet-encrypted like access-key secrets.
    secret_encrypted = models.TextField(editable=False)
    # The language of its emails: the subscriber's when the subscription was made.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_path = {VIEW: SIDES, APPROVE: SIDES, CHANGE: SIDES}

    class Meta:
        verbose_name = _("notification subscription")
        verbose_name_plural = _("notification subscriptions")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=True) ^ models.Q(endpoint__isnull=True),
                name="subscription_one_side",
            ),
        ]

    def __str__(self) -> str:
        return self.url or ", ".join(self.emails)

    @property
    def project(self):
        return (self.service or self.endpoint).project

    @property
    def project_id(self) -> int:
        return (self.service or self.endpoint).project_id

    def event_labels(self) -> list[str]:
        labels = dict(ConnectionEventKind.choices)
        return [labels[kind] for kind in self.events if kind in labels]


class Channel(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    EMAIL = "email", _("Email")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery", "Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One event to one subscription over one channel. `body` is the exact JSON sent (every
    attempt sends the same bytes, signature and delivery ID); `log` one entry per attempt:
    {"at": ISO time, "status": HTTP status or null, "error": text}."""

    id = models.UUIDField(_("delivery ID"), primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        ConnectionEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("event"), max_length=16)  # a ConnectionEventKind, or "test"
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    body = models.TextField()
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    log = models.JSONField(default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_path = {
        action: tuple(f"subscription__{side}" for side in SIDES) for action in (VIEW, APPROVE)
    }

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return str(self.id)

    def attempt_log(self) -> list[dict]:
        return [{**entry, "at": parse_datetime(entry["at"])} for entry in self.log]

    def kind_label(self) -> str:
        return dict(ConnectionEventKind.choices).get(self.kind) or _("Test")
