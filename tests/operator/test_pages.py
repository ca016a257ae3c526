"""Operator pages (T2, S1, S5, Q2) and the activity log of each role."""

import pytest
from django.urls import reverse

from console.audit.models import AuditRecord
from console.quotas import operations as quota_ops
from endpoints.models import EndpointStatus
from services import operations as service_ops
from services.models import EndpointService
from tests.services.conftest import project, user

pytestmark = pytest.mark.django_db

OPERATOR_PAGES = ["operator:accounts", "operator:quota_requests", "operator:system_services"]


def html(response) -> str:
    return response.content.decode()


def rows(response) -> str:
    """The table body only: the filter's choices name every action too."""
    return html(response).split("<tbody>", 1)[1]


@pytest.mark.parametrize("name", OPERATOR_PAGES)
@pytest.mark.parametrize("username", ["a-admin", "b-approver", "a-member"])
def test_tenants_get_403_on_operator_pages(login, name, username):
    client = login(username)
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {}).status_code == 403


def test_accounts_with_their_usage(login, demo_data, django_assert_num_queries):
    client = login("operator")
    client.get(reverse("operator:accounts"))
    with django_assert_num_queries(5):  # session, user, roles (the inbox entry), projects, accounts
        page = html(client.get(reverse("operator:accounts")))
    assert (
        "tenant-a" in page and "tenant-b" in page and project("tenant-a").account.domain_id in page
    )
    assert "<td>2</td><td>0</td>" in page  # tenant-a: 2 services, 0 endpoints
    assert "<td>0</td><td>2</td>" in page  # tenant-b: 0 services, 2 endpoints


def test_the_quota_request_queue(login, demo_data):
    request = quota_ops.request_increase(
        user("a-admin"), project("tenant-a").project_id, "endpoint", 80, "migration"
    )
    client = login("operator")
    assert "migration" in html(client.get(reverse("operator:quota_requests")))
    client.post(reverse("operator:quota_requests"), {"request": request.pk, "decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved"
    response = client.post(
        reverse("operator:quota_requests"),
        {
            "account": project("tenant-b").account.pk,
            "region": project("tenant-b").region.pk,
            "resource": "endpoint_service",
            "limit": 25,
        },
    )
    assert response.status_code == 302
    assert "25" in html(client.get(reverse("operator:quota_requests")))


def test_system_services_add_edit_retire(login, demo_data, django_capture_on_commit_callbacks):
    client = login("operator")
    region = project("tenant-a", "cn-sh").region
    response = client.post(
        reverse("operator:system_services"),
        {
            "_action": "create",
            "region": region.pk,
            "name": "obs",
            "service_type": "gateway",
            "description": "OBS",
            "route_prefix": "100.125.0.0/16",
            "port_mappings": "",
        },
    )
    assert response.status_code == 302
    obs = EndpointService.objects.get(service_name="cn.ctyun.cn-sh.obs")
    assert (
        obs.is_system and obs.project.account.is_platform and obs.route_prefix == "100.125.0.0/16"
    )
    response = client.post(
        reverse("operator:system_services"),
        {
            "_action": "create",
            "region": region.pk,
            "name": "obs",
            "service_type": "gateway",
            "route_prefix": "x",
        },
    )
    assert response.status_code == 422 and "同名" in html(response)
    client.post(
        reverse("operator:system_services"),
        {"_action": "edit", "service": obs.pk, "description": "对象存储"},
    )
    obs.refresh_from_db()
    assert obs.description == "对象存储"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("operator:system_services"), {"_action": "retire", "service": obs.pk})
    assert not EndpointService.objects.filter(pk=obs.pk).exists()


def test_a_cloud_service_in_use_is_not_retired(login, web, demo_data):
    from endpoints.models import Endpoint

    dns = EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.dns")
    # tenant-b's endpoints now use DNS
    Endpoint.objects.filter(service=web).update(service=dns, provider_project=dns.project)
    response = login("operator").post(
        reverse("operator:system_services"), {"_action": "retire", "service": dns.pk}, follow=True
    )
    assert "无法删除" in html(response)
    assert EndpointService.objects.get(pk=dns.pk).status == "available"


def test_activity_log_by_role(login, client, web, demo_data):
    pending = web.endpoints.get(status=EndpointStatus.PENDING)
    service_ops.decide_connections(user("a-approver"), web.pk, [pending.pk], "accept")
    service_ops.add_permissions(user("a-admin"), web.pk, ["*"])
    quota_ops.request_increase(user("b-admin"), project("tenant-b").project_id, "endpoint", 60, "b")

    admin = rows(login("a-admin").get(reverse("activity")))
    assert (
        "connection.accept" in admin and "permission.add" in admin and "quota.request" not in admin
    )
    client.logout()
    approver = rows(login("a-approver").get(reverse("activity")))
    assert "connection.accept" in approver and "permission.add" not in approver
    client.logout()
    assert login("a-member").get(reverse("activity")).status_code == 403
    client.logout()
    operator = login("operator")
    everything = rows(operator.get(reverse("activity")))
    assert "connection.accept" in everything and "quota.request" in everything
    filtered = rows(
        operator.get(reverse("activity"), {"what": "connection.accept", "who": "approver"})
    )
    assert "connection.accept" in filtered and "quota.request" not in filtered
    by_account = rows(operator.get(reverse("activity"), {"account": "tenant-b"}))
    assert "quota.request" in by_account and "connection.accept" not in by_account
    assert AuditRecord.objects.count() >= 3


def test_the_activity_log_runs_a_fixed_number_of_queries(
    login, web, demo_data, django_assert_num_queries
):
    client = login("a-admin")
    service_ops.add_permissions(user("a-admin"), web.pk, ["*"])
    client.get(reverse("activity"))
    with django_assert_num_queries(5) as few:  # no count: the log pages lazily (issue 13)
        client.get(reverse("activity"))
    for n in range(10):
        service_ops.add_permissions(user("a-admin"), web.pk, [f"iam:domain::{n:032x}"])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("activity"))
