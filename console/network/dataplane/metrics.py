"""Live connection figures from HAProxy's Prometheus exporter (issue 14), per endpoint.

`scrape(run_dir)` reads the exporter on its Unix socket and `figures()` sums the frontends of
each endpoint (one per port mapping): current and total connections, bytes in and out, and
refused connections (denied by the endpoint's 访问控制, or the backend refusing or dropping:
the backend's connection errors). `sample()` stores them from the reconciler's rounds, at most
every 10 s, and forgets samples older than an hour; the 监控 tab reads those
(console/network/monitoring.py).
"""

from __future__ import annotations

import http.client
import re
import socket
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path

from .haproxy import endpoint_of

KEEP = timedelta(hours=1)
EVERY = timedelta(seconds=10)  # between two stored samples (the reconciler may round faster)
LINE = re.compile(r"^(?P<metric>haproxy_\w+)\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)$")


@dataclass
class Figures:
    current: int = 0
    total: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    refused: int = 0

    def add(self, other: Figures) -> Figures:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


METRICS = {
    "haproxy_frontend_current_sessions": "current",
    "haproxy_frontend_sessions_total": "total",
    "haproxy_frontend_bytes_in_total": "bytes_in",
    "haproxy_frontend_bytes_out_total": "bytes_out",
    "haproxy_frontend_denied_connections_total": "refused",
    "haproxy_backend_connection_errors_total": "refused",
}


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float = 2.0):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def scrape(run_dir: str | Path) -> str:
    """The exporter's text ("" when HAProxy is not running)."""
    connection = UnixHTTPConnection(str(Path(run_dir) / "metrics.sock"))
    try:
        connection.request("GET", "/metrics?scope=frontend&scope=backend")
        response = connection.getresponse()
        return response.read().decode() if response.status == 200 else ""
    except OSError:
        return ""
    finally:
        connection.close()


def figures(text: str) -> dict[str, Figures]:
    """endpoint id -> its frontends' (and backends') figures, summed over its port mappings."""
    result: dict[str, Figures] = {}
    for line in text.splitlines():
        match = LINE.match(line)
        if not match or match["metric"] not in METRICS:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match["labels"]))
        endpoint = endpoint_of(labels.get("proxy", ""))
        if not endpoint:
            continue
        value = int(float(match["value"]))
        entry = result.setdefault(endpoint, Figures())
        name = METRICS[match["metric"]]
        setattr(entry, name, getattr(entry, name) + value)
    return result


def live(run_dir: str | Path) -> dict[str, Figures]:
    return figures(scrape(run_dir))


_sampled: dict[str, datetime] = {}  # run dir -> when this process last stored a sample


def sample(run_dir: str | Path) -> int:
    """Store one sample per endpoint with figures now, unless this process stored one less than
    EVERY ago (0 then; a 10% margin for the rounds' jitter); forget those older than KEEP."""
    from django.utils import timezone

    from console.network.models import TrafficSample

    now = timezone.now()
    last = _sampled.get(str(run_dir))
    if last and now - last < EVERY * 0.9:
        return 0
    _sampled[str(run_dir)] = now
    TrafficSample.objects.filter(at__lt=now - KEEP).delete()
    rows = [
        TrafficSample(endpoint_id=endpoint, at=now, **vars(values))
        for endpoint, values in live(run_dir).items()
    ]
    TrafficSample.objects.bulk_create(rows)
    return len(rows)
