"""Pages of 终端节点服务: what each user sees and may post, and fixed query counts (S2-S11, D1)."""

import re

import pytest
from django.urls import reverse

from console.quotas.models import Quota
from endpoints.models import Endpoint, EndpointStatus
from services import operations as ops
from services.models import EndpointService, Permission

from .conftest import connect, project, user, whitelist_rows

pytestmark = pytest.mark.django_db

TABS = ["detail", "connections", "permissions", "ports", "tags", "delete_confirm"]


def html(response) -> str:
    return response.content.decode()


# --- list -------------------------------------------------------------------------------------


def test_the_list_shows_the_accounts_own_services_only(login, web):
    page = html(login("a-member").get(reverse("services:list")))
    assert web.service_name in page and "cn-gzt.app." in page
    assert "cn.ctyun" not in page  # cloud services appear in the endpoint wizard instead
    assert "创建终端节点服务" not in page  # a member cannot create


def test_another_account_sees_none_of_them(login, web):
    page = html(login("b-admin").get(reverse("services:list")))
    assert web.service_name not in page and "没有符合条件的终端节点服务" in page


def test_filter_by_name_and_status_and_sort(login, web):
    client = login("a-admin")
    page = html(client.get(reverse("services:list"), {"q": "web"}))
    assert web.service_name in page and "cn-gzt.app." not in page
    page = html(client.get(reverse("services:list"), {"q": str(web.pk)[:8]}))
    assert web.service_name in page and "cn-gzt.app." not in page
    assert "没有符合条件" in html(client.get(reverse("services:list"), {"status": "failed"}))
    page = html(client.get(reverse("services:list"), {"sort": "service_name"}))
    assert page.index("cn-gzt.app.") < page.index("cn-gzt.web.")
    page = html(client.get(reverse("services:list"), {"sort": "-service_name"}))
    assert page.index("cn-gzt.web.") < page.index("cn-gzt.app.")
    assert client.get(reverse("services:list"), {"status": "nonsense"}).status_code == 200


def test_htmx_gets_only_the_table_and_plain_links_still_work(login, web):
    client = login("a-admin")
    response = client.get(
        reverse("services:list"), {"sort": "created_at"}, headers={"HX-Request": "true"}
    )
    body = html(response)
    assert "<html" not in body and 'id="object-table"' in body and web.service_name in body
    assert "HX-Request" in response["Vary"]
    assert 'href="?sort=' in body and 'hx-get="?sort=' in body


def test_transitional_rows_make_the_table_refresh_itself(login, web):
    client = login("a-admin")
    assert 'hx-trigger="every 2s"' not in html(client.get(reverse("services:list")))
    EndpointService.objects.filter(pk=web.pk).update(status="creating")
    assert 'hx-trigger="every 2s"' in html(client.get(reverse("services:list")))


def test_status_badges_explain_their_meaning(login, web):
    page = html(login("a-admin").get(reverse("services:list")))
    assert "表示终端节点服务创建成功，可接受终端节点的连接。" in page
    assert re.search(r'class="badge status-badge status-available[^"]*" tabindex="0"', page)


def test_create_is_disabled_with_the_reason_when_the_quota_is_used(login, web):
    client = login("a-admin")
    assert f'href="{reverse("services:create")}"' in html(client.get(reverse("services:list")))
    Quota.objects.create(project=web.project, resource="endpoint_service", limit=2)
    page = html(client.get(reverse("services:list")))
    assert f'href="{reverse("services:create")}"' not in page
    assert "disabled" in page and "配额已用完" in page


def test_the_list_runs_a_fixed_number_of_queries(
    login, web, create_kwargs, django_assert_num_queries
):
    client = login("a-admin")
    client.get(reverse("services:list"))
    with django_assert_num_queries(7) as few:  # one count: the page's and the quota's
        client.get(reverse("services:list"))
    for _ in range(18):
        ops.create_service(user("a-admin"), web.project, **create_kwargs)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse("services:list")).status_code == 200


# --- detail tabs ------------------------------------------------------------------------------


