"""Issue 13's fixes, each accepted and refused: the API counts connections for its page only,
one count per list page, last_used_at at most once a minute, the free IP in one query, indexes
that serve "this project, newest first", a worker that polls well under 200 ms."""

from __future__ import annotations

import ipaddress
import runpy
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.grow import bench_subnet, endpoints, grow, project
from bench.signing import signed_headers
from console.audit.models import AuditRecord
from console.network.models import Server
from console.quotas.limits import ENDPOINT, ENDPOINT_SERVICE
from console.quotas.usage import usage_rows, used
from console.sweep import sweep
from console.tenancy import operations as key_ops
from console.tenancy.models import AccessKey, User
from endpoints.models import Endpoint, EndpointStatus
from endpoints.operations import cloud_services
from endpoints.provisioning import free_addresses, lowest_free_address
from services.demo import web_service
from services.inbox import InboxFilterSet
from services.models import EndpointService, Permission

pytestmark = pytest.mark.django_db


def api_get(client, key, secret, path, query=()):
    headers = signed_headers(key.access_key_id, secret, "GET", "testserver", path, query)
    url = path + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
    return client.get(url, headers=headers)


@pytest.fixture
def api_key(demo_data):
    return key_ops.create_access_key(User.objects.get(username="a-admin"))


def test_the_api_counts_connections_of_the_page_only(client, api_key):
    key, secret = api_key
    grow(30)
    path = f"/v1/{project('a').project_id}/vpc-endpoint-services"
    with CaptureQueriesContext(connection) as captured:
        body = api_get(client, key, secret, path, [("limit", "5"), ("sort_dir", "asc")]).json()
    web = next(s for s in body["endpoint_services"] if s["id"] == str(web_service().pk))
    assert web["connection_count"] == Endpoint.objects.filter(service=web_service()).count() == 62
    assert all(s["connection_count"] == 0 for s in body["endpoint_services"] if s is not web)
    assert body["total_count"] == EndpointService.objects.filter(project=project("a")).count()
    grouped = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and "IN (" in grouped[0]  # the page's five, no other
    total = [q["sql"] for q in captured.captured_queries if 'COUNT(*) AS "__count"' in q["sql"]]
    assert total and not any("endpoints_endpoint" in sql for sql in total)


def counts_in(captured) -> int:
    return sum("COUNT(" in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("name", ["services:list", "endpoints:list"])
def test_an_unfiltered_list_counts_once_and_a_filtered_one_keeps_the_quota_right(login, name):
    client = login("a-admin")
    grow(3)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as captured:
        shown = client.get(reverse(name)).context["quota_used"]
    assert counts_in(captured) == 1
    used = (
        EndpointService.objects.filter(project=project("a"), is_system=False)
        if name == "services:list"
        else Endpoint.objects.filter(project=project("a"))
    ).count()
    assert shown == used
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), {"q": "no-such-thing"})
    assert counts_in(captured) == 2  # the filtered page's, and the quota's
    assert response.context["quota_used"] == used and len(response.context["table"].rows) == 0


@pytest.mark.parametrize("username", ["a-admin", "operator"])
def test_the_activity_log_pages_without_counting_the_log(login, username):
    """The log only grows: its pages read one row more than they show to know whether another
    follows, and never count the records (issue 13); 下一页 until the last page."""
    client = login(username)
    grow(25)  # 50 activity records for tenant-a: three pages of 20
    with CaptureQueriesContext(connection) as captured:
        first = client.get(reverse("activity"))
    assert counts_in(captured) == 0
    page = next(q["sql"] for q in captured.captured_queries if "audit_auditrecord" in q["sql"])
    assert '"audit_auditrecord"."id" IN (SELECT' in page  # read by key (page_by_key)
    html = first.content.decode()
    assert "第 1 页" in html and 'aria-label="下一页"' in html and "共 " not in html
    assert len(first.context["table"].page.object_list) == 20
    shown = AuditRecord.objects.restrict(User.objects.get(username=username)).count()
    last = (shown + 19) // 20
    end = client.get(reverse("activity"), {"page": last})
    assert f"第 {last} 页" in end.content.decode()
    assert 'aria-label="下一页"' not in end.content.decode()
    assert len(end.context["table"].page.object_list) == shown - 20 * (last - 1)
    # A counted list still says how many rows it has.
    assert "共 " in client.get(reverse("services:list")).content.decode()


def test_the_operator_list_counts_the_quota_apart(login):
    client = login("operator")
    response = client.get(reverse("services:list"))
    own = EndpointService.objects.filter(project=response.wsgi_request.tenancy.project)
    assert response.context["quota_used"] == own.filter(is_system=False).count()


