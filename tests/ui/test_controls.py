"""Issue 12, controls and words: rows offer only what their user can use, a refused deletion
says only why, the operator sees no usage line of their own, the status filter offers only what
a list can show, and the activity log speaks the user's language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from console.audit.log import record
from console.audit.models import AuditRecord
from console.tenancy.models import User
from endpoints.models import Endpoint, EndpointStatus
from services import operations as ops
from services.models import EndpointService, ServiceStatus

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def service(name: str) -> EndpointService:
    return EndpointService.objects.get(name=name, project__account__name="tenant-a")


# --- 删除 in the rows --------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "shown"), [("a-admin", True), ("a-member", False)])
@pytest.mark.parametrize("url_name", ["services:list", "endpoints:list"])
def test_rows_offer_delete_only_to_who_may_delete(login, username, shown, url_name):
    if url_name == "endpoints:list":  # tenant-b owns the demo's endpoints
        username = username.replace("a-", "b-")
    page = html(login(username).get(reverse(url_name)))
    assert ("删除</a>" in page or "删除<span" in page) is shown
    assert ("/delete/" in page) is shown


def test_the_approver_sees_no_delete_either(login):
    page = html(login("a-approver").get(reverse("services:list")))
    assert "cn-gzt.web." in page and "/delete/" not in page


def test_delete_link_keeps_its_markup(login):
    web = service("web")
    page = html(login("a-admin").get(reverse("services:list")))
    url = reverse("services:delete_confirm", args=[web.pk])
    assert (
        f'<a class="btn btn-sm btn-link text-danger p-0" href="{url}" hx-get="{url}" '
        'hx-target="#modal-slot" hx-swap="innerHTML" hx-push-url="false" hx-select="unset">'
        f'删除<span class="visually-hidden"> {web}</span></a>'
    ) in page


def test_a_row_being_deleted_offers_no_delete_and_its_badge_spins(login):
    EndpointService.objects.filter(name="app").update(status=ServiceStatus.DELETING)
    app = service("app")
    page = html(login("a-admin").get(reverse("services:list")))
    assert reverse("services:delete_confirm", args=[app.pk]) not in page
    assert reverse("services:delete_confirm", args=[service("web").pk]) in page
    assert 'status-deleting status-transitional" tabindex="0"' in page
    assert 'spinner-border spinner-border-sm me-1" aria-hidden="true"></span>删除中' in page
    assert '<span class="visually-hidden">: ' in page


def more_services(count: int) -> None:
    template = service("app")
    for n in range(count):
        template.pk = None
        template.name = f"more{n}"
        template.service_name = f"cn-gzt.more{n}.x"
        template.save()


@pytest.mark.parametrize("username", ["a-admin", "a-member", "operator"])
def test_the_list_runs_the_same_queries_at_two_row_counts(
    login, username, django_assert_num_queries
):
    """Row actions ask no query per row: the roles are read once per page."""
    client = login(username)
    client.get(reverse("services:list"))  # the session and the region settle
    with CaptureQueriesContext(connection) as two_rows:
        html(client.get(reverse("services:list")))
    more_services(8)
    with django_assert_num_queries(len(two_rows)):
        page = html(client.get(reverse("services:list")))
    assert "cn-gzt.more7.x" in page
    assert (page.count("/delete/confirm/") >= 10) is (username != "a-member")


# --- 连接管理: tick boxes only when a bulk action can be used ----------------------------------


def test_connections_of_a_service_with_nothing_to_decide_show_no_tick_boxes(login):
    page = html(login("a-approver").get(reverse("services:connections", args=[service("app").pk])))
    assert 'type="checkbox"' not in page and "connections-form" not in page
    assert ">接受<" not in page and ">拒绝<" not in page  # no bulk buttons with nothing to tick


def test_connections_with_a_pending_one_offer_tick_boxes_and_bulk_buttons(login):
    page = html(login("a-approver").get(reverse("services:connections", args=[service("web").pk])))
    assert 'type="checkbox"' in page and 'id="connections-form"' in page
    assert 'name="row"' in page  # 接受 of the pending row


def test_no_decision_is_offered_on_a_service_that_is_not_available(login):
    EndpointService.objects.filter(name="web").update(status=ServiceStatus.FAILED)
    page = html(login("a-approver").get(reverse("services:connections", args=[service("web").pk])))
    assert 'type="checkbox"' not in page and 'name="row"' not in page
    assert reverse("services:reject_confirm", args=[service("web").pk]) not in page
    assert "连接记录" in page  # still readable


# --- 删除 dialog of a service that cannot be deleted -------------------------------------------


def confirm(client, pk) -> str:
    return html(
        client.get(reverse("services:delete_confirm", args=[pk]), headers={"HX-Request": "true"})
    )


def test_a_service_that_can_be_deleted_asks_and_offers_yes(login):
    page = confirm(login("a-admin"), service("app").pk)
    assert "确定删除" in page and 'type="submit"' in page and ">否<" in page
    assert 'data-testid="refusal"' not in page


def test_a_connected_service_says_only_why_with_close(login):
    page = confirm(login("a-admin"), service("web").pk)
    assert "暂时无法删除" in page and 'data-testid="refusal"' in page
    assert "确定删除" not in page and 'type="submit"' not in page and ">是<" not in page
    assert ">关闭<" in page and ">否<" not in page


def test_a_cloud_service_says_only_why(login):
    system = EndpointService.objects.filter(is_system=True).first()
    page = confirm(login("operator"), system.pk)
    assert "云服务由系统配置，无权删除。" in page
    assert "确定删除" not in page and 'type="submit"' not in page and ">关闭<" in page


def test_the_refusal_is_in_english_too(login):
    client = login("a-admin")
    client.cookies["django_language"] = "en"
    page = confirm(client, service("web").pk)
    assert "cannot be deleted yet" in page and ">Close<" in page and "Delete cn-gzt" not in page


# --- the operator's usage line ------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["services:list", "endpoints:list"])
def test_a_tenant_sees_their_usage_and_an_operator_none(login, url_name):
    assert 'id="quota-usage"' in html(login("a-admin").get(reverse(url_name)))
    page = html(login("operator").get(reverse(url_name)))
    assert (
        'id="quota-usage"' not in page and "配额" not in page.split('id="quota-summary"')[1][:600]
    )


# --- the status filter ---------------------------------------------------------------------------


def test_the_status_filter_offers_no_deleted(login):
    page = html(login("a-admin").get(reverse("services:list")))
    assert 'value="available"' in page and 'value="deleted"' not in page


@pytest.mark.parametrize("url_name", ["services:list", "endpoints:list"])
def test_a_status_the_list_cannot_show_is_no_filter(login, url_name):
    client = login("a-admin" if url_name == "services:list" else "b-admin")
    page = html(client.get(reverse(url_name), {"status": "deleted"}))
    assert "errorlist" not in page and "invalid-feedback" not in page
    assert "cn-gzt.web." in page  # everything, as with no filter
    page = html(client.get(reverse(url_name), {"status": "failed"}))
    assert "cn-gzt.web." not in page  # a real status still filters
    page = html(client.get(reverse(url_name), {"status": "nonsense"}))
    assert 'data-testid="filter-errors"' in page and "cn-gzt.web." not in page  # still refused


# --- 操作日志 in words ----------------------------------------------------------------------------


@pytest.fixture
def accepted(demo_data):
    web = service("web")
    pending = Endpoint.objects.get(service=web, status=EndpointStatus.PENDING)
    ops.decide_connections(User.objects.get(username="a-approver"), web.pk, [pending.pk], "accept")
    return pending


def activity(client) -> str:
    return html(client.get(reverse("activity"), {"what": "connection.accept"}))


def test_the_log_shows_labelled_translated_changes_in_chinese(login, accepted):
    page = activity(login("a-admin"))
    assert "状态：待接受 → 已接受" in page and "接受连接" in page
    assert "pendingAcceptance" not in page and "connection.accept</" not in page
    assert "connection.accept<" not in page


def test_the_log_shows_labelled_translated_changes_in_english(login, accepted):
    client = login("a-admin")
    client.cookies["django_language"] = "en"
    page = activity(client)
    assert "Status: Pending acceptance → Accepted" in page and "Connection accepted" in page
    assert "pendingAcceptance" not in page


def test_booleans_descriptions_and_unknown_keys(login, demo_data):
    web = service("web")
    operator = User.objects.get(username="a-admin")
    record(
        operator,
        "service.edit",
        web,
        before={"approval_enabled": True, "odd_key": 1},
        after={"approval_enabled": False, "odd_key": 2},
    )
    record(
        operator,
        "permission.add",
        web,
        before={"whitelist": []},
        after={"whitelist": ["iam:domain::x", "*"]},
    )
    page = html(login("a-admin").get(reverse("activity")))
    assert "连接审批：是 → 否" in page  # the field's verbose name and 是/否
    assert "odd_key：1 → 2" in page  # an unknown key stays raw
    assert "白名单：— → iam:domain::x, *" in page
    with translation.override("en"):
        assert AuditRecord.objects.filter(action="service.edit").first().action_label == (
            "Endpoint service edited"
        )