@pytest.mark.parametrize("tab", TABS)
def test_another_accounts_service_is_a_404_on_every_tab(login, web, tab):
    assert login("b-admin").get(reverse(f"services:{tab}", args=[web.pk])).status_code == 404


def test_a_forged_id_is_a_404(login):
    assert (
        login("a-admin").get("/services/00000000-0000-0000-0000-000000000000/").status_code == 404
    )


def test_the_basic_tab_shows_table_3_3_and_the_backend_check(login, web):
    page = html(login("a-member").get(reverse("services:detail", args=[web.pk])))
    for text in (
        web.service_name,
        str(web.pk),
        "弹性负载均衡",
        "elb-97rn",
        "vpc-638b",
        "可连接",
        "已开启",
        "接口",
    ):
        assert text in page
    assert "已放行 198.19.128.0/20" in page
    app = EndpointService.objects.get(name="app")
    page = html(login("a-member").get(reverse("services:detail", args=[app.pk])))
    assert "问题：" in page and "sg-638b-app" in page and "处理方法" in page


def test_tabs_swap_over_htmx(login, web):
    response = login("a-admin").get(
        reverse("services:ports", args=[web.pk]), headers={"HX-Request": "true"}
    )
    body = html(response)
    assert "<html" not in body and 'id="object-tabs"' in body and "443" in body
    assert "HX-Request" in response["Vary"]


def test_connections_are_for_approvers_and_admins(login, web, client):
    member = login("a-member")
    assert member.get(reverse("services:connections", args=[web.pk])).status_code == 403
    assert reverse("services:connections", args=[web.pk]) not in html(
        member.get(reverse("services:detail", args=[web.pk]))
    )
    endpoint = web.endpoints.get(status=EndpointStatus.PENDING)
    response = member.post(reverse("services:accept", args=[web.pk]), {"endpoint": endpoint.pk})
    assert response.status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.PENDING
    client.logout()
    page = html(login("a-approver").get(reverse("services:connections", args=[web.pk])))
    assert str(endpoint.pk) in page and str(endpoint.packet_id) in page
    assert project("tenant-b").account.domain_id in page and "待接受" in page and "接受" in page


def test_accept_one_and_reject_the_ticked(login, web):
    client = login("a-approver")
    endpoint = web.endpoints.get(status=EndpointStatus.PENDING)
    response = client.post(reverse("services:accept", args=[web.pk]), {"endpoint": endpoint.pk})
    assert response.status_code == 302 and response["Location"] == reverse(
        "services:connections", args=[web.pk]
    )
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.ACCEPTED
    assert "已接受 1 个连接" in html(client.get(response["Location"]))
    ids = list(web.endpoints.values_list("pk", flat=True))
    confirm = html(client.get(reverse("services:reject_confirm", args=[web.pk]), {"endpoint": ids}))
    assert all(str(i) in confirm for i in ids) and "拒绝" in confirm
    client.post(reverse("services:reject", args=[web.pk]), {"endpoint": ids})
    assert set(web.endpoints.values_list("status", flat=True)) == {"rejected"}


def test_a_refused_decision_says_why(login, web):
    client = login("a-approver")
    creating = connect(web, EndpointStatus.CREATING)
    response = client.post(
        reverse("services:accept", args=[web.pk]), {"endpoint": creating.pk}, follow=True
    )
    assert "不能变为" in html(response)
    response = client.post(
        reverse("services:accept", args=[web.pk]), {"endpoint": "not-a-uuid"}, follow=True
    )
    assert "请至少勾选一个连接" in html(response)


def test_connections_tab_runs_a_fixed_number_of_queries(login, web, django_assert_num_queries):
    client = login("a-approver")
    client.get(reverse("services:connections", args=[web.pk]))
    # session, user, roles, service, count, projects (selector), page of endpoints
    with django_assert_num_queries(7) as few:
        client.get(reverse("services:connections", args=[web.pk]))
    for _ in range(15):
        connect(web)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("services:connections", args=[web.pk]))


