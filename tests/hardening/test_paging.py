"""Every list pages 10 to 100 rows as ?per_page= asks, else 20; no ?per_page= or ?page= is a
500 or a huge page (issue 9, defect 5)."""

import pytest
from django.urls import reverse

from console.audit.models import AuditRecord
from console.tenancy.models import Account
from services.models import EndpointService
from tests.services.conftest import connect, project

pytestmark = pytest.mark.django_db

ROWS = 60  # more than any page: a bounded page shows fewer
BAD_PER_PAGE = ["-1", "0", "5", "9", "101", "1000000", "9" * 5000, "abc", "1e3", "\x00", ""]
BAD_PAGE = ["-1", "0", "abc", "\x00", "999999", "9" * 19, "9" * 5000]  # 9…9: past a bigint


@pytest.fixture
def many(web):
    """ROWS of everything a table lists: tenant-a's services and activity, tenant-b's
    endpoints (all connected to tenant-a's web, so its 连接管理 tab has as many)."""
    for i in range(ROWS):
        web.pk, web.name, web.service_name = None, f"s{i}", f"cn-gzt.s{i}.{i}"
        web.save()
    service = EndpointService.objects.get(name="web")
    for _ in range(ROWS):
        connect(service, account="tenant-b")
    account = Account.objects.get(name="tenant-a")
    AuditRecord.objects.bulk_create(
        AuditRecord(
            actor_name="a-admin",
            account=account,
            project=project("tenant-a"),
            action="service.create",
            resource_type="endpointservice",
            resource_id=str(i),
        )
        for i in range(ROWS)
    )
    return service


def pages(many):
    """(user, URL) of every paged table."""
    return [
        ("a-admin", reverse("services:list")),
        ("b-admin", reverse("endpoints:list")),
        ("a-admin", reverse("activity")),
        ("operator", reverse("activity")),
        ("a-approver", reverse("services:connections", args=[many.pk])),
    ]


def rows(response) -> int:
    assert response.status_code == 200
    return len(response.context["table"].page.object_list)


def test_a_bad_per_page_is_the_default_page(login, many):
    for username, url in pages(many):
        client = login(username)
        for value in BAD_PER_PAGE:
            assert rows(client.get(url, {"per_page": value})) == 20, (url, value[:10])
            htmx = client.get(url, {"per_page": value}, headers={"HX-Request": "true"})
            assert rows(htmx) == 20 and "<html" not in htmx.content.decode()


def test_per_page_from_10_to_100_is_honoured(login, many):
    for username, url in pages(many):
        client = login(username)
        for value in (10, 50, 100):
            response = client.get(url, {"per_page": value})
            table = response.context["table"]
            total = len(table.rows)  # the activity log's pages do not count it: count here
            assert total >= ROWS and rows(response) == min(value, total), (url, value)
        # and the page links keep it
        assert "per_page=50" in client.get(url, {"per_page": "50"}).content.decode()


def test_a_bad_page_shows_a_page(login, many):
    for username, url in pages(many):
        client = login(username)
        for value in BAD_PAGE:  # the first page, or the last one (past the end, or below 1)
            response = client.get(url, {"page": value, "per_page": "-1"})
            page = response.context["table"].page
            assert 0 < rows(response) <= 20 and page.number in (1, page.paginator.num_pages)
        assert rows(client.get(url, {"page": "2"})) == 20


@pytest.mark.parametrize(
    "username, url_name",
    [
        ("operator", "operator:accounts"),
        ("operator", "operator:quota_requests"),
        ("operator", "operator:system_services"),
        ("a-approver", "services:permissions"),
        ("a-admin", "credentials"),
        ("a-admin", "quotas"),
    ],
)
def test_lists_without_pages_ignore_paging_parameters(login, many, username, url_name):
    url = reverse(url_name, args=[many.pk]) if url_name == "services:permissions" else None
    client = login(username)
    for value in BAD_PER_PAGE + BAD_PAGE:
        response = client.get(url or reverse(url_name), {"per_page": value, "page": value})
        assert response.status_code == 200
