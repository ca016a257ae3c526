"""Browser (issue 10): an administrator changes service `web` with 修改 (confirming a change
that reaches its accepted endpoint), then cuts off that accepted connection although approval
is now off; the consumer's endpoint shows 已拒绝."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import log_out, refreshed
from .test_services_approval import ACCEPTED_ID, connection_row, open_tab, open_web

pytestmark = pytest.mark.e2e


def test_modify_then_cut_off_an_accepted_connection(log_in, demo_site):
    page = log_in("a-admin")
    open_web(page)
    page.get_by_role("link", name="修改", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("修改终端节点服务")

    page.get_by_label("描述").fill("商城前端")
    approval = page.get_by_role("switch", name=re.compile("^连接审批"))
    expect(approval).to_be_checked()
    expect(approval).to_have_accessible_description(re.compile("保持待接受"))
    approval.uncheck()
    page.get_by_label("客户端IP透传").select_option("proxy_open")
    page.get_by_role("button", name="添加端口映射").click()
    refreshed(page)
    page.get_by_label("服务端口 3").fill("8080")
    page.get_by_label("终端端口 3").fill("8080")
    page.get_by_role("button", name="确定").click()

    # 客户端IP透传 and the ports reach the accepted endpoint: said first, nothing saved yet.
    confirmation = page.get_by_test_id("edit-confirmation")
    expect(confirmation).to_contain_text("影响 1 个已接受的终端节点")
    expect(page.get_by_label("描述")).to_have_value("商城前端")
    page.get_by_role("button", name="确定").click()

    expect(page.get_by_role("alert").filter(has_text="已修改")).to_be_visible()
    basic = page.locator("#object-tabs > section")
    expect(basic.locator("[data-field=description]")).to_have_text("商城前端")
    expect(basic.locator("[data-field=tcp_proxy]")).to_have_text("Proxy Protocol")
    expect(basic).to_contain_text("未开启")
    open_tab(page, "端口映射")
    expect(page.locator("#object-tabs tbody tr")).to_have_count(3)

    # 连接管理: approval is off, and 拒绝 is still offered on the accepted connection.
    open_tab(page, "连接管理")
    expect(page.locator("#object-tabs .alert-info")).to_contain_text("连接审批未开启")
    connection_row(page, ACCEPTED_ID).get_by_role("link", name=re.compile("^拒绝")).click()
    dialog = page.get_by_role("dialog", name="拒绝连接")
    dialog.get_by_role("button", name="拒绝", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="已拒绝 1 个连接。")).to_be_visible()
    row = connection_row(page, ACCEPTED_ID)
    expect(row.locator(".status-badge")).to_contain_text("已拒绝")
    expect(row.get_by_role("button", name=re.compile("^接受"))).to_be_visible()

    # The consumer sees its endpoint rejected.
    log_out(page)
    page = log_in("b-admin")
    page.goto(f"{demo_site.url}/endpoints/{ACCEPTED_ID}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已拒绝")
