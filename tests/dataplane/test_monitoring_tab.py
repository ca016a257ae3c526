"""The 监控 tab of endpoints and services (issue 14): who sees it, what it says when the data
plane is simulated, the last hour's samples summed per moment, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from console.network.models import TrafficSample
from endpoints.models import Endpoint, EndpointStatus
from services.models import EndpointService

pytestmark = pytest.mark.django_db


def accepted():
    return Endpoint.objects.get(status=EndpointStatus.ACCEPTED, service__name="web")


def samples(endpoint, *values, minutes_ago=0):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    for current, total in values:
        TrafficSample.objects.create(
            endpoint_id=endpoint.pk, at=at, current=current, total=total, bytes_out=100 * total
        )
        at += timedelta(seconds=5)


def test_the_tab_says_when_the_data_plane_is_simulated(login):
    endpoint = accepted()
    page = login("b-member").get(f"/endpoints/{endpoint.pk}/monitoring/")
    assert page.status_code == 200 and 'data-testid="monitoring-simulated"' in page.content.decode()
    assert (
        f"/endpoints/{endpoint.pk}/monitoring/"
        in login("b-member").get(f"/endpoints/{endpoint.pk}/").content.decode()
    )  # the tab is listed for whoever may view the endpoint
    assert "监控" in page.content.decode()


def test_other_accounts_get_404(login):
    endpoint, web = accepted(), EndpointService.objects.get(name="web", is_system=False)
    assert login("a-admin").get(f"/endpoints/{endpoint.pk}/monitoring/").status_code == 404
    assert login("b-admin").get(f"/services/{web.pk}/monitoring/").status_code == 404
    assert login("a-member").get(f"/services/{web.pk}/monitoring/").status_code == 200


def test_the_last_hour_is_charted_and_old_samples_are_not(login, settings, tmp_path):
    settings.DATAPLANE, settings.DATAPLANE_RUN_DIR = "linux", str(tmp_path / "run")
    endpoint = accepted()
    samples(endpoint, (1, 10), (3, 12), (2, 15))
    samples(endpoint, (99, 999), minutes_ago=90)  # older than an hour: not shown
    page = login("b-admin").get(f"/endpoints/{endpoint.pk}/monitoring/")
    text = page.content.decode()
    assert page.status_code == 200 and "<polyline" in text and 'role="img"' in text
    charts = {chart.title: chart for chart in page.context["charts"]}
    assert (charts["当前连接数"].latest, charts["当前连接数"].peak) == (2, 3)
    assert charts["连接总数"].peak == 15 and page.context["samples"] == 3
    # Nothing runs on this host: the live figures are zero and the page says why.
    assert page.context["figures"].total == 0 and "当前没有流量" in text


@pytest.mark.parametrize("name", ["obs", "dns"])
def test_endpoints_haproxy_does_not_carry_say_so(login, settings, tmp_path, name):
    settings.DATAPLANE, settings.DATAPLANE_RUN_DIR = "linux", str(tmp_path / "run")
    web_endpoint = accepted()
    cloud = EndpointService.objects.get(
        is_system=True, name=name, project__region=web_endpoint.project.region
    )
    endpoint = Endpoint.objects.create(
        project=web_endpoint.project,
        service=cloud,
        vpc=web_endpoint.vpc,
        subnet=None if name == "obs" else web_endpoint.subnet,
        node_ip=None if name == "obs" else "192.168.0.150",
        status=EndpointStatus.ACCEPTED,
        packet_id=4242,
    )
    samples(endpoint, (1, 1))
    text = login("b-member").get(f"/endpoints/{endpoint.pk}/monitoring/").content.decode()
    assert 'data-testid="monitoring-not-proxied"' in text and "网关型终端节点只添加路由" in text
    assert 'data-testid="monitoring-figures"' not in text and "<polyline" not in text
    # An endpoint to a service with a load balancer behind it shows its figures.
    text = login("b-member").get(f"/endpoints/{web_endpoint.pk}/monitoring/").content.decode()
    assert 'data-testid="monitoring-figures"' in text and "monitoring-not-proxied" not in text


def test_the_service_tab_sums_its_endpoints(login, settings, tmp_path):
    settings.DATAPLANE, settings.DATAPLANE_RUN_DIR = "linux", str(tmp_path / "run")
    web = EndpointService.objects.get(name="web", is_system=False)
    first, second = web.endpoints.order_by("pk")[:2]
    at = timezone.now()
    for endpoint, current in ((first, 2), (second, 5)):
        TrafficSample.objects.create(endpoint_id=endpoint.pk, at=at, current=current, total=9)
    page = login("a-approver").get(f"/services/{web.pk}/monitoring/")
    charts = {chart.title: chart for chart in page.context["charts"]}
    assert charts["当前连接数"].latest == 7 and charts["连接总数"].latest == 18


def test_the_tab_runs_a_fixed_number_of_queries(
    login, settings, tmp_path, django_assert_num_queries
):
    settings.DATAPLANE, settings.DATAPLANE_RUN_DIR = "linux", str(tmp_path / "run")
    web = EndpointService.objects.get(name="web", is_system=False)
    client = login("a-admin")
    client.get(f"/services/{web.pk}/monitoring/")  # warm: session, user
    with CaptureQueriesContext(connection) as few:
        client.get(f"/services/{web.pk}/monitoring/")
    for endpoint in web.endpoints.all():
        samples(endpoint, *[(n, n) for n in range(50)])
    with django_assert_num_queries(len(few)):
        client.get(f"/services/{web.pk}/monitoring/")