@pytest.mark.parametrize("tab", ["detail", "permissions", "ports", "tags"])
def test_every_tab_runs_a_fixed_number_of_queries(login, web, django_assert_max_num_queries, tab):
    client = login("a-admin")
    for n in range(12):
        Permission.objects.create(service=web, principal=f"iam:domain::{n:032x}")
    with django_assert_max_num_queries(11):
        assert client.get(reverse(f"services:{tab}", args=[web.pk])).status_code == 200


# --- whitelist --------------------------------------------------------------------------------


def test_whitelist_add_and_the_line_named_when_bad(login, web):
    client = login("a-approver")
    url = reverse("services:permissions", args=[web.pk])
    response = client.post(url, whitelist_rows(f"iam:domain::{'a' * 32}", "*"))
    assert response.status_code == 302
    assert set(web.permissions.values_list("principal", flat=True)) >= {
        "*",
        f"iam:domain::{'a' * 32}",
    }
    # the same account twice: the operation names the second row, nothing is saved
    twice = f"iam:domain::{'b' * 32}"
    response = client.post(url, whitelist_rows(twice, twice))
    assert response.status_code == 422
    page = html(response)
    assert "第 2 行" in page and "b" * 32 in page  # the rows are kept
    assert not web.permissions.filter(principal__contains="b" * 32).exists()


