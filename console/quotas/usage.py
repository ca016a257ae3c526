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


def usage_rows(projects: list[Project]) -> list[dict]:
    """Quota and use of every resource in each project: three queries, whatever the count."""
    from django.db.models import Count

    from endpoints.models import Endpoint
    from services.models import EndpointService

    from .limits import DEFAULT_LIMITS, RESOURCE_LABELS
    from .models import Quota

    ids = [p.pk for p in projects]
    counts = {
        ENDPOINT_SERVICE: dict(
            EndpointService.objects.filter(project__in=ids, is_system=False)
            .values_list("project")
            .annotate(n=Count("pk"))
            .values_list("project", "n")
        ),
        ENDPOINT: dict(
            Endpoint.objects.filter(project__in=ids)
            .values_list("project")
            .annotate(n=Count("pk"))
            .values_list("project", "n")
        ),
    }
    overrides = {(q.project_id, q.resource): q.limit for q in Quota.objects.filter(project__in=ids)}
    rows = []
    for project in projects:
        for resource, default in DEFAULT_LIMITS.items():
            limit = overrides.get((project.pk, resource), default)
            count = counts[resource].get(project.pk, 0)
            rows.append(
                {
                    "project": project,
                    "resource": resource,
                    "label": RESOURCE_LABELS[resource],
                    "limit": limit,
                    "used": count,
                    "left": max(limit - count, 0),
                    "full": count >= limit,
                }
            )
    return rows
