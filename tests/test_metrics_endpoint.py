"""/metrics (issue 14): Prometheus text for platform operators or a bearer token; 401 without
credentials or with a wrong token, 403 for tenants, and no figures either way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from endpoints.models import Endpoint, EndpointStatus

pytestmark = pytest.mark.django_db


def test_an_operator_reads_the_figures(login):
    page = login("operator").get("/metrics")
    text = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/plain; version=0.0.4")
    pending = Endpoint.objects.filter(status=EndpointStatus.PENDING).count()
    assert f'vpcep_endpoints{{status="pendingacceptance"}} {pending}' in text
    assert "# TYPE vpcep_endpoint_services gauge" in text and "# TYPE vpcep_tasks gauge" in text


@pytest.mark.parametrize("username", ["a-admin", "b-member"])
def test_tenants_are_refused(login, username):
    page = login(username).get("/metrics")
    assert page.status_code == 403 and "vpcep_" not in page.content.decode()


def test_a_token_reads_them_and_a_wrong_one_does_not(client, demo_data, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-scrapers"
    page = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token-for-scrapers"})
    assert page.status_code == 200 and "vpcep_endpoints" in page.content.decode()
    for header in ("Bearer wrong", "Bearer ", "Basic czNjcmV0"):
        refused = client.get("/metrics", headers={"Authorization": header})
        assert refused.status_code == 401 and "vpcep_" not in refused.content.decode()
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")


def test_without_a_token_configured_no_bearer_is_accepted(client, demo_data, settings):
    settings.METRICS_TOKEN = ""
    page = client.get("/metrics", headers={"Authorization": "Bearer "})
    assert page.status_code == 401


def test_a_fixed_number_of_queries(login, django_assert_num_queries):
    client = login("operator")
    client.get("/metrics")
    with CaptureQueriesContext(connection) as first:
        client.get("/metrics")
    endpoint = Endpoint.objects.filter(status=EndpointStatus.ACCEPTED).first()
    for n in range(20):
        Endpoint.objects.create(
            project=endpoint.project,
            service=endpoint.service,
            vpc=endpoint.vpc,
            subnet=endpoint.subnet,
            node_ip=f"192.168.0.{200 + n}",
            status=EndpointStatus.REJECTED,
            packet_id=1000 + n,
        )
    with django_assert_num_queries(len(first)):
        text = client.get("/metrics").content.decode()
    assert 'vpcep_endpoints{status="rejected"} 20' in text
