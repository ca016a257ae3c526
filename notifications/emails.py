"""The text email of one connection event, in the subscriber's language (issue 11)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from endpoints.models import ConnectionEventKind, EndpointStatus


def render(body: dict, language: str) -> tuple[str, str]:
    """(subject, text) of the email for a webhook body."""
    with translation.override(language):
        kind = dict(ConnectionEventKind.choices).get(body["event"]) or _("Test")
        status = dict(EndpointStatus.choices).get(body.get("status") or "", body.get("status"))
        subject = _("[VPC Endpoint] %(event)s: endpoint %(endpoint)s, service %(service)s") % {
            "event": kind,
            "endpoint": body.get("endpoint_id") or "—",
            "service": body.get("service_name") or "—",
        }
        lines = [
            (_("Event"), kind),
            (_("Time"), body.get("time")),
            (_("Endpoint service"), f"{body.get('service_name')} ({body.get('service_id')})"),
            (_("Endpoint ID"), body.get("endpoint_id")),
            (_("Consumer account ID"), body.get("consumer_domain_id")),
            (_("Provider account ID"), body.get("provider_domain_id")),
            (_("Status"), status),
            (_("Decision comment"), body.get("comment")),
            (_("Delivery ID"), body.get("delivery_id")),
        ]
        text = "\n".join(f"{label}: {value or '—'}" for label, value in lines)
        return subject, text + "\n"
