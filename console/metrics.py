"""/metrics (issue 14): the console's own figures in Prometheus text format, for platform
operators (logged in) or a scraper holding METRICS_TOKEN (`Authorization: Bearer <token>`).
Anyone else gets 401 (no credentials, a wrong token) or 403 (a tenant), and no figures.

What it says: every gauge the resource apps register (console.registry.Metric: services and
endpoints by status, connections waiting), the task queue by status, and with the linux data
plane each endpoint's live connection figures from HAProxy."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django_tasks_db.models import DBTaskResult

from console.network import dataplane
from console.registry import Metric, registry

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def by_status(queryset) -> list[tuple[dict[str, str], int]]:
    """One grouped count: ({"status": ...}, rows) per status present. Resource apps register
    Metric(name, help, lambda: by_status(their queryset))."""
    rows = queryset.values("status").annotate(n=Count("*")).order_by("status")
    return [({"status": str(row["status"]).lower()}, row["n"]) for row in rows]


def tasks_by_status():
    return by_status(DBTaskResult.objects.all())


def dataplane_figures():
    """(gauges by name) of every endpoint the host carries now ({} when simulated)."""
    live = dataplane.live_figures()
    if not live:
        return {}
    return {
        f"vpcep_dataplane_{name}": [
            ({"endpoint": endpoint}, getattr(values, name))
            for endpoint, values in sorted(live.items())
        ]
        for name in ("current", "total", "bytes_in", "bytes_out", "refused")
    }


HELP = {
    "vpcep_dataplane_current": "Current connections through the endpoint (data plane).",
    "vpcep_dataplane_total": "Connections through the endpoint since HAProxy last loaded.",
    "vpcep_dataplane_bytes_in": "Bytes from consumers through the endpoint.",
    "vpcep_dataplane_bytes_out": "Bytes to consumers through the endpoint.",
    "vpcep_dataplane_refused": "Connections refused by access control or the backend.",
}


def label_text(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    escaped = (
        f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in sorted(labels.items())
    )
    return "{" + ",".join(escaped) + "}"


def render() -> str:
    metrics = [
        *registry.metrics.values(),
        Metric("vpcep_tasks", "Background tasks by status.", tasks_by_status),
    ]
    lines = []
    for metric in sorted(metrics, key=lambda m: m.name):
        lines += [f"# HELP {metric.name} {metric.help}", f"# TYPE {metric.name} gauge"]
        lines += [
            f"{metric.name}{label_text(labels)} {value}" for labels, value in metric.collect()
        ]
    for name, samples in dataplane_figures().items():
        lines += [f"# HELP {name} {HELP[name]}", f"# TYPE {name} gauge"]
        lines += [f"{name}{label_text(labels)} {value}" for labels, value in samples]
    return "\n".join(lines) + "\n"


@login_not_required
def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        given = header.removeprefix("Bearer ").strip()
        if not (token and secrets.compare_digest(given.encode(), token.encode())):
            return unauthorized()
    elif not request.user.is_authenticated:
        return unauthorized()
    elif not request.user.is_operator:
        return HttpResponse("Platform operators only.\n", status=403, content_type=CONTENT_TYPE)
    response = HttpResponse(render(), content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


def unauthorized() -> HttpResponse:
    response = HttpResponse(
        "Log in as a platform operator, or send Authorization: Bearer <METRICS_TOKEN>.\n",
        status=401,
        content_type=CONTENT_TYPE,
    )
    response["WWW-Authenticate"] = 'Bearer realm="vpcep-console-metrics"'
    return response
