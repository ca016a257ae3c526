"""The 监控 tab of endpoints and services (issue 14): live figures from the data plane's HAProxy
and the last hour's samples as small server-rendered SVG charts (no script, nothing to vendor,
strict CSP). A resource app's detail view mixes in MonitoringTabMixin and says which endpoints
it covers with `monitored_endpoints()` (a queryset of endpoints, already restricted), and with
`proxied()` whether HAProxy carries them at all (a gateway endpoint is routes, the DNS cloud
service is answered by dnsmasq: the tab says so instead of showing zeros)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import dataplane
from .dataplane.metrics import KEEP, Figures
from .models import TrafficSample

WIDTH, HEIGHT = 600, 120


@dataclass
class Chart:
    title: str
    points: str  # the SVG polyline's
    peak: int
    latest: int
    width: int = WIDTH
    height: int = HEIGHT


def chart(title, series: list[tuple[datetime, int]], start: datetime) -> Chart:
    peak = max((value for _at, value in series), default=0)
    scale = HEIGHT / peak if peak else 0
    points = " ".join(
        f"{(at - start).total_seconds() / KEEP.total_seconds() * WIDTH:.1f},"
        f"{HEIGHT - value * scale:.1f}"
        for at, value in series
    )
    return Chart(str(title), points, peak, series[-1][1] if series else 0)


class MonitoringTabMixin:
    tab = "monitoring"
    tab_template = "ui/tabs/monitoring.html"

    def monitored_endpoints(self):
        raise NotImplementedError

    def proxied(self) -> bool:
        return True

    def get_tab_context(self) -> dict:
        if settings.DATAPLANE == "simulated":
            return {"simulated": True}
        if not self.proxied():
            return {"not_proxied": True}
        endpoints = self.monitored_endpoints()
        live = dataplane.live_figures(endpoints.values_list("pk", flat=True))
        figures = Figures()
        for values in live.values():
            figures.add(values)
        now = timezone.now()
        start = now - KEEP
        # One row per moment, summed over the endpoints in SQL (a round samples them all at once).
        series = [
            (at, values)
            for at, *values in TrafficSample.objects.filter(
                endpoint_id__in=endpoints.values("pk"), at__gte=start
            )
            .values("at")
            .annotate(sum_current=Sum("current"), sum_total=Sum("total"), sum_out=Sum("bytes_out"))
            .values_list("at", "sum_current", "sum_total", "sum_out")
            .order_by("at")
        ]
        return {
            "figures": figures,
            "live": bool(live),
            "charts": [
                chart(_("Current connections"), [(at, v[0]) for at, v in series], start),
                chart(_("Connections (total)"), [(at, v[1]) for at, v in series], start),
                chart(_("Bytes out"), [(at, v[2]) for at, v in series], start),
            ],
            "samples": len(series),
        }