def test_whitelist_dialog_names_a_bad_account_at_its_row(login, web):
    client = login("a-approver")
    url = reverse("services:permissions", args=[web.pk])
    good = f"iam:domain::{'c' * 32}"
    response = client.post(url, whitelist_rows(good, "nonsense", description="伙伴"))
    assert response.status_code == 422
    page = html(response)
    row = re.search(r'<input[^>]*name="principals-1-principal"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in row and 'value="nonsense"' in row
    first = re.search(r'<input[^>]*name="principals-0-principal"[^>]*>', page).group(0)
    assert "aria-invalid" not in first and good in first
    assert 'id="error_1_id_principals-1-principal"' in page  # the error sits at its row
    assert "伙伴" in page
    assert not web.permissions.filter(principal=good).exists()


def test_whitelist_dialog_adds_and_removes_rows_and_counts_what_is_left(login, web):
    client = login("a-approver")
    url = reverse("services:permissions", args=[web.pk])
    page = html(client.get(url))
    assert "您本次还可以添加49个授权账号" in page and "继续添加" in page
    assert 'value="remove_principal-0"' not in page  # one row cannot be removed
    first = f"iam:domain::{'d' * 32}"
    response = client.post(url, whitelist_rows(first, action="add_principal"))
    assert response.status_code == 200
    page = html(response)
    assert 'name="principals-1-principal"' in page and first in page
    assert "您本次还可以添加48个授权账号" in page and "invalid-feedback" not in page
    response = client.post(url, whitelist_rows("", first, action="remove_principal-0"))
    page = html(response)
    assert 'name="principals-1-principal"' not in page
    assert re.search(r'name="principals-0-principal"[^>]*value="' + first, page)
    assert "您本次还可以添加49个授权账号" in page
    full = whitelist_rows(*[f"iam:domain::{n:032x}" for n in range(50)], action="add_principal")
    page = html(client.post(url, full))
    assert "您本次还可以添加0个授权账号" in page and 'value="add_principal"' not in page
    assert not web.permissions.filter(principal=first).exists()  # rows alone save nothing


def test_whitelist_dialog_is_an_approvers(login, web):
    url = reverse("services:permissions", args=[web.pk])
    member = login("a-member")
    assert "添加白名单记录" not in html(member.get(url))
    assert member.post(url, whitelist_rows("*", action="add_principal")).status_code == 403
    assert member.post(url, whitelist_rows("*")).status_code == 403
    assert not web.permissions.filter(principal="*").exists()
    assert login("b-admin").post(url, whitelist_rows("*")).status_code == 404


@pytest.mark.parametrize("rows", [3, 60])
def test_whitelist_tab_is_paged_with_a_fixed_number_of_queries(
    login, web, django_assert_num_queries, rows
):
    Permission.objects.bulk_create(
        Permission(service=web, principal=f"iam:domain::{n:032x}") for n in range(rows)
    )
    client = login("a-approver")
    url = reverse("services:permissions", args=[web.pk])
    client.get(url)
    # session, user, roles, service, count, projects (selector), page of records
    with django_assert_num_queries(7):
        page = html(client.get(url))
    shown = len(re.findall(r'name="permission" value="\d+"', page))
    assert shown == min(web.permissions.count(), 20)
    assert "本帐号：默认允许" in page


def test_whitelist_delete_confirms_then_deletes(login, web):
    client = login("a-approver")
    ids = [
        Permission.objects.create(service=web, principal=f"iam:domain::{n:032x}").pk
        for n in range(2)
    ]
    confirm = html(
        client.get(
            reverse("services:permissions_remove_confirm", args=[web.pk]), {"permission": ids}
        )
    )
    assert f"iam:domain::{0:032x}" in confirm and "是" in confirm
    client.post(reverse("services:permissions_remove", args=[web.pk]), {"permission": ids})
    assert not Permission.objects.filter(pk__in=ids).exists()


def test_the_own_account_is_shown_as_always_allowed(login, web):
    page = html(login("a-member").get(reverse("services:permissions", args=[web.pk])))
    assert project("tenant-a").account.principal in page and "默认允许" in page
    assert "添加白名单记录" not in page  # read-only for members


# --- tags tab ---------------------------------------------------------------------------------


def test_tags_tab_add_edit_delete(login, web):
    client = login("a-admin")
    url = reverse("services:tags", args=[web.pk])
    assert client.post(url, {"key": "env", "value": "prod"}).status_code == 302
    tag = web.tags.get()
    client.post(
        reverse("services:tag_edit", args=[web.pk]), {"tag": tag.pk, "key": "env", "value": "test"}
    )
    tag.refresh_from_db()
    assert tag.value == "test"
    response = client.post(url, {"key": "env", "value": "again"})
    assert response.status_code == 422 and "已存在" in html(response)
    client.post(reverse("services:tag_edit", args=[web.pk]), {"tag": tag.pk, "delete": "1"})
    assert not web.tags.exists()


# --- delete -----------------------------------------------------------------------------------


def test_delete_refused_while_connected_then_accepted(
    login, web, django_capture_on_commit_callbacks
):
    client = login("a-admin")
    confirm = html(
        client.get(
            reverse("services:delete_confirm", args=[web.pk]), headers={"HX-Request": "true"}
        )
    )
    assert 'class="modal fade"' in confirm and "暂时无法删除" in confirm
    assert "确定删除" not in confirm and "关闭" in confirm  # says only why (issue 12)
    response = client.post(reverse("services:delete", args=[web.pk]), follow=True)
    assert "无法删除" in html(response)
    assert EndpointService.objects.filter(pk=web.pk).exists()
    Endpoint.objects.filter(service=web).update(status=EndpointStatus.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("services:delete", args=[web.pk]))
    assert response["Location"] == reverse("services:list")
    assert not EndpointService.objects.filter(pk=web.pk).exists()


def test_an_approver_cannot_delete(login, web):
    client = login("a-approver")
    assert client.get(reverse("services:delete_confirm", args=[web.pk])).status_code == 403
    assert client.post(reverse("services:delete", args=[web.pk])).status_code == 403


# --- create -----------------------------------------------------------------------------------


def form_data(a_network, **overrides):
    data = {
        "_action": "create",
        "name": "shop",
        "vpc": a_network["vpc"].pk,
        "backend_type": "LB",
        "backend": a_network["elb"].pk,
        "approval_enabled": "on",
        "ports-TOTAL_FORMS": "2",
        "ports-INITIAL_FORMS": "0",
        "ports-0-protocol": "TCP",
        "ports-0-service_port": "80",
        "ports-0-terminal_port": "8080",
        "ports-1-protocol": "UDP",
        "ports-1-service_port": "53",
        "ports-1-terminal_port": "53",
        "tags-TOTAL_FORMS": "1",
        "tags-INITIAL_FORMS": "0",
        "tags-0-key": "env",
        "tags-0-value": "prod",
    }
    return {**data, **overrides}


def test_create_form_creates_the_service(login, a_network, django_capture_on_commit_callbacks):
    client = login("a-admin")
    page = html(client.get(reverse("services:create")))
    assert "立即创建" in page and "添加端口映射" in page and "198.19.128.0/20" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("services:create"), form_data(a_network))
    assert response.status_code == 302 and response["Location"] == reverse("services:list")
    service = EndpointService.objects.get(name="shop")
    assert service.status == "available" and service.ports.count() == 2 and service.approval_enabled
    assert "正在创建" in html(client.get(reverse("services:list")))


