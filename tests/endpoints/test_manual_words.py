"""Issue 12: the wizard, the detail and the help page in the manual's words (§2.4.4, §4.2,
§5.1, §5.2), rendered through crispy-forms."""

import pytest
from django.urls import reverse

from endpoints import operations as ops
from services.operations import decide_connections

from . import test_views
from .conftest import project, user

html = test_views.html
a_endpoint = test_views.a_endpoint  # the DNS endpoint fixture

pytestmark = pytest.mark.django_db


def wizard(client, **params) -> str:
    return html(client.get(reverse("endpoints:create"), params, headers={"HX-Request": "true"}))


def test_the_cloud_service_table_has_search_clear_and_the_current_choice(login, dns):
    client = login("a-admin")
    page = wizard(client, category="cloud")
    assert "选择服务" in page and "搜索" in page
    assert 'value="search"' in page and 'value="clear"' in page and "清除" in page
    assert "当前选择" not in page  # nothing chosen yet
    page = wizard(client, category="cloud", service=dns.pk)
    assert "当前选择：cn.ctyun.cn-gzt.dns" in page


def test_clear_drops_the_name_search_and_search_keeps_it(login, dns, obs):
    client = login("a-admin")
    searched = html(
        client.post(
            reverse("endpoints:create"), {"category": "cloud", "q": "obs", "_action": "search"}
        )
    )
    assert 'value="obs"' in searched and "cn.ctyun.cn-gzt.obs" in searched
    assert "cn.ctyun.cn-gzt.dns" not in searched
    cleared = html(
        client.post(
            reverse("endpoints:create"), {"category": "cloud", "q": "obs", "_action": "clear"}
        )
    )
    assert "cn.ctyun.cn-gzt.obs" in cleared and "cn.ctyun.cn-gzt.dns" in cleared
    assert 'value="obs"' not in cleared


def test_find_by_name_is_labelled_service_name_with_verify(login):
    page = wizard(login("a-admin"), category="name")
    assert '<label for="id_service_name"' in page
    label = page.split('<label for="id_service_name"', 1)[1].split("</label>", 1)[0]
    assert "服务名称" in label and "终端节点服务名称" not in label
    assert 'value="verify"' in page and "验证" in page


def test_the_vpc_choice_offers_view_vpcs_listing_only_the_accounts_vpcs(login):
    page = wizard(login("a-admin"), category="cloud")
    assert "查看虚拟私有云" in page and 'data-bs-target="#vpc-list"' in page
    details = page.split('data-testid="vpc-list"', 1)[1].split("</table>", 1)[0]
    assert "vpc-638b" in details and "192.168.0.0/20" in details


def test_the_wizard_renders_through_crispy_with_htmx_on_the_layout(login):
    page = wizard(login("a-admin"), category="cloud")
    assert 'id="div_id_vpc"' in page and 'id="div_id_category"' in page  # the pack's wrappers
    select = page.split('<select name="vpc"', 1)[1].split(">", 1)[0]
    assert 'hx-get="/endpoints/create/"' in select and 'hx-target="#endpoint-form-fields"' in select


def test_an_error_stays_at_its_field_with_what_was_typed(login):
    typed = "cn-gzt." + "x" * 130
    response = login("a-admin").post(
        reverse("endpoints:create"), {"category": "name", "service_name": typed}
    )
    page = html(response)
    assert response.status_code == 422
    assert 'id="id_service_name_error"' in page and 'id="id_vpc_error"' in page
    assert f'value="{typed}"' in page


def test_the_detail_links_to_the_service_only_when_the_user_may_see_it(
    login, web, a_request, a_endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        own = ops.create_endpoint(
            user("a-admin"), project("tenant-a"), service_id=web.pk, **a_request
        )
    decide_connections(user("a-approver"), web.pk, [own.pk], "accept")
    client = login("a-admin")
    page = html(client.get(reverse("endpoints:detail", args=[own.pk])))
    assert f'href="{reverse("services:detail", args=[web.pk])}"' in page
    cloud = html(client.get(reverse("endpoints:detail", args=[a_endpoint.pk])))
    cell = cloud.split('data-testid="service"', 1)[1].split("</dd>", 1)[0]
    assert "cn.ctyun.cn-gzt.dns" in cell and "<a " not in cell


def test_the_dns_endpoint_shows_the_host_route_and_the_telnet_check(login, a_endpoint):
    page = html(login("a-member").get(reverse("endpoints:detail", args=[a_endpoint.pk])))
    ip = a_endpoint.node_ip
    assert f"route -p add {ip} mask 255.255.255.255 GATEWAY_IP" in page
    assert f"telnet {ip} 53" in page


def test_other_endpoints_show_no_dns_route(
    login, web, a_request, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        own = ops.create_endpoint(
            user("a-admin"), project("tenant-a"), service_id=web.pk, **a_request
        )
    page = html(login("a-admin").get(reverse("endpoints:detail", args=[own.pk])))
    assert "route -p add" not in page and "telnet" not in page


def test_the_help_page_covers_quotas_and_the_backend_check(login):
    page = html(login("a-member").get(reverse("help")))
    for text in (
        "什么是配额？",
        "如何申请扩大配额？",
        "198.19.128.0/20",
        "网络 ACL",
        reverse("quotas"),
    ):
        assert text in page
