"""How much of each quota a project uses: one place that pages and operations both read (Q1)."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest

from console.registry import registry
from console.tenancy.models import Project
from console.tenancy.querysets import CHANGE, can

from .limits import DEFAULT_LIMITS, RESOURCE_LABELS
from .models import Quota, limit_for


def used(project: Project, resource: str) -> int:
    """Resources counted against the quota: the rows the resource's app registered as its
    `QuotaCounter` (console.registry), whatever their status (deleting ones go on counting
    until they are gone). A resource nobody counts is a ValueError."""
    counter = registry.quota_counters.get(resource)
    if counter is None:
        raise ValueError(resource)
    return counter.queryset().filter(project=project).count()


def quota_state(request: HttpRequest, resource: str, count: int | None = None) -> dict:
    """What a list page needs for its create button: used, quota, room left, may create.
    `count`: the rows used when the caller has counted them already (a list showing exactly
    the project's counted rows), so the page counts once (issue 13)."""
    project = request.tenancy.project
    if project is None:
        return {"quota_limit": 0, "quota_used": 0, "quota_left": 0, "can_create": False}
    count = used(project, resource) if count is None else count
    limit = limit_for(project, resource)
    return {
        "quota_limit": limit,
        "quota_used": count,
        "quota_left": max(limit - count, 0),
        "can_create": can(request.user, CHANGE, project.pk),
    }


def usage_rows(projects: list[Project]) -> list[dict]:
    """Quota and use of every counted resource in each project: one query per resource and
    one for the overrides, whatever the number of projects."""
    ids = [p.pk for p in projects]
    counts = {
        resource: dict(
            counter.queryset()
            .filter(project__in=ids)
            .values_list("project")
            .annotate(n=Count("*"))
            .values_list("project", "n")
        )
        for resource, counter in registry.quota_counters.items()
        if resource in DEFAULT_LIMITS
    }
    overrides = {(q.project_id, q.resource): q.limit for q in Quota.objects.filter(project__in=ids)}
    rows = []
    for project in projects:
        for resource, default in DEFAULT_LIMITS.items():
            if resource not in counts:  # no installed app counts it
                continue
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
