from __future__ import annotations

from typing import Any

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
    The project is the object's unless given; account-level changes name the account instead."""
    project = project or getattr(obj, "project", None)
    return AuditRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if getattr(actor, "pk", None) else SYSTEM,
        account_id=project.account_id if project else account.pk,
        project=project,
        action=action,
        resource_type=obj._meta.model_name,
        resource_id=str(obj.pk),
        resource_name=str(obj)[:255],
        before=before,
        after=after,
    )
