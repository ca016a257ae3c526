"""Browser: the manual's §2.3, an endpoint to a service of another account.

tenant-b's account ID (我的凭证) is on the whitelist of tenant-a's service `web`
(权限管理); b-admin verifies web's full name (已找到服务), creates an endpoint in
vpc-4e1c / subnet-c8a1, which waits (待接受) until a-approver accepts it (已接受).
Off the whitelist, the same name gets 未找到服务, word for word what a made-up name gets.
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
VPC_B = "vpc-4e1c(192.168.0.0/20)"
SUBNET_B = "subnet-c8a1(192.168.0.0/24)"


def read_account_id(page: Page) -> str:
    """我的凭证, from the account menu: what a tenant gives the owner of a service."""
    page.locator("#account-menu").click()
    page.get_by_role("link", name="我的凭证").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的凭证")
    account_id = page.get_by_test_id("account-id")
    expect(account_id).to_have_text(re.compile(r"^[0-9a-f]{32}$"))
    return account_id.inner_text().strip()


def open_web(page: Page) -> str:
    """web's detail page, from the 终端节点服务 list; returns its full name."""
    sidebar(page).get_by_role("link", name="终端节点服务").click()
    link = page.get_by_role("link", name=WEB_NAME)
    expect(link).to_have_count(1)
    name = link.inner_text().strip()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    return name


def open_tab(page: Page, label: str) -> None:
    tab = page.locator("#object-tabs .nav-tabs").get_by_role("link", name=label, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")


def whitelist_row(page: Page, principal: str):
    return page.locator("#object-tabs > section tbody tr").filter(has_text=principal)


def open_create_wizard(page: Page) -> None:
    sidebar(page).get_by_role("link", name="终端节点", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点")
    page.get_by_role("link", name="创建终端节点").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    page.wait_for_load_state()  # htmx is ready to refresh the fields
    page.get_by_role("radio", name="按名称查找服务").check()
    refreshed(page)
    expect(page.get_by_role("textbox", name="服务名称")).to_be_visible()


def verify(page: Page, name: str):
    page.get_by_role("textbox", name="服务名称").fill(name)
    page.get_by_role("button", name="验证").click()
    refreshed(page)
    return page.get_by_role("alert").and_(page.get_by_test_id("verify-result"))


def endpoint_row(page: Page, endpoint_id: str):
    return page.get_by_role("row").filter(
        has=page.get_by_role("link", name=endpoint_id, exact=True)
    )


def test_cross_account_endpoint_walkthrough(log_in):
    # tenant-b's account ID, as b-admin reads it on 我的凭证.
    page = log_in("b-admin")
    b_principal = "iam:domain::" + read_account_id(page)
    log_out(page)

    # The owner's approver sees tenant-b on web's whitelist (权限管理).
    page = log_in("a-approver")
    service_name = open_web(page)
    open_tab(page, "权限管理")
    expect(whitelist_row(page, b_principal)).to_have_count(1)
    log_out(page)

    # b-admin finds web by its full name and creates an endpoint in its own VPC.
    page = log_in("b-admin")
    open_create_wizard(page)
    result = verify(page, service_name)
    expect(result).to_contain_text("已找到服务")
    expect(result).to_contain_text(service_name)
    vpc = page.get_by_role("combobox", name="虚拟私有云")
    # Only tenant-b's own VPC is offered.
    expect(vpc.locator("option", has_text="vpc-638b")).to_have_count(0)
    vpc.select_option(label=VPC_B)
    refreshed(page)
    subnet = page.get_by_role("combobox", name="子网")
    expect(subnet.locator("option", has_text="subnet-c8a1")).to_have_count(1)
    subnet.select_option(label=SUBNET_B)
    page.get_by_role("button", name="立即创建").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("规格确认")
    spec = page.get_by_test_id("specification")
    expect(spec).to_contain_text(service_name)
    expect(spec).to_contain_text("vpc-4e1c (192.168.0.0/20)")
    expect(spec).to_contain_text("subnet-c8a1 (192.168.0.0/24)")
    expect(spec).to_contain_text("待接受")
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点")
    created = page.get_by_role("alert").filter(has_text="正在创建")
    expect(created).to_contain_text(re.compile(ENDPOINT_ID))
    endpoint_id = re.search(ENDPOINT_ID, created.inner_text()).group(0)
    row = endpoint_row(page, endpoint_id)
    expect(row.locator(".status-badge")).to_contain_text("待接受")
    expect(row).to_contain_text("vpc-4e1c")
    log_out(page)

    # a-approver accepts the connection.
    page = log_in("a-approver")
    open_web(page)
    open_tab(page, "连接管理")
    connection = page.locator("#object-tabs table tbody tr").filter(has_text=endpoint_id)
    expect(connection.locator(".status-badge")).to_contain_text("待接受")
    connection.get_by_role("button", name=re.compile("^接受")).click()
    expect(page.get_by_role("alert").filter(has_text="已接受 1 个连接。")).to_be_visible()
    connection = page.locator("#object-tabs table tbody tr").filter(has_text=endpoint_id)
    expect(connection.locator(".status-badge")).to_contain_text("已接受")
    log_out(page)

    # b-admin's list: 已接受.
    page = log_in("b-admin")
    sidebar(page).get_by_role("link", name="终端节点", exact=True).click()
    expect(endpoint_row(page, endpoint_id).locator(".status-badge")).to_contain_text("已接受")


def test_off_the_whitelist_the_service_is_not_found(log_in):
    page = log_in("b-admin")
    b_principal = "iam:domain::" + read_account_id(page)
    log_out(page)

    # a-approver takes tenant-b off web's whitelist, through the 是 modal.
    page = log_in("a-approver")
    service_name = open_web(page)
    open_tab(page, "权限管理")
    b_row = whitelist_row(page, b_principal)
    expect(b_row).to_have_count(1)
    b_row.get_by_role("link", name=re.compile("^删除")).click()
    dialog = page.get_by_role("dialog", name="删除白名单记录")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(b_principal)
    dialog.get_by_role("button", name="是").click()
    expect(page.get_by_role("alert").filter(has_text="已删除 1 条白名单记录。")).to_be_visible()
    expect(whitelist_row(page, b_principal)).to_have_count(0)
    log_out(page)

    page = log_in("b-admin")
    # ...and web's name now answers exactly as a name that does not exist.
    open_create_wizard(page)
    result = verify(page, service_name)
    expect(result).to_contain_text("未找到服务")
    expect(result).not_to_contain_text("web")
    refused = result.inner_text().strip()
    expect(page.get_by_role("combobox", name="子网")).to_be_visible()
    expect(page.get_by_role("checkbox", name="创建内网域名")).to_have_count(0)

    result = verify(page, f"cn-gzt.nothing.{uuid.uuid4()}")
    expect(result).to_contain_text("未找到服务")
    assert result.inner_text().strip() == refused

    # Going on regardless is refused as well: nothing is created.
    page.get_by_role("textbox", name="服务名称").fill(service_name)
    page.get_by_role("combobox", name="虚拟私有云").select_option(label=VPC_B)
    refreshed(page)
    subnet = page.get_by_role("combobox", name="子网")
    expect(subnet.locator("option", has_text="subnet-c8a1")).to_have_count(1)
    subnet.select_option(label=SUBNET_B)
    page.get_by_role("button", name="立即创建").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    expect(page.locator("#endpoint-form-fields")).to_contain_text("未找到服务")
    expect(page.get_by_role("textbox", name="服务名称")).to_have_value(service_name)
