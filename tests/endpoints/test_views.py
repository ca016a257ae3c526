"""Pages of 终端节点: list, the create wizard with 规格确认, detail, delete (E1-E8)."""

import re

import pytest
from django.urls import reverse

from console.network.models import VPC, RouteTable, Subnet
from console.quotas.models import Quota
from endpoints import operations as ops
from endpoints.models import Endpoint, EndpointStatus
from services.models import Permission

from .conftest import project, user

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def a_endpoint(dns, a_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = ops.create_endpoint(
            user("a-admin"), project("tenant-a"), service_id=dns.pk, private_dns=True, **a_request
        )
    endpoint.refresh_from_db()
    return endpoint


# --- list -------------------------------------------------------------------------------------


def test_the_list_shows_the_accounts_own_endpoints(login, a_endpoint):
    page = html(login("a-member").get(reverse("endpoints:list")))
    for text in (
        str(a_endpoint.pk),
        "cn.ctyun.cn-gzt.dns",
        "vpc-638b",
        "已接受",
        a_endpoint.node_ip,
        a_endpoint.domain_name,
    ):
        assert text in page
    b_page = html(login("b-member").get(reverse("endpoints:list")))
    assert str(a_endpoint.pk) not in b_page and b_page.count("cn-gzt.web.") == 2


def test_filter_and_sort_and_htmx(login, a_endpoint):
    client = login("b-admin")
    assert (
        "已接受"
        not in html(client.get(reverse("endpoints:list"), {"status": "pendingAcceptance"})).split(
            "<tbody>"
        )[1]
    )
    response = client.get(
        reverse("endpoints:list"), {"sort": "-created_at"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in html(response) and "HX-Request" in response["Vary"]


def test_creating_rows_refresh_themselves(login, a_endpoint):
    client = login("a-admin")
    assert 'hx-trigger="every 2s"' not in html(client.get(reverse("endpoints:list")))
    Endpoint.objects.filter(pk=a_endpoint.pk).update(status=EndpointStatus.CREATING)
    assert 'hx-trigger="every 2s"' in html(client.get(reverse("endpoints:list")))


def test_create_is_disabled_with_the_reason_at_the_quota(login, a_endpoint):
    client = login("a-admin")
    assert f'href="{reverse("endpoints:create")}"' in html(client.get(reverse("endpoints:list")))
    Quota.objects.create(project=a_endpoint.project, resource="endpoint", limit=1)
    page = html(client.get(reverse("endpoints:list")))
    assert f'href="{reverse("endpoints:create")}"' not in page and "配额已用完" in page


def test_the_list_runs_a_fixed_number_of_queries(
    login, a_endpoint, dns, a_request, django_assert_num_queries
):
    client = login("a-admin")
    client.get(reverse("endpoints:list"))
    with django_assert_num_queries(7) as few:  # one count: the page's and the quota's
        client.get(reverse("endpoints:list"))
    for _ in range(15):
        ops.create_endpoint(user("a-admin"), project("tenant-a"), service_id=dns.pk, **a_request)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse("endpoints:list")).status_code == 200


# --- detail -----------------------------------------------------------------------------------


def test_the_detail_shows_table_4_4_and_how_to_reach_the_dns_service(login, a_endpoint):
    page = html(login("a-member").get(reverse("endpoints:detail", args=[a_endpoint.pk])))
    for text in (
        str(a_endpoint.pk),
        "vpc-638b",
        "cn.ctyun.cn-gzt.dns",
        a_endpoint.domain_name,
        "正常",
        "已接受",
        "3000",
    ):
        assert text in page
    assert re.search(rf"forwarders \{{ {re.escape(a_endpoint.node_ip)}; \}};", page)


def test_the_detail_of_a_private_service_shows_curl_lines(
    login, web, a_request, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = ops.create_endpoint(
            user("a-admin"), project("tenant-a"), service_id=web.pk, private_dns=True, **a_request
        )
    from services.operations import decide_connections

    decide_connections(user("a-approver"), web.pk, [endpoint.pk], "accept")
    endpoint.refresh_from_db()
    page = html(login("a-admin").get(reverse("endpoints:detail", args=[endpoint.pk])))
    for port in (80, 443):
        assert (
            f"curl {endpoint.node_ip}:{port}" in page
            and f"curl {endpoint.domain_name}:{port}" in page
        )


def test_the_detail_of_a_gateway_endpoint_shows_its_routes(
    login, obs, a_request, a_route_table, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = ops.create_endpoint(
            user("a-admin"),
            project("tenant-a"),
            service_id=obs.pk,
            vpc_id=a_request["vpc_id"],
            route_table_ids=[a_route_table.pk],
        )
    page = html(login("a-admin").get(reverse("endpoints:detail", args=[endpoint.pk])))
    assert 'data-testid="routes"' in page and "100.125.0.0/16" in page and "rtb-638b" in page


@pytest.mark.parametrize("tab", ["detail", "tags", "delete_confirm"])
def test_another_accounts_endpoint_is_a_404(login, a_endpoint, tab):
    assert (
        login("b-admin").get(reverse(f"endpoints:{tab}", args=[a_endpoint.pk])).status_code == 404
    )


def test_the_services_owner_does_not_open_the_consumers_endpoint(login, web):
    b_endpoint = web.endpoints.first()
    assert (
        login("a-admin").get(reverse("endpoints:detail", args=[b_endpoint.pk])).status_code == 404
    )


@pytest.mark.parametrize("tab", ["detail", "tags"])
def test_detail_tabs_run_a_fixed_number_of_queries(
    login, a_endpoint, tab, django_assert_max_num_queries
):
    client = login("a-admin")
    with django_assert_max_num_queries(9):
        assert client.get(reverse(f"endpoints:{tab}", args=[a_endpoint.pk])).status_code == 200


def test_delete_through_the_confirmation(login, a_endpoint, django_capture_on_commit_callbacks):
    client = login("a-admin")
    modal = html(
        client.get(
            reverse("endpoints:delete_confirm", args=[a_endpoint.pk]),
            headers={"HX-Request": "true"},
        )
    )
    assert 'class="modal fade"' in modal and "无法恢复" in modal
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("endpoints:delete", args=[a_endpoint.pk]))
    assert response["Location"] == reverse("endpoints:list")
    assert not Endpoint.objects.filter(pk=a_endpoint.pk).exists()


def test_members_cannot_delete(login, a_endpoint):
    client = login("a-member")
    assert client.post(reverse("endpoints:delete", args=[a_endpoint.pk])).status_code == 403
    assert Endpoint.objects.filter(pk=a_endpoint.pk).exists()


def test_endpoint_tags_tab(login, a_endpoint):
    client = login("a-admin")
    client.post(reverse("endpoints:tags", args=[a_endpoint.pk]), {"key": "team", "value": "net"})
    assert a_endpoint.tags.get().value == "net"
    tag = a_endpoint.tags.get()
    client.post(reverse("endpoints:tag_edit", args=[a_endpoint.pk]), {"tag": tag.pk, "delete": "1"})
    assert not a_endpoint.tags.exists()


# --- create wizard ----------------------------------------------------------------------------


def wizard_data(chosen, **overrides):
    vpc = VPC.objects.get(name="vpc-638b")
    data = {
        "category": "cloud",
        "service": chosen.pk,
        "vpc": vpc.pk,
        "subnet": Subnet.objects.get(name="subnet-71cf").pk,
        "private_dns": "on",
        "request_id": "4a0fc120-1bca-46e8-9c67-267f55c85134",
        "tags-TOTAL_FORMS": "1",
        "tags-INITIAL_FORMS": "0",
        "tags-0-key": "env",
        "tags-0-value": "prod",
    }
    return {**data, **overrides}


def payload_of(page: str) -> str:
    return re.search(r'name="payload" value="([^"]+)"', page).group(1)


def test_confirm_back_and_submit(login, dns, django_capture_on_commit_callbacks):
    client = login("a-admin")
    confirm = client.post(reverse("endpoints:create"), {**wizard_data(dns), "_action": "confirm"})
    page = html(confirm)
    assert "规格确认" in page and "上一步" in page and "提交" in page
    for text in (
        "cn.ctyun.cn-gzt.dns",
        "vpc-638b",
        "subnet-71cf",
        "创建内网域名",
        "env=prod",
        "3000",
    ):
        assert text in page
    assert not Endpoint.objects.filter(project__account__name="tenant-a").exists()
    back = html(
        client.post(reverse("endpoints:create"), {"_action": "back", "payload": payload_of(page)})
    )
    assert 'value="prod"' in back and re.search(r'value="[^"]+" selected>subnet-71cf', back)
    assert re.search(r'name="private_dns"[^>]*checked', back)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("endpoints:create"), {"_action": "submit", "payload": payload_of(page)}
        )
    assert response.status_code == 302 and response["Location"] == reverse("endpoints:list")
    endpoint = Endpoint.objects.get(project__account__name="tenant-a")
    assert endpoint.status == EndpointStatus.ACCEPTED and endpoint.private_dns
    # 提交 again (double click, or back then submit): still one endpoint
    client.post(reverse("endpoints:create"), {"_action": "submit", "payload": payload_of(page)})
    assert Endpoint.objects.filter(project__account__name="tenant-a").count() == 1


def test_a_changed_payload_is_refused(login, dns):
    client = login("a-admin")
    page = html(
        client.post(reverse("endpoints:create"), {**wizard_data(dns), "_action": "confirm"})
    )
    tampered = payload_of(page)[:-3] + "abc"
    response = client.post(reverse("endpoints:create"), {"_action": "submit", "payload": tampered})
    assert "已过期或被修改" in html(response)
    assert not Endpoint.objects.filter(project__account__name="tenant-a").exists()


def test_bad_choices_are_shown_at_their_fields_with_values_kept(login, dns):
    client = login("a-admin")
    b_vpc = VPC.objects.get(name="vpc-4e1c")  # another account's VPC, by ID in the post
    response = client.post(
        reverse("endpoints:create"), {**wizard_data(dns, vpc=b_vpc.pk), "_action": "confirm"}
    )
    assert response.status_code == 422 and response.context["form"].errors["vpc"]
    response = client.post(
        reverse("endpoints:create"), {**wizard_data(dns, service=""), "_action": "confirm"}
    )
    assert response.status_code == 422 and "请选择云服务" in html(response)
    assert 'value="prod"' in html(response)
    by_name = {
        **wizard_data(dns, category="name", service_name="cn-gzt.none.x"),
        "_action": "confirm",
    }
    response = client.post(reverse("endpoints:create"), by_name)
    assert response.status_code == 422 and response.context["form"].errors["service_name"]


def test_verify_answers_found_or_not_found_alike(login, web, demo_data):
    client = login("b-admin")

    def verify(name):
        return html(
            client.post(
                reverse("endpoints:create"),
                {
                    "category": "name",
                    "service_name": name,
                    "_action": "verify",
                    "tags-TOTAL_FORMS": "0",
                    "tags-INITIAL_FORMS": "0",
                },
                headers={"HX-Request": "true"},
            )
        )

    assert "已找到服务" in verify(web.service_name)
    Permission.objects.filter(service=web).delete()
    hidden, missing = (
        verify(web.service_name),
        verify("cn-gzt.x.00000000-0000-0000-0000-000000000000"),
    )
    strip = lambda page, name: page.replace(name, "")  # noqa: E731 - the typed name is echoed back
    assert "未找到服务" in hidden
    assert strip(hidden, web.service_name) == strip(
        missing, "cn-gzt.x.00000000-0000-0000-0000-000000000000"
    )


def test_choices_follow_the_service_and_the_vpc(login, obs, dns):
    client = login("a-admin")
    vpc = VPC.objects.get(name="vpc-638b")
    page = html(
        client.get(
            reverse("endpoints:create"),
            {"category": "cloud", "service": obs.pk, "vpc": vpc.pk},
            headers={"HX-Request": "true"},
        )
    )
    assert "rtb-638b" in page and "创建内网域名" not in page and "subnet-71cf" not in page
    page = html(
        client.get(
            reverse("endpoints:create"),
            {"category": "cloud", "service": dns.pk, "vpc": vpc.pk},
            headers={"HX-Request": "true"},
        )
    )
    assert "subnet-71cf" in page and "创建内网域名" in page and "rtb-638b" not in page
    assert "invalid-feedback" not in page
    page = html(
        client.get(
            reverse("endpoints:create"), {"service_type": "gateway"}, headers={"HX-Request": "true"}
        )
    )
    assert "cn.ctyun.cn-gzt.obs" in page and "cn.ctyun.cn-gzt.dns" not in page


def test_a_gateway_endpoint_from_the_wizard(login, obs, django_capture_on_commit_callbacks):
    client = login("a-admin")
    table = RouteTable.objects.get(name="rtb-638b")
    data = wizard_data(obs, subnet="", private_dns="", route_tables=[table.pk])
    page = html(client.post(reverse("endpoints:create"), {**data, "_action": "confirm"}))
    assert "rtb-638b" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("endpoints:create"), {"_action": "submit", "payload": payload_of(page)})
    assert table.routes.filter(destination="100.125.0.0/16").exists()


def test_the_wizard_is_for_admins(login):
    assert login("a-member").get(reverse("endpoints:create")).status_code == 403
