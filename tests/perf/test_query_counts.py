"""Issue 13: every list page, every detail tab and every API list call runs as many SQL
queries at demo size as with 1,000 more rows of every kind (bench/grow.py, the rows
`make bench` measures with)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.grow import bench_subnet, grow, project
from bench.signing import signed_headers
from console.tenancy import operations as key_ops
from console.tenancy.models import User
from endpoints import operations as endpoint_ops
from endpoints.models import Endpoint
from services.demo import web_service

N = 1000

pytestmark = pytest.mark.django_db


def queries(client, url: str, **headers) -> int:
    client.get(url, headers=headers)  # warm: sessions, caches, translations
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def page_urls() -> dict[str, list[str]]:
    """Every list page and detail tab, by the user who reads it."""
    web = web_service()
    endpoint = Endpoint.objects.filter(project__account__name="tenant-a").earliest("created_at")
    service_tabs = ["detail", "connections", "permissions", "ports", "tags", "notifications"]
    service_tabs += ["monitoring"]  # issue 14
    endpoint_tabs = ["detail", "tags", "notifications", "history", "monitoring"]  # policy: gateways
    tenant_pages = [
        reverse("services:list"),
        reverse("endpoints:list"),
        reverse("activity"),
        reverse("quotas"),
        reverse("credentials"),
        *(reverse(f"services:{tab}", args=[web.pk]) for tab in service_tabs),
        *(reverse(f"endpoints:{tab}", args=[endpoint.pk]) for tab in endpoint_tabs),
    ]
    return {
        "a-admin": tenant_pages,
        "a-approver": [reverse("inbox"), reverse("services:connections", args=[web.pk])],
        "operator": [
            reverse("services:list"),
            reverse("endpoints:list"),
            reverse("activity"),
            reverse("operator:accounts"),
            reverse("operator:quota_requests"),
            reverse("operator:system_services"),
        ],
    }


def page_counts(client) -> dict[tuple[str, str], int]:
    counts = {}
    for username, urls in page_urls().items():
        client.force_login(User.objects.get(username=username))
        for url in urls:
            counts[(username, url)] = queries(client, url)
    return counts


def api_counts(client, ak: str, sk: str) -> dict[str, int]:
    base = f"/v1/{project('a').project_id}"
    web = web_service()
    calls = [
        ("/vpc-endpoint-services", {}),
        ("/vpc-endpoint-services", {"limit": "100"}),
        ("/vpc-endpoint-services/public", {}),
        (f"/vpc-endpoint-services/{web.pk}/connections", {}),
        (f"/vpc-endpoint-services/{web.pk}/permissions", {}),
        ("/vpc-endpoints", {}),
        ("/vpc-endpoints", {"limit": "100"}),
        ("/quotas", {}),
    ]
    counts = {}
    for path, query in calls:
        url = base + path + ("?" + urlencode(query) if query else "")
        headers = signed_headers(ak, sk, "GET", "testserver", base + path, query.items())
        client.get(url, headers=headers)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.content[:200])
        counts[url] = len(captured.captured_queries)
    return counts


@pytest.fixture
def own_endpoint(demo_data, django_capture_on_commit_callbacks):
    """tenant-a's own endpoint to `web`, made and provisioned by the operation (its tabs)."""
    web = web_service()
    subnet = bench_subnet("a")
    with django_capture_on_commit_callbacks(execute=True):
        return endpoint_ops.create_endpoint(
            User.objects.get(username="a-admin"),
            project("a"),
            service_id=web.pk,
            vpc_id=subnet.vpc_id,
            subnet_id=subnet.pk,
        )


def test_every_page_and_tab_runs_as_many_queries_with_a_thousand_more_rows(client, own_endpoint):
    small = page_counts(client)
    grow(N)
    assert page_counts(client) == small


def test_every_api_list_runs_as_many_queries_with_a_thousand_more_rows(client, own_endpoint):
    key, secret = key_ops.create_access_key(User.objects.get(username="a-admin"))
    small = api_counts(client, key.access_key_id, secret)
    grow(N)
    large = api_counts(client, key.access_key_id, secret)
    assert large == small