def test_last_used_at_is_written_at_most_once_a_minute(client, api_key):
    key, secret = api_key
    path = f"/v1/{project('a').project_id}/quotas"
    assert api_get(client, key, secret, path).status_code == 200
    first = AccessKey.objects.get(pk=key.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as captured:
        assert api_get(client, key, secret, path).status_code == 200
    assert not any(q["sql"].startswith("UPDATE") for q in captured.captured_queries)
    assert AccessKey.objects.get(pk=key.pk).last_used_at == first
    AccessKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    assert api_get(client, key, secret, path).status_code == 200
    assert AccessKey.objects.get(pk=key.pk).last_used_at > first - timedelta(seconds=1)


def test_the_lowest_free_address_is_one_query_and_agrees_with_the_listing(demo_data):
    subnet = bench_subnet("a")
    network = ipaddress.ip_network(subnet.cidr)
    with CaptureQueriesContext(connection) as captured:
        assert lowest_free_address(subnet) == str(network[2])  # [1] is the gateway
    assert len(captured.captured_queries) == 1
    endpoints(project("a"), web_service(), 5, EndpointStatus.ACCEPTED)  # [2]..[6]
    Endpoint.objects.filter(node_ip=str(network[4])).update(node_ip=None)  # a gap
    assert lowest_free_address(subnet) == str(network[4]) == next(free_addresses(subnet))
    server = Server.objects.filter(project=project("a")).first()
    Server.objects.filter(pk=server.pk).update(subnet=subnet, ip_address=str(network[4]))
    assert lowest_free_address(subnet) == str(network[7]) == next(free_addresses(subnet))


def test_a_full_subnet_has_no_lowest_free_address(demo_data):
    subnet = bench_subnet("a")
    subnet.cidr, subnet.gateway_ip = "10.128.0.0/29", "10.128.0.1"  # hosts .1-.6
    subnet.save()
    endpoints(project("a"), web_service(), 5, EndpointStatus.ACCEPTED)
    assert lowest_free_address(subnet) is None and next(free_addresses(subnet), None) is None


def test_a_new_endpoint_holds_its_address_from_its_creation(demo_data):
    from endpoints import operations as endpoint_ops

    subnet = bench_subnet("a")
    endpoint = endpoint_ops.create_endpoint(
        User.objects.get(username="a-admin"),
        project("a"),
        service_id=web_service().pk,
        vpc_id=subnet.vpc_id,
        subnet_id=subnet.pk,
    )
    assert endpoint.status == EndpointStatus.CREATING
    assert Endpoint.objects.get(pk=endpoint.pk).node_ip == str(ipaddress.ip_network(subnet.cidr)[2])


PAGE_QUERIES = {
    "service_project_newest": lambda p: EndpointService.objects.filter(project=p).order_by(
        "-created_at", "id"
    )[:20],
    "endpoint_project_newest": lambda p: Endpoint.objects.filter(project=p).order_by(
        "-created_at", "id"
    )[:20],
    "endpoint_service_newest": lambda p: Endpoint.objects.filter(service=web_service()).order_by(
        "-created_at", "id"
    )[:20],
    "audit_account_newest": lambda p: AuditRecord.objects.filter(account=p.account).order_by(
        "-created_at", "-id"
    )[:20],
    "permission_service_newest": lambda p: Permission.objects.filter(
        service=web_service()
    ).order_by("-created_at", "id")[:20],
}


def index_definition(name: str) -> str:
    """PostgreSQL's definition of an index. Its planner reads the tests' few hundred rows from
    any index or none, so there the tests hold the index to its shape, not to a plan."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else ""


INDEX_SHAPES = {  # PostgreSQL: what each index is made of
    "service_project_newest": "(project_id, created_at DESC, id)",
    "endpoint_project_newest": "(project_id, created_at DESC, id)",
    "endpoint_service_newest": "(service_id, created_at DESC, id)",
    "audit_account_newest": "(account_id, created_at DESC, id DESC)",
    "permission_service_newest": "(service_id, created_at DESC, id)",
    "service_project_system": "(project_id, is_system)",
    "endpoint_pending_oldest": "(created_at, id) WHERE ((status)::text = 'pendingAcceptance'::text)",
    "endpoint_pending_service": "(provider_project_id, service_id) WHERE ((status)::text = 'pendingAcceptance'::text)",
}


@pytest.mark.parametrize("index", PAGE_QUERIES)
def test_an_index_serves_newest_first_without_sorting(demo_data, index):
    grow(50)
    if connection.vendor == "sqlite":
        plan = PAGE_QUERIES[index](project("a")).explain()
        assert index in plan and "TEMP B-TREE" not in plan, plan
    else:
        assert index_definition(index).endswith(INDEX_SHAPES[index])


def test_the_quota_counts_from_indexes_alone(demo_data):
    """Every list page and 配额 count a project's own services and endpoints: from an index,
    without reading the rows (issue 13)."""
    grow(50)
    p = project("a")
    usage = {row["resource"]: row["used"] for row in usage_rows([p])}
    services = EndpointService.objects.filter(project=p, is_system=False)
    assert usage[ENDPOINT_SERVICE] == used(p, ENDPOINT_SERVICE) == services.count() > 50
    assert usage[ENDPOINT] == Endpoint.objects.filter(project=p).count() >= 50
    with CaptureQueriesContext(connection) as captured:
        used(p, ENDPOINT_SERVICE)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + captured.captured_queries[0]["sql"])
            plan = " ".join(row[-1] for row in cursor.fetchall())
        assert "COVERING INDEX service_project_system" in plan, plan
    else:
        assert index_definition("service_project_system").endswith(
            INDEX_SHAPES["service_project_system"]
        )


def test_the_worker_polls_well_under_200_ms(monkeypatch):
    run = runpy.run_path(str(Path(__file__).resolve().parents[2] / "bin" / "run"))
    monkeypatch.setattr(sys, "argv", ["run"])
    parser_args = run["argparse"].ArgumentParser.parse_args
    args = parser_args(_parser(run), [])
    worker = run["commands"](args)["worker"]
    interval = float(worker[worker.index("--interval") + 1])
    assert interval <= 0.1


def _parser(run):
    """bin/run's own parser, built by its main() up to parse_args."""
    captured = {}
    original = run["argparse"].ArgumentParser.parse_args

    def grab(self, *a, **k):
        captured["parser"] = self
        raise SystemExit

    run["argparse"].ArgumentParser.parse_args = grab
    try:
        run["main"]()
    except SystemExit:
        pass
    finally:
        run["argparse"].ArgumentParser.parse_args = original
    return captured["parser"]


def inbox_page(user):
    from services.inbox import InboxView

    view = InboxView()
    view.request = type("R", (), {"user": user})()
    return view.get_queryset().order_by("created_at", "id").values("pk")[:20]


def test_the_inbox_reads_waiting_connections_oldest_first_from_their_own_index(login):
    """待审批连接 with hundreds waiting: the partial index of waiting rows, read in order, with
    the statistics the sweep leaves SQLite; the page is still the oldest 20 (issue 13)."""
    grow(300)
    approver = User.objects.get(username="a-approver")
    sweep()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_stat1 WHERE idx = 'endpoint_pending_oldest'"
            )
            assert cursor.fetchone()[0] == 1  # the sweep analysed the new index
    request = type("R", (), {"user": approver})()
    services = InboxFilterSet({}, queryset=Endpoint.objects.none(), request=request)
    if connection.vendor == "sqlite":
        plan = inbox_page(approver).explain()
        assert "endpoint_pending_oldest" in plan and "TEMP B-TREE" not in plan, plan
        # Its service filter reads services by key, the ones with a waiting row, never every
        # service of the account (the planner reads those keys from whichever index the
        # statistics favour: here the one service's connections, elsewhere the partial index).
        plan = services.filters["service"].queryset.explain()
        assert "SEARCH services_endpointservice USING INDEX" in plan and "(id=?)" in plan, plan
        assert "CORRELATED" not in plan and "SCAN services_endpointservice" not in plan, plan
    else:
        for name in ("endpoint_pending_oldest", "endpoint_pending_service"):
            assert index_definition(name).endswith(INDEX_SHAPES[name]), name
    assert list(services.filters["service"].queryset) == [web_service()]
    oldest = Endpoint.objects.filter(status=EndpointStatus.PENDING).order_by("created_at", "id")
    assert [row["pk"] for row in inbox_page(approver)] == list(
        oldest.values_list("pk", flat=True)[:20]
    )
    client = login("a-approver")
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("inbox")).content.decode()
    assert counts_in(captured) == 0  # the navigation's badge counts them, in its own request
    assert "第 1 页" in html and 'aria-label="下一页"' in html


