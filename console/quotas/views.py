from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .limits import DEFAULT_LIMITS, RESOURCE_LABELS


def quotas(request: HttpRequest) -> HttpResponse:
    """我的配额 (Q1): the quota of each resource type in the current region."""
    rows = [
        {"resource": RESOURCE_LABELS[key], "quota": limit} for key, limit in DEFAULT_LIMITS.items()
    ]
    return render(request, "quotas/quotas.html", {"rows": rows})