def test_a_refused_create_keeps_every_value_and_says_what_to_fix(login, a_network):
    client = login("a-admin")
    data = form_data(a_network, **{"ports-1-protocol": "TCP", "ports-1-terminal_port": "8080"})
    response = client.post(reverse("services:create"), data)
    assert response.status_code == 422
    page = html(response)
    assert "终端端口 8080/TCP 已在第 1 行使用" in page
    assert 'value="shop"' in page and 'value="53"' in page and 'value="prod"' in page
    assert not EndpointService.objects.filter(name="shop").exists()


def test_a_forged_vpc_of_another_account_is_refused_at_the_field(login, a_network):
    from console.network.models import VPC

    response = login("a-admin").post(
        reverse("services:create"), form_data(a_network, vpc=VPC.objects.get(name="vpc-4e1c").pk)
    )
    assert response.status_code == 422 and not EndpointService.objects.filter(name="shop").exists()
    assert response.context["form"].errors["vpc"]


def test_rows_are_added_and_removed_without_creating(login, a_network):
    client = login("a-admin")
    response = client.post(reverse("services:create"), form_data(a_network, _action="add_port"))
    assert response.context["ports"].total_form_count() == 3
    assert "invalid-feedback" not in html(response)  # a new empty row is not an error yet
    response = client.post(
        reverse("services:create"), form_data(a_network, _action="remove_port-0")
    )
    ports = response.context["ports"]
    assert ports.total_form_count() == 1 and ports.forms[0]["terminal_port"].value() == "53"
    assert not EndpointService.objects.filter(name="shop").exists()


def test_choosing_a_vpc_fills_the_backend_choices_over_htmx(login, a_network):
    client = login("a-admin")
    body = html(
        client.get(
            reverse("services:create"),
            {"vpc": a_network["vpc"].pk, "backend_type": "VM"},
            headers={"HX-Request": "true"},
        )
    )
    assert (
        "<html" not in body
        and "ecs-66a6" in body
        and "elb-97rn" not in body
        and "选择云服务器" in body
    )


def test_the_create_page_is_for_admins(login, client):
    assert login("a-member").get(reverse("services:create")).status_code == 403


def test_operators_see_every_accounts_services_with_their_owner(login, web):
    page = html(login("operator").get(reverse("services:list")))
    assert web.service_name in page and "cn.ctyun.cn-gzt.obs" in page and "tenant-a" in page
    assert "拥有者" in page
    assert "拥有者" not in html(login("a-admin").get(reverse("services:list")))


def test_the_help_page_explains_statuses_and_peering(login):
    page = html(login("a-member").get(reverse("help")))
    assert "表示终端节点服务创建成功，可接受终端节点的连接。" in page
    assert "表示终端节点要连接的终端节点服务开启了连接审批功能，正等待终端节点服务的审批。" in page
    assert 'id="peering-comparison"' in page


def test_the_only_tag_row_can_be_deleted_but_not_the_only_port_mapping(login, a_network):
    """删除 on the one tag row removes it (a service needs no tag: the button was dead), while
    the one port mapping stays (a service needs one)."""
    client = login("a-admin")
    one_port = {
        "ports-TOTAL_FORMS": "1",
        "ports-1-protocol": None,
        "ports-1-service_port": None,
        "ports-1-terminal_port": None,
    }
    data = {k: v for k, v in form_data(a_network, **one_port).items() if v is not None}
    page = client.post(reverse("services:create"), {**data, "_action": "remove_tag-0"})
    assert page.context["tags"].total_form_count() == 0
    assert EndpointService.objects.filter(name="shop").count() == 0  # nothing created
    page = client.post(reverse("services:create"), {**data, "_action": "remove_port-0"})
    assert page.context["ports"].total_form_count() == 1
