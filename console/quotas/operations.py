"""Quota operations (S5, E3, Q2): tenants ask for more, operators decide or set limits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from console.audit.log import record
from console.states import move
from console.tenancy.models import Project
from console.tenancy.querysets import CHANGE, OPERATE, require_operator
from console.ui.objects import get_object_for

from .limits import DEFAULT_LIMITS
from .models import Quota, QuotaRequest, RequestStatus, limit_for
from .usage import used


def request_increase(
    user, project_id: str, resource: str, wanted: int, reason: str
) -> QuotaRequest:
    """An account administrator asks for a higher quota in one region."""
    with transaction.atomic():
        project = get_object_for(
            user, Project.objects.select_for_update(no_key=True), CHANGE, project_id=project_id
        )
        errors: dict[str, list] = {}
        if resource not in DEFAULT_LIMITS:
            errors["resource"] = [_("Choose endpoint services or endpoints.")]
        else:
            current = limit_for(project, resource)
            if wanted is None or wanted <= current:
                errors["wanted"] = [
                    _("Ask for more than the current quota of %(limit)d.") % {"limit": current}
                ]
            elif wanted > 100000:
                errors["wanted"] = [_("Ask for at most 100000.")]
            if QuotaRequest.objects.filter(
                project=project, resource=resource, status=RequestStatus.PENDING
            ).exists():
                errors["resource"] = [
                    _("A request for this quota in this region is already waiting for an operator.")
                ]
        if not (reason or "").strip():
            errors["reason"] = [_("Say what you need the quota for.")]
        if errors:
            raise ValidationError(errors)
        request = QuotaRequest.objects.create(
            project=project,
            resource=resource,
            wanted=wanted,
            reason=reason.strip(),
            requested_by=user,
        )
        record(user, "quota.request", request, after={"resource": resource, "wanted": wanted})
    return request


def set_limit(user, project: Project, resource: str, limit: int) -> Quota:
    """An operator sets an account's quota in a region; it applies to the next creation."""
    require_operator(user, _("Only platform operators can do this."))
    if resource not in DEFAULT_LIMITS:
        raise ValidationError({"resource": [_("Choose endpoint services or endpoints.")]})
    if limit is None or not 0 <= limit <= 100000:
        raise ValidationError({"limit": [_("Enter a quota from 0 to 100000.")]})
    with transaction.atomic():
        before = limit_for(project, resource)
        quota, _created = Quota.objects.update_or_create(
            project=project, resource=resource, defaults={"limit": limit}
        )
        record(
            user,
            "quota.set",
            quota,
            before={"limit": before},
            after={"limit": limit, "used": used(project, resource)},
        )
    return quota


def decide_request(user, request_id: int, approve: bool, answer: str = "") -> QuotaRequest:
    """Approve (the quota becomes the wanted value at once) or decline with a reason."""
    require_operator(user, _("Only platform operators can do this."))
    with transaction.atomic():
        request = (
            QuotaRequest.objects.restrict(user, OPERATE)
            .select_for_update(no_key=True)
            .filter(pk=request_id)
            .first()
        )
        if request is None:
            raise ValidationError(_("That request no longer exists."))
        if not approve and not (answer or "").strip():
            where = {
                "account": request.project.account.name,
                "resource": request.get_resource_display(),
                "region": request.project.region.name,
            }
            raise ValidationError(
                {
                    "answer": [
                        _(
                            "Say why the request of %(account)s (%(resource)s, %(region)s) is declined."
                        )
                        % where
                    ]
                }
            )
        before = move(request, RequestStatus.APPROVED if approve else RequestStatus.DECLINED)
        request.decided_by, request.decided_at = user, timezone.now()
        request.decision_reason = (answer or "").strip()
        request.save()
        record(
            user,
            f"quota.{'approve' if approve else 'decline'}",
            request,
            before={"status": before},
            after={"status": request.status, "answer": request.decision_reason},
        )
        if approve:
            set_limit(user, request.project, request.resource, request.wanted)
    return request