def test_the_api_lists_cloud_services_from_the_platform_project_alone(client, api_key):
    """…/vpc-endpoint-services/public with hundreds of whitelisted tenant services in the
    region: the region's cloud services, found through the platform account's project, not by
    testing every service of the region against its whitelist (issue 13)."""
    key, secret = api_key
    grow(300)
    region = project("a").region
    path = f"/v1/{project('a').project_id}/vpc-endpoint-services/public"
    with CaptureQueriesContext(connection) as captured:
        body = api_get(client, key, secret, path, [("limit", "100")]).json()
    cloud = EndpointService.objects.filter(is_system=True, project__region=region)
    assert {s["id"] for s in body["endpoint_services"]} == {
        str(pk) for pk in cloud.values_list("pk", flat=True)
    }
    assert body["total_count"] == cloud.count() > 0
    assert EndpointService.objects.filter(is_system=True).exclude(project__region=region).exists()
    assert any("is_platform" in q["sql"] for q in captured.captured_queries)
    user = User.objects.get(username="a-admin")
    plan = cloud_services(user, project("a")).order_by("-created_at", "pk")[:10].explain()
    if connection.vendor == "sqlite":
        # services searched in the platform's project (its account by the unique index),
        # not in every project of the region
        assert "one_platform_account" in plan and "SCAN services_endpointservice" not in plan
