"""Browser: the manual's §2.4, endpoints to the cloud services DNS and OBS.

a-admin picks cn.ctyun.cn-gzt.dns from the 云服务 table (an interface service: a subnet,
a node IP, a BIND forwarder to it), then cn.ctyun.cn-gzt.obs after filtering the table by
网关 (a gateway service: route tables, a route to 100.125.0.0/16 in each), and deletes the
OBS endpoint through the 是 modal.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from console.network.models import Route
from tests.e2e.helpers import ENDPOINT_ID, refreshed, sidebar

pytestmark = pytest.mark.e2e

DNS = "cn.ctyun.cn-gzt.dns"
OBS = "cn.ctyun.cn-gzt.obs"
OBS_PREFIX = "100.125.0.0/16"
VPC = "vpc-638b(192.168.0.0/20)"
SUBNET = "subnet-71cf(192.168.0.0/24)"


def open_endpoint_list(page: Page) -> None:
    sidebar(page).get_by_role("link", name="终端节点", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点")


def open_create_wizard(page: Page) -> None:
    open_endpoint_list(page)
    page.get_by_role("link", name="创建终端节点").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    page.wait_for_load_state()  # htmx is ready to refresh the fields
    # 云服务 is the default category: the table of cloud services is there.
    expect(page.get_by_role("radio", name="云服务", exact=True)).to_be_checked()


def choose_vpc(page: Page) -> None:
    page.get_by_role("combobox", name="虚拟私有云").select_option(label=VPC)
    refreshed(page)


def submit_and_read_id(page: Page) -> str:
    """提交 on 规格确认; back on the list, the new endpoint's ID from the message."""
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点")
    created = page.get_by_role("alert").filter(has_text="正在创建")
    expect(created).to_contain_text(re.compile(ENDPOINT_ID))
    return re.search(ENDPOINT_ID, created.inner_text()).group(0)


def endpoint_row(page: Page, endpoint_id: str):
    return page.get_by_role("row").filter(
        has=page.get_by_role("link", name=endpoint_id, exact=True)
    )


def open_detail(page: Page, endpoint_id: str) -> None:
    endpoint_row(page, endpoint_id).get_by_role("link", name=endpoint_id, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(endpoint_id)


def test_dns_and_obs_endpoints(log_in):
    page = log_in("a-admin")

    # --- DNS: an interface cloud service.
    open_create_wizard(page)
    dns = page.get_by_role("radio", name=DNS, exact=True)
    expect(dns).to_be_visible()
    expect(page.get_by_role("radio", name=OBS, exact=True)).to_be_visible()
    dns.check()
    refreshed(page)
    expect(page.get_by_role("checkbox", name="创建内网域名")).to_be_visible()
    subnet = page.get_by_role("combobox", name="子网")
    choose_vpc(page)
    expect(subnet.locator("option", has_text="subnet-71cf")).to_have_count(1)
    subnet.select_option(label=SUBNET)
    # The choice of service survived the refreshes.
    expect(page.get_by_role("radio", name=DNS, exact=True)).to_be_checked()
    page.get_by_role("button", name="立即创建").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("规格确认")
    spec = page.get_by_test_id("specification")
    expect(spec).to_contain_text(DNS)
    expect(spec).to_contain_text("接口")
    expect(spec).to_contain_text("subnet-71cf (192.168.0.0/24)")
    # The DNS service has no approval: nothing to wait for.
    expect(spec).not_to_contain_text("待接受")
    dns_id = submit_and_read_id(page)

    row = endpoint_row(page, dns_id)
    expect(row.locator(".status-badge")).to_contain_text("已接受")
    expect(row).to_contain_text(DNS)
    expect(row).to_contain_text(re.compile(r"192\.168\.0\.\d{1,3}"))
    open_detail(page, dns_id)
    node_ip = page.get_by_test_id("node-ip")
    expect(node_ip).to_have_text(re.compile(r"^192\.168\.0\.\d{1,3}$"))
    ip = node_ip.inner_text().strip()
    reach = page.get_by_role("region", name="访问终端节点服务")
    forwarder = reach.get_by_test_id("dns-forwarder")
    expect(forwarder).to_contain_text("forward only;")
    expect(forwarder).to_contain_text(f"forwarders {{ {ip}; }};")
    expect(reach).to_contain_text(f"nameserver {ip}")
    expect(reach.get_by_test_id("curl")).to_have_count(0)

    # --- OBS: a gateway cloud service, found by filtering the table by 网关.
    open_create_wizard(page)
    page.get_by_role("combobox", name="类型").select_option(label="网关")
    refreshed(page)
    expect(page.get_by_role("radio", name=DNS, exact=True)).to_have_count(0)
    obs = page.get_by_role("radio", name=OBS, exact=True)
    expect(obs).to_be_visible()
    obs.check()
    refreshed(page)
    # A gateway service: route tables instead of a subnet, and no private domain name.
    tables = page.get_by_role("group", name="路由表")
    expect(tables).to_be_visible()
    expect(page.get_by_role("checkbox", name="创建内网域名")).to_have_count(0)
    expect(page.get_by_role("combobox", name="子网")).to_have_count(0)
    choose_vpc(page)
    rtb = tables.get_by_role("checkbox", name="rtb-638b", exact=True)
    expect(rtb).to_be_visible()
    expect(tables.get_by_role("checkbox", name="rtb-638b-2", exact=True)).to_be_visible()
    rtb.check()
    expect(page.get_by_role("combobox", name="类型")).to_have_value("gateway")
    expect(obs).to_be_checked()
    page.get_by_role("button", name="立即创建").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("规格确认")
    spec = page.get_by_test_id("specification")
    expect(spec).to_contain_text(OBS)
    expect(spec).to_contain_text("网关")
    expect(spec).to_contain_text("vpc-638b (192.168.0.0/20)")
    expect(spec.locator("dd").filter(has_text=re.compile(r"^rtb-638b$"))).to_have_count(1)
    expect(spec).not_to_contain_text("subnet-71cf")
    obs_id = submit_and_read_id(page)

    row = endpoint_row(page, obs_id)
    expect(row.locator(".status-badge")).to_contain_text("已接受")
    expect(row).to_contain_text(OBS)
    # The DNS endpoint is still there.
    expect(endpoint_row(page, dns_id)).to_have_count(1)
    open_detail(page, obs_id)
    reach = page.get_by_role("region", name="访问终端节点服务")
    routes = reach.get_by_test_id("routes").locator("tbody tr")
    expect(routes).to_have_count(1)
    expect(routes.first.locator("td")).to_have_text(["rtb-638b", OBS_PREFIX, obs_id])

    # --- Delete the OBS endpoint through the modal.
    page.get_by_role("link", name="删除", exact=True).click()
    dialog = page.get_by_role("dialog", name="删除终端节点")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(obs_id)
    dialog.get_by_role("button", name="是").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点")
    expect(page.get_by_role("alert").filter(has_text="正在删除")).to_contain_text(obs_id)
    expect(endpoint_row(page, obs_id)).to_have_count(0)
    expect(page.get_by_role("link", name=obs_id, exact=True)).to_have_count(0)
    expect(endpoint_row(page, dns_id)).to_have_count(1)
    # Its route went with it.
    assert not Route.objects.filter(next_hop=obs_id).exists()
