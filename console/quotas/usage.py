"""How much of each quota a project uses: one place that pages and operations both read (Q1)."""

from __future__ import annotations

from django.http import HttpRequest

from console.tenancy.models import Project
from console.tenancy.querysets import CHANGE, can

from .limits import ENDPOINT, ENDPOINT_SERVICE
from .models import limit_for


def used(project: Project, resource: str) -> int:
    """Resources counted against the quota: the account's own services, and its endpoints,
    whatever their status (deleting ones go on counting until they are gone)."""
    from endpoints.models import Endpoint
    from services.models import EndpointService

    if resource == ENDPOINT_SERVICE:
        return EndpointService.objects.filter(project=project, is_system=False).count()
    if resource == ENDPOINT:
        return Endpoint.objects.filter(project=project).count()
    raise ValueError(resource)


def quota_state(request: HttpRequest, resource: str) -> dict:
    """What a list page needs for its create button: used, quota, room left, may create."""
    project = request.tenancy.project
    if project is None:
        return {"quota_limit": 0, "quota_used": 0, "quota_left": 0, "can_create": False}
    count, limit = used(project, resource), limit_for(project, resource)
    return {
        "quota_limit": limit,
        "quota_used": count,
        "quota_left": max(limit - count, 0),
        "can_create": can(request.user, CHANGE, project.pk),
    }
