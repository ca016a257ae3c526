from __future__ import annotations

from typing import Any

from django.utils import timezone

from console.network import dataplane

from .models import AuditRecord

SYSTEM = "system"  # the actor of background work


def record(
    actor,
    action: str,
    obj,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    project=None,
    account=None,
) -> AuditRecord:
    """Write one activity record inside the caller's transaction (so it commits or not with it).
    The project is the object's unless given; account-level changes name the account instead.

    A platform operator acting in a tenant's account (support) is marked as such in the
    tenant's own log, and the object keeps a note of it for the banner on its page; the
    owner's next action on the object clears that note (issue 9, defect 10)."""
    project = project or getattr(obj, "project", None)
    account_id = project.account_id if project else account.pk
    person = getattr(actor, "pk", None) is not None
    by_operator = person and actor.is_operator and actor.account_id != account_id
    entry = AuditRecord.objects.create(
        actor=actor if person else None,
        actor_name=actor.get_username() if person else SYSTEM,
        account_id=account_id,
        project=project,
        action=action,
        by_operator=by_operator,
        resource_type=obj._meta.model_name,
        resource_id=str(obj.pk),
        resource_name=str(obj)[:255],
        before=before,
        after=after,
    )
    dataplane.changed(entry.resource_type)  # the host follows once this commits (issue 14)
    # The object's owner: its own project's account (a connection is recorded in the service's
    # project, but the endpoint belongs to the consumer), else the account named.
    own_project = getattr(obj, "project", None)
    owners = person and actor.account_id == (own_project.account_id if own_project else account_id)
    if hasattr(obj, "support_note") and (by_operator or (owners and obj.support_note)):
        obj.support_note = (
            {"operator": entry.actor_name, "action": action, "at": timezone.now().isoformat()}
            if by_operator
            else None
        )
        type(obj).objects.filter(pk=obj.pk).update(support_note=obj.support_note)
    return entry
