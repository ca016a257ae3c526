"""连接记录 (issue 11): one function writes every connection event, inside the operation's
transaction; once it commits, the notifications go out (notifications/)."""

from __future__ import annotations

from django.db import transaction

from .models import ConnectionEvent, Endpoint


def record_connection_event(
    actor, endpoint: Endpoint, kind: str, comment: str = ""
) -> ConnectionEvent:
    """`actor` None = the system (automatic rejection). Call inside the operation's transaction,
    after the endpoint's new status is saved."""
    person = getattr(actor, "pk", None) is not None
    event = ConnectionEvent.objects.create(
        endpoint=endpoint,
        endpoint_ref=str(endpoint.pk),
        service=endpoint.service,
        service_name=endpoint.service.service_name,
        consumer_project_id=endpoint.project_id,
        provider_project_id=endpoint.service.project_id,
        kind=kind,
        status=endpoint.status,
        actor=actor if person else None,
        actor_name=actor.get_username() if person else "system",
        comment=comment,
    )

    def notify() -> None:
        from notifications.dispatch import event_committed

        event_committed(event.pk)

    transaction.on_commit(notify, robust=True)
    return event
