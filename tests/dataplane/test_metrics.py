"""Live connection figures from HAProxy's exporter (issue 14): traffic through an endpoint's
frontend shows as connections and bytes, a whitelist refusal as refused, per endpoint."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from console.network.dataplane import haproxy, metrics

from .conftest import answer, fetch
from .test_linux import A_ECS, B_ECS, two_tenants

EXPORTED = """\
# HELP haproxy_frontend_current_sessions Number of current sessions on the frontend.
haproxy_frontend_current_sessions{proxy="ep-3f2a-80"} 2
haproxy_frontend_current_sessions{proxy="ep-3f2a-443"} 1
haproxy_frontend_sessions_total{proxy="ep-3f2a-80"} 10
haproxy_frontend_bytes_in_total{proxy="ep-3f2a-80"} 300
haproxy_frontend_bytes_out_total{proxy="ep-3f2a-80"} 4000
haproxy_frontend_denied_connections_total{proxy="ep-3f2a-80"} 3
haproxy_backend_connection_errors_total{proxy="ep-3f2a-443"} 1
haproxy_frontend_sessions_total{proxy="vpcep-metrics"} 99
"""


def test_the_exporters_text_is_summed_per_endpoint():
    assert haproxy.endpoint_of(haproxy.frontend_name("3f2a-11:80")) == "3f2a-11"
    assert metrics.figures(EXPORTED) == {
        "3f2a": metrics.Figures(current=3, total=10, bytes_in=300, bytes_out=4000, refused=4)
    }


def test_traffic_through_a_frontend_is_counted(linux):
    state = two_tenants()
    linux.converge(state)
    a_ecs = linux.host_ns(A_ECS)
    for _ in range(3):
        assert answer(fetch(linux, a_ecs, "192.168.0.100", 80))["server"] == "ecs-b"
    seen = metrics.live(linux.run_dir)
    assert set(seen) == {"ep-a", "ep-b"}
    assert seen["ep-a"].total >= 3 and seen["ep-a"].bytes_out > 0 and seen["ep-a"].refused == 0
    assert seen["ep-b"].total == 0
    # A whitelist that leaves the ECS out: its connections are refused, and counted.
    state.frontends["ep-b:80"] = replace(
        state.frontends["ep-b:80"], allowed_sources=("10.0.0.0/8",), restricted=True
    )
    linux.converge(state)
    fetch(linux, linux.host_ns(B_ECS), "192.168.0.100", 80)
    assert metrics.live(linux.run_dir)["ep-b"].refused >= 1


def test_no_haproxy_no_figures(tmp_path):
    assert metrics.live(tmp_path) == {}


@pytest.mark.django_db
def test_a_sample_is_stored_at_most_every_10_seconds_and_kept_an_hour(tmp_path, monkeypatch):
    from console.network.models import TrafficSample

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    endpoint = str(uuid.uuid4())
    monkeypatch.setattr(metrics, "live", lambda run_dir: {endpoint: metrics.Figures(total=5)})
    old = TrafficSample.objects.create(endpoint_id=uuid.uuid4(), at=now - timedelta(minutes=61))
    assert metrics.sample(tmp_path) == 1
    assert not TrafficSample.objects.filter(pk=old.pk).exists()  # older than an hour: forgotten
    now += timedelta(seconds=5)  # the reconciler's next round: too soon
    assert metrics.sample(tmp_path) == 0
    now += timedelta(seconds=5)
    assert metrics.sample(tmp_path) == 1
    assert list(TrafficSample.objects.values_list("total", flat=True)) == [5, 5]


def test_the_tab_shows_what_went_through_the_endpoint(linux, demo_data, login, settings):
    from console.network import dataplane
    from console.network.models import TrafficSample
    from endpoints.models import Endpoint, EndpointStatus

    settings.DATAPLANE, settings.DATAPLANE_PREFIX = "linux", linux.prefix
    settings.DATAPLANE_RUN_DIR = str(linux.run_dir)
    endpoint = Endpoint.objects.get(status=EndpointStatus.ACCEPTED, service__name="web")
    dataplane.converge()
    ns = linux.vpc_ns(str(endpoint.vpc_id))
    for _ in range(2):
        assert answer(fetch(linux, ns, endpoint.node_ip, 80))["server"] == "elb-97rn"
    assert dataplane.sample() >= 1  # the reconciler's round
    assert TrafficSample.objects.get(endpoint_id=endpoint.pk).total >= 2
    page = login("b-admin").get(f"/endpoints/{endpoint.pk}/monitoring/")
    assert page.context["figures"].total >= 2 and page.context["figures"].bytes_out > 0
    assert page.context["samples"] == 1 and "当前没有流量" not in page.content.decode()
