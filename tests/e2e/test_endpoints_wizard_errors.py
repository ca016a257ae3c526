"""Browser: what the 创建终端节点 wizard says when a choice is missing or refused, and that a
screen reader hears it on the field concerned (as the service form does: aria-invalid and
the message in the field's accessible description)."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import refreshed

pytestmark = pytest.mark.e2e

VPC = "vpc-638b(192.168.0.0/20)"
SUBNET = "subnet-71cf(192.168.0.0/24)"
NOT_FOUND = "未找到服务"
ROUTE_TABLES_MISSING = "请选择所选虚拟私有云的一个或多个路由表。"


def open_create_wizard(page: Page) -> None:
    page.get_by_role("navigation", name="VPC 终端节点").get_by_role(
        "link", name="终端节点", exact=True
    ).click()
    page.get_by_role("link", name="创建终端节点").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    page.wait_for_load_state()  # htmx is ready to refresh the fields


def choose_vpc(page: Page) -> None:
    page.get_by_role("combobox", name="虚拟私有云").select_option(label=VPC)
    refreshed(page)


def test_a_refused_name_is_announced_on_the_name_field(log_in):
    page = log_in("a-admin")
    open_create_wizard(page)
    page.get_by_role("radio", name="按名称查找服务").check()
    refreshed(page)
    name = page.get_by_role("textbox", name="服务名称")
    made_up = f"cn-gzt.nothing.{uuid.uuid4()}"
    name.fill(made_up)
    choose_vpc(page)
    subnet = page.get_by_role("combobox", name="子网")
    expect(subnet.locator("option", has_text="subnet-71cf")).to_have_count(1)
    subnet.select_option(label=SUBNET)
    page.get_by_role("button", name="立即创建").click()

    # Still the form, the name as typed, and the refusal next to it...
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    name = page.get_by_role("textbox", name="服务名称")
    expect(name).to_have_value(made_up)
    expect(page.locator("#endpoint-form-fields")).to_contain_text(NOT_FOUND)
    # ...and on the field itself, for a screen reader.
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile(NOT_FOUND))


def test_missing_route_tables_are_announced_on_the_group(log_in):
    page = log_in("a-admin")
    open_create_wizard(page)
    page.get_by_role("radio", name="cn.ctyun.cn-gzt.obs", exact=True).check()
    refreshed(page)
    tables = page.get_by_role("group", name="路由表")
    expect(tables).to_be_visible()
    choose_vpc(page)
    expect(tables.get_by_role("checkbox", name="rtb-638b", exact=True)).to_be_visible()
    page.get_by_role("button", name="立即创建").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    tables = page.get_by_role("group", name="路由表")
    expect(tables).to_contain_text(ROUTE_TABLES_MISSING)
    expect(tables).to_have_accessible_description(re.compile(re.escape(ROUTE_TABLES_MISSING)))


def test_no_cloud_service_chosen_is_said_at_once_and_plainly(log_in):
    """Nothing chosen, 立即创建: every missing choice is named in one round, and the missing
    service is not reported as a name that could not be found (nothing was typed)."""
    page = log_in("a-admin")
    open_create_wizard(page)
    expect(page.get_by_role("radio", name="云服务", exact=True)).to_be_checked()
    page.get_by_role("button", name="立即创建").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点")
    fields = page.locator("#endpoint-form-fields")
    # The VPC is required...
    expect(page.get_by_role("combobox", name="虚拟私有云")).to_have_attribute(
        "aria-invalid", "true"
    )
    # ...and so is the service: said in the same round, under the table of cloud services.
    service_row = fields.locator(".row").filter(has=page.locator("#service-label"))
    expect(service_row.locator(".invalid-feedback")).to_have_count(1)
    expect(service_row.locator(".invalid-feedback")).not_to_contain_text("白名单")
