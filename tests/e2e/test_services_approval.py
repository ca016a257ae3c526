"""Browser: 连接管理 (accept, reject) and 权限管理 (the whitelist) of service `web`."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from console import demo

pytestmark = pytest.mark.e2e

TENANT_B_PROJECT = demo.stable_hex("project", "tenant-b", "cn-gzt")
PENDING_ID = str(demo.stable_uuid("endpoint", TENANT_B_PROJECT, "100"))
ACCEPTED_ID = str(demo.stable_uuid("endpoint", TENANT_B_PROJECT, "101"))
TENANT_B_PRINCIPAL = "iam:domain::" + demo.stable_hex("account", "tenant-b")


def open_web(page: Page) -> None:
    page.get_by_role("navigation", name="VPC 终端节点").get_by_role(
        "link", name="终端节点服务"
    ).click()
    page.get_by_role("link", name=re.compile(r"^cn-gzt\.web\.")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("cn-gzt.web.")


def tabs(page: Page):
    return page.locator("#object-tabs .nav-tabs")


def open_tab(page: Page, label) -> None:
    tab = tabs(page).get_by_role("link", name=label)
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")


def open_permissions_tab(page: Page) -> None:
    """权限管理, opened by its address: the flow should not stop at a wrong label
    (test_detail_tabs_carry_the_manual_labels checks the labels)."""
    tab = page.locator('#object-tabs .nav-tabs a[href$="/permissions/"]')
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")


def connection_row(page: Page, endpoint_id: str):
    return page.locator("#object-tabs table tbody tr").filter(has_text=endpoint_id)


def test_approver_accepts_and_rejects_connections(log_in):
    page = log_in("a-approver")
    open_web(page)
    open_tab(page, "连接管理")

    pending = connection_row(page, PENDING_ID)
    accepted = connection_row(page, ACCEPTED_ID)
    expect(pending.locator(".status-badge")).to_contain_text("待接受")
    expect(accepted.locator(".status-badge")).to_contain_text("已接受")
    expect(pending).to_contain_text(demo.stable_hex("account", "tenant-b"))
    # An accepted connection offers only 拒绝.
    expect(accepted.get_by_role("button", name=re.compile("^接受"))).to_have_count(0)

    # 接受 the pending one.
    pending.get_by_role("button", name=re.compile("^接受")).click()
    expect(page.get_by_role("alert").filter(has_text="已接受 1 个连接。")).to_be_visible()
    expect(connection_row(page, PENDING_ID).locator(".status-badge")).to_contain_text("已接受")
    expect(page).to_have_url(re.compile(r"/connections/$"))

    # 拒绝 opens a confirmation; 否 leaves everything as it was.
    connection_row(page, ACCEPTED_ID).get_by_role("link", name=re.compile("^拒绝")).click()
    dialog = page.get_by_role("dialog", name="拒绝连接")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(ACCEPTED_ID)
    dialog.get_by_role("button", name="否").click()
    expect(dialog).to_have_count(0)
    expect(connection_row(page, ACCEPTED_ID).locator(".status-badge")).to_contain_text("已接受")

    # 拒绝, confirmed in the modal.
    connection_row(page, ACCEPTED_ID).get_by_role("link", name=re.compile("^拒绝")).click()
    dialog = page.get_by_role("dialog", name="拒绝连接")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="拒绝", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="已拒绝 1 个连接。")).to_be_visible()
    rejected = connection_row(page, ACCEPTED_ID)
    expect(rejected.locator(".status-badge")).to_contain_text("已拒绝")
    # A rejected connection can be accepted again.
    expect(rejected.get_by_role("button", name=re.compile("^接受"))).to_be_visible()
    expect(connection_row(page, PENDING_ID).locator(".status-badge")).to_contain_text("已接受")


def test_member_is_not_offered_connection_management(log_in):
    page = log_in("a-member")
    open_web(page)
    expect(tabs(page).get_by_role("link", name="基本信息")).to_be_visible()
    expect(tabs(page).get_by_role("link", name="端口映射")).to_be_visible()
    expect(tabs(page).get_by_role("link", name="连接管理")).to_have_count(0)
    # Nor the whitelist form nor a 删除 of records, nor the service's 删除.
    open_permissions_tab(page)
    expect(page.get_by_role("button", name="添加白名单记录")).to_have_count(0)
    expect(page.get_by_label("授权账号ID 1")).to_have_count(0)
    expect(
        page.locator("#object-tabs").get_by_role("link", name=re.compile("^删除"))
    ).to_have_count(0)
    expect(page.get_by_role("link", name="删除", exact=True)).to_have_count(0)


def test_approver_edits_the_whitelist(log_in):
    page = log_in("a-approver")
    open_web(page)
    open_permissions_tab(page)

    section = page.locator("#object-tabs > section")
    expect(section.get_by_role("row").filter(has_text=TENANT_B_PRINCIPAL)).to_have_count(1)

    # 添加白名单记录: a dialog of rows, one account each, and what is left to add.
    page.get_by_role("button", name="添加白名单记录").click()
    dialog = page.locator("#whitelist-add")
    expect(dialog).to_contain_text("您本次还可以添加49个授权账号")
    new_principal = "iam:domain::" + uuid.uuid4().hex
    dialog.get_by_label("授权账号ID 1").fill(new_principal)
    dialog.get_by_role("button", name="继续添加").click()
    expect(dialog).to_contain_text("您本次还可以添加48个授权账号")
    expect(dialog.get_by_label("授权账号ID 1")).to_have_value(new_principal)
    dialog.get_by_label("授权账号ID 2").fill("*")
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert").filter(has_text="已添加 2 条白名单记录。")).to_be_visible()
    section = page.locator("#object-tabs > section")
    expect(section.get_by_role("row").filter(has_text=new_principal)).to_have_count(1)
    star = section.locator("tbody tr").filter(has=page.locator("td", has_text=re.compile(r"^\*")))
    expect(star).to_have_count(1)
    expect(star).to_contain_text("所有帐号")
    expect(page.locator("#whitelist-add")).to_be_hidden()

    # A bad account: the error names it at its row and what was typed stays.
    page.get_by_role("button", name="添加白名单记录").click()
    dialog = page.locator("#whitelist-add")
    good = "iam:domain::" + uuid.uuid4().hex
    dialog.get_by_label("授权账号ID 1").fill(good)
    dialog.get_by_role("button", name="继续添加").click()
    dialog.get_by_label("授权账号ID 2").fill("not-an-account")
    dialog.get_by_role("button", name="确定").click()
    dialog = page.locator("#whitelist-add")
    bad = dialog.get_by_label("授权账号ID 2")
    expect(bad).to_have_attribute("aria-invalid", "true")
    expect(bad).to_have_value("not-an-account")
    expect(dialog.get_by_label("授权账号ID 1")).to_have_value(good)
    expect(dialog.get_by_label("授权账号ID 1")).not_to_have_attribute("aria-invalid", "true")
    expect(dialog.locator("tbody tr").nth(1)).to_contain_text(
        "第 2 行：not-an-account 不是 iam:domain::<32 位帐号ID> 或 *。"
    )
    # Nothing was added; 取消 closes the dialog.
    expect(page.locator("#object-tabs > section tbody tr").filter(has_text=good)).to_have_count(0)
    dialog.get_by_role("link", name="取消").click()
    expect(page.locator("#whitelist-add")).to_be_hidden()
    # 删除 of a row in the dialog takes that row away.
    page.get_by_role("button", name="添加白名单记录").click()
    dialog = page.locator("#whitelist-add")
    dialog.get_by_label("授权账号ID 1").fill("x")
    dialog.get_by_role("button", name="继续添加").click()
    dialog.get_by_label("授权账号ID 2").fill(good)
    dialog.get_by_role("button", name=re.compile("^删除 授权账号 1")).click()
    expect(dialog.get_by_label("授权账号ID 1")).to_have_value(good)
    expect(dialog.get_by_label("授权账号ID 2")).to_have_count(0)
    expect(dialog).to_contain_text("您本次还可以添加49个授权账号")

    # 删除 one record through the 是 modal.
    page.locator("#object-tabs > section tbody tr").filter(has_text=new_principal).get_by_role(
        "link", name=re.compile("^删除")
    ).click()
    dialog = page.get_by_role("dialog", name="删除白名单记录")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(new_principal)
    dialog.get_by_role("button", name="是").click()
    expect(page.get_by_role("alert").filter(has_text="已删除 1 条白名单记录。")).to_be_visible()
    section = page.locator("#object-tabs > section")
    expect(section.get_by_role("row").filter(has_text=new_principal)).to_have_count(0)
    expect(section.get_by_role("row").filter(has_text=TENANT_B_PRINCIPAL)).to_have_count(1)
    expect(star).to_have_count(1)
