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
) -> AuditRecord:
    """Write one activity record inside the caller's transaction (so it commits or not with it)."""
    return AuditRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if getattr(actor, "pk", None) else SYSTEM,
        project=project or obj.project,
        action=action,
        resource_type=obj._meta.model_name,
        resource_id=str(obj.pk),
        resource_name=str(obj)[:255],
        before=before,
        after=after,
    )
