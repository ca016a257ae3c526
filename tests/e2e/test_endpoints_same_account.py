"""Browser: the manual's §2.2, an endpoint to a service of the same account.

a-admin finds tenant-a's own service `web` by name (验证 -> 已找到服务), creates an endpoint
in vpc-638b / subnet-71cf with a private domain name, goes through 规格确认 and back
(上一步 keeps every value) and submits; `web` wants approval, so the endpoint waits (待接受)
until a-approver accepts it in 连接管理; then its detail shows how to reach the service.
"""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ENDPOINT_ID, log_out, refreshed, sidebar

pytestmark = pytest.mark.e2e

WEB_NAME = re.compile(
    r"^cn-gzt\.web\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
VPC = "vpc-638b(192.168.0.0/20)"
SUBNET = "subnet-71cf(192.168.0.0/24)"


def read_web_service_name(page: Page) -> str:
    """The full name as the owner sees it on the 终端节点服务 list."""
    sidebar(page).get_by_role("link", name="终端节点服务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")
    link = page.get_by_role("link", name=WEB_NAME)
    expect(link).to_have_count(1)
    return link.inner_text().strip()


def open_create_wizard(page: Page) -> None:
    sidebar(page).get_by_role("link", name="终端节点", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点")
    page.get_by_role("link", name="创建终端节点").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    page.wait_for_load_state()  # htmx is ready to refresh the fields


def find_by_name(page: Page) -> None:
    page.get_by_role("radio", name="按名称查找服务").check()
    refreshed(page)
    # The name field replaces the cloud-service table over htmx.
    expect(page.get_by_role("textbox", name="服务名称")).to_be_visible()


def verify(page: Page, name: str):
    page.get_by_role("textbox", name="服务名称").fill(name)
    page.get_by_role("button", name="验证").click()
    refreshed(page)
    return page.get_by_role("alert").and_(page.get_by_test_id("verify-result"))


def choose_vpc_and_subnet(page: Page) -> None:
    subnet = page.get_by_role("combobox", name="子网")
    page.get_by_role("combobox", name="虚拟私有云").select_option(label=VPC)
    refreshed(page)
    # The subnets of the chosen VPC come back over htmx.
    expect(subnet.locator("option", has_text="subnet-71cf")).to_have_count(1)
    subnet.select_option(label=SUBNET)


def endpoint_row(page: Page, endpoint_id: str):
    return page.get_by_role("row").filter(
        has=page.get_by_role("link", name=endpoint_id, exact=True)
    )


def test_same_account_endpoint_walkthrough(log_in):
    page = log_in("a-admin")
    service_name = read_web_service_name(page)

    open_create_wizard(page)
    find_by_name(page)
    result = verify(page, service_name)
    expect(result).to_contain_text("已找到服务")
    expect(result).to_contain_text(service_name)
    expect(result).to_contain_text("接口")

    # An interface service: 创建内网域名 is offered, and a subnet rather than route tables.
    private_dns = page.get_by_role("checkbox", name="创建内网域名")
    expect(private_dns).to_be_visible()
    expect(private_dns).not_to_be_checked()
    private_dns.check()
    expect(page.get_by_role("group", name="路由表")).to_have_count(0)
    choose_vpc_and_subnet(page)
    # Choosing the VPC re-rendered the fields: what was typed and ticked is still there.
    expect(page.get_by_role("textbox", name="服务名称")).to_have_value(service_name)
    expect(page.get_by_role("checkbox", name="创建内网域名")).to_be_checked()
    page.get_by_role("button", name="立即创建").click()

    # 规格确认: every choice, and the warning that the owner must accept.
    expect(page.get_by_role("heading", level=1)).to_have_text("规格确认")
    spec = page.get_by_test_id("specification")
    expect(spec).to_contain_text("华南-广州 (cn-gzt)")
    expect(spec).to_contain_text(service_name)
    expect(spec).to_contain_text("vpc-638b (192.168.0.0/20)")
    expect(spec).to_contain_text("subnet-71cf (192.168.0.0/24)")
    expect(spec).to_contain_text("创建内网域名")
    expect(spec).to_contain_text("待接受")

    # 上一步: back on the form with every value kept.
    page.get_by_role("button", name="上一步").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    page.wait_for_load_state()
    expect(page.get_by_role("radio", name="按名称查找服务")).to_be_checked()
    expect(page.get_by_role("textbox", name="服务名称")).to_have_value(service_name)
    expect(page.get_by_role("checkbox", name="创建内网域名")).to_be_checked()
    expect(page.get_by_role("combobox", name="虚拟私有云").locator("option:checked")).to_have_text(
        VPC
    )
    expect(page.get_by_role("combobox", name="子网").locator("option:checked")).to_have_text(SUBNET)

    # 立即创建 again, then 提交.
    page.get_by_role("button", name="立即创建").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("规格确认")
    expect(page.get_by_test_id("specification")).to_contain_text("subnet-71cf (192.168.0.0/24)")
    page.get_by_role("button", name="提交").click()

    # The list: the new endpoint waits for the owner (web has approval on).
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点")
    created = page.get_by_role("alert").filter(has_text="正在创建")
    expect(created).to_contain_text(re.compile(ENDPOINT_ID))
    endpoint_id = re.search(ENDPOINT_ID, created.inner_text()).group(0)
    row = endpoint_row(page, endpoint_id)
    expect(row).to_have_count(1)
    expect(row.locator(".status-badge")).to_contain_text("待接受")
    expect(row).to_contain_text(service_name)
    expect(row).to_contain_text("vpc-638b")

    # a-approver accepts the connection in web's 连接管理.
    log_out(page)
    page = log_in("a-approver")
    sidebar(page).get_by_role("link", name="终端节点服务").click()
    page.get_by_role("link", name=service_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(service_name)
    tab = page.locator("#object-tabs .nav-tabs").get_by_role("link", name="连接管理")
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")
    connection = page.locator("#object-tabs table tbody tr").filter(has_text=endpoint_id)
    expect(connection.locator(".status-badge")).to_contain_text("待接受")
    connection.get_by_role("button", name=re.compile("^接受")).click()
    expect(page.get_by_role("alert").filter(has_text="已接受 1 个连接。")).to_be_visible()
    connection = page.locator("#object-tabs table tbody tr").filter(has_text=endpoint_id)
    expect(connection.locator(".status-badge")).to_contain_text("已接受")

    # Back as a-admin: 已接受, and the detail says how to reach the service.
    log_out(page)
    page = log_in("a-admin")
    sidebar(page).get_by_role("link", name="终端节点", exact=True).click()
    row = endpoint_row(page, endpoint_id)
    expect(row.locator(".status-badge")).to_contain_text("已接受")
    row.get_by_role("link", name=endpoint_id, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(endpoint_id)

    node_ip = page.get_by_test_id("node-ip")
    expect(node_ip).to_have_text(re.compile(r"^192\.168\.0\.\d{1,3}$"))
    ip = node_ip.inner_text().strip()
    domain = page.get_by_test_id("domain-name")
    expect(domain).to_contain_text(f"vpcep-{endpoint_id}.cn-gzt.vpcep.internal")
    expect(domain).to_contain_text("正常")
    domain_name = f"vpcep-{endpoint_id}.cn-gzt.vpcep.internal"
    section = page.locator("#object-tabs > section")
    expect(section.locator("dd").filter(has_text="已接受")).to_have_count(1)

    reach = page.get_by_role("region", name="访问终端节点服务")
    expect(reach).to_be_visible()
    curl = reach.get_by_test_id("curl")
    for port in (80, 443):
        expect(curl).to_contain_text(f"curl {ip}:{port}")
        expect(curl).to_contain_text(f"curl {domain_name}:{port}")


def test_verify_with_a_made_up_name_answers_not_found(log_in):
    page = log_in("a-admin")
    open_create_wizard(page)
    find_by_name(page)

    made_up = f"cn-gzt.nothing.{uuid.uuid4()}"
    result = verify(page, made_up)
    expect(result).to_contain_text("未找到服务")
    expect(result).not_to_contain_text("已找到服务")
    # What was typed stays, and no service-specific choices appear.
    expect(page.get_by_role("textbox", name="服务名称")).to_have_value(made_up)
    expect(page.get_by_role("checkbox", name="创建内网域名")).to_have_count(0)
