"""Browser: quotas (我的配额) and increase requests, from the tenant's used-up quota through
the operator's decision (配额申请) back to the tenant, as a user sees them in Chinese."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from console.quotas.models import Quota
from console.tenancy.models import Project
from tests.e2e.helpers import log_out

pytestmark = pytest.mark.e2e

REGION = "华南-广州"
REGION_CHOICE = "华南-广州 (cn-gzt)"
REQUEST_REASON = "双十一大促，需要再上线一个订单服务。"


# --- navigation -------------------------------------------------------------------------


def side_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="VPC 终端节点")


def open_services_list(page: Page) -> None:
    side_nav(page).get_by_role("link", name="终端节点服务", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")


def open_quotas_from_account_menu(page: Page) -> None:
    page.locator("#account-menu").click()
    menu = page.locator("ul[aria-labelledby=account-menu]")
    link = menu.get_by_role("link", name="我的配额", exact=True)
    expect(link).to_be_visible()
    link.click()
    expect_on_quotas_page(page)


def open_quotas_from_side_nav(page: Page) -> None:
    side_nav(page).get_by_role("link", name="配额", exact=True).click()
    expect_on_quotas_page(page)


def expect_on_quotas_page(page: Page) -> None:
    # The manual's labels: the page is 我的配额, its entry in the left nav 配额.
    expect(page.get_by_role("heading", level=1)).to_have_text("我的配额")
    expect(page).to_have_title(re.compile(r"^我的配额 · "))
    expect(side_nav(page).get_by_role("link", name="配额", exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def open_operator_requests(page: Page) -> None:
    nav = side_nav(page)
    expect(nav).to_contain_text("运维管理")
    nav.get_by_role("link", name="配额申请", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("配额申请")
    expect(nav.get_by_role("link", name="配额申请", exact=True)).to_have_attribute(
        "aria-current", "page"
    )


# --- 我的配额 ----------------------------------------------------------------------------


def quota_row(page: Page, resource: str) -> Locator:
    return (
        page.get_by_test_id("quota-table")
        .locator("tbody tr")
        .filter(has=page.get_by_role("cell", name=REGION, exact=True))
        .filter(has=page.get_by_role("cell", name=resource, exact=True))
    )


def expect_quota(page: Page, resource: str, used: int, limit: int) -> None:
    row = quota_row(page, resource)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text(str(used))
    expect(row.locator("td").nth(3)).to_have_text(str(limit))
    meter = row.locator("meter")
    expect(meter).to_have_attribute("value", str(used))
    expect(meter).to_have_attribute("max", str(limit))
    expect(meter).to_have_accessible_name(f"已使用 {used} / {limit}")
    if used >= limit:
        expect(row).to_contain_text("已用完")
    else:
        expect(row).not_to_contain_text("已用完")


def request_form(page: Page) -> Locator:
    return page.get_by_role("region", name="申请扩大配额")


def ask_for_quota(page: Page, resource: str, wanted: int, reason: str) -> None:
    form = request_form(page)
    form.get_by_label("区域*", exact=True).select_option(label=REGION_CHOICE)
    form.get_by_label("资源*", exact=True).select_option(label=resource)
    form.get_by_label("需要的配额值*", exact=True).fill(str(wanted))
    form.get_by_label("原因*", exact=True).fill(reason)
    form.get_by_role("button", name="提交申请").click()


def my_requests(page: Page) -> Locator:
    return page.get_by_test_id("quota-requests").locator("tbody tr")


def expect_my_request(page: Page, resource: str, wanted: int, status: str, answer: str) -> None:
    rows = my_requests(page)
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(
        [
            re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"),
            REGION,
            resource,
            str(wanted),
            status,
            answer,
        ]
    )


# --- 配额申请 (operator) ----------------------------------------------------------------


def pending_row(page: Page, resource: str, wanted: int) -> Locator:
    return (
        page.get_by_test_id("pending-requests")
        .locator("tbody tr")
        .filter(has=page.get_by_role("cell", name="tenant-a", exact=True))
        .filter(has=page.get_by_role("cell", name=resource, exact=True))
        .filter(has=page.get_by_role("cell", name=str(wanted), exact=True))
    )


def decided_rows(page: Page) -> Locator:
    return page.get_by_role("region", name="已处理").locator("tbody tr")


def message(page: Page, text: str) -> Locator:
    return page.locator(".messages").get_by_role("alert").filter(has_text=text)


# --- 创建终端节点服务 -------------------------------------------------------------------


def create_service(page: Page, name: str) -> None:
    page.get_by_role("link", name="创建终端节点服务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点服务")
    page.get_by_label("名称").fill(name)
    page.get_by_label("虚拟私有云").select_option(label="vpc-638b(192.168.0.0/20)")
    backend = page.get_by_label("选择负载均衡")
    expect(backend.locator("option", has_text="elb-97rn")).to_have_count(1)
    backend.select_option(label="elb-97rn (192.168.0.10)")
    page.get_by_label("协议 1", exact=True).select_option("TCP")
    page.get_by_label("服务端口 1", exact=True).fill("8080")
    page.get_by_label("终端端口 1", exact=True).fill("80")
    page.get_by_role("button", name="立即创建").click()


# --- the tests --------------------------------------------------------------------------


def test_tenant_reaches_the_quota_asks_operator_approves_tenant_creates(demo_site, log_in):
    project = Project.objects.get(account__name="tenant-a", region__code="cn-gzt")
    Quota.objects.create(project=project, resource="endpoint_service", limit=2)

    # a-admin: the two demo services use the whole quota of 2.
    page = log_in("a-admin")
    open_services_list(page)
    create = page.get_by_role("button", name="创建终端节点服务")
    expect(create).to_be_disabled()
    expect(page.get_by_role("link", name="创建终端节点服务")).to_have_count(0)
    expect(page.locator("#quota-summary")).to_contain_text(
        f"{REGION} 的终端节点服务：已使用 2 个，配额 2 个。"
    )
    expect(page.locator("#quota-reason")).to_contain_text("配额已用完")
    # The button's description is the reason alone, not the whole paragraph around it.
    expect(create).to_have_accessible_description(re.compile("^配额已用完"))
    # The tooltip on the disabled button, on keyboard focus, says why.
    page.locator("span[data-bs-toggle=tooltip]").filter(has=create).focus()
    expect(page.get_by_role("tooltip")).to_have_text("配额已用完")

    # 我的配额, from the account menu: 终端节点服务 in 华南-广州 at 2 of 2.
    open_quotas_from_account_menu(page)
    expect_quota(page, "终端节点服务", used=2, limit=2)
    expect_quota(page, "终端节点", used=0, limit=50)
    expect(my_requests(page)).to_have_text(["暂无申请。"])

    ask_for_quota(page, "终端节点服务", 3, REQUEST_REASON)
    expect(message(page, "申请已提交给运维人员，处理结果将显示在此页面。")).to_be_visible()
    expect_on_quotas_page(page)
    expect_my_request(page, "终端节点服务", 3, "等待运维人员处理", "—")
    # Nothing changes before an operator decides.
    expect_quota(page, "终端节点服务", used=2, limit=2)

    # The operator approves it under 运维管理 → 配额申请.
    log_out(page)
    log_in("operator")
    open_operator_requests(page)
    row = pending_row(page, "终端节点服务", 3)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(REGION)
    expect(row).to_contain_text(REQUEST_REASON)
    expect(row).to_contain_text("a-admin")
    row.get_by_role("button", name="批准", exact=True).click()
    expect(message(page, "已批准申请，新配额立即生效。")).to_be_visible()
    expect(page.get_by_test_id("pending-requests").locator("tbody tr")).to_have_text(
        ["没有待处理的申请。"]
    )
    decided = decided_rows(page).filter(has_text="tenant-a")
    expect(decided).to_have_count(1)
    expect(decided).to_contain_text("已批准")

    # a-admin: the request is 已批准 and the quota is 3, so a third service can be created.
    log_out(page)
    log_in("a-admin")
    open_quotas_from_side_nav(page)
    expect_my_request(page, "终端节点服务", 3, "已批准", "—")
    expect_quota(page, "终端节点服务", used=2, limit=3)

    open_services_list(page)
    expect(page.locator("#quota-summary")).to_contain_text(
        f"{REGION} 的终端节点服务：已使用 2 个，配额 3 个。"
    )
    expect(page.locator("#quota-reason")).to_have_count(0)
    expect(page.get_by_role("button", name="创建终端节点服务")).to_have_count(0)
    create_service(page, "q3")

    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")
    link = page.get_by_role("link", name=re.compile(r"^cn-gzt\.q3\."))
    expect(link).to_have_count(1)
    expect(page.get_by_role("row").filter(has=link).locator(".status-badge")).to_contain_text(
        "可连接"
    )
    # And the quota of 3 is used up in turn.
    expect(page.locator("#quota-summary")).to_contain_text(
        f"{REGION} 的终端节点服务：已使用 3 个，配额 3 个。"
    )
    expect(page.get_by_role("button", name="创建终端节点服务")).to_be_disabled()


def test_a_declined_request_shows_the_operators_answer(log_in):
    page = log_in("a-admin")
    open_quotas_from_side_nav(page)
    ask_for_quota(page, "终端节点", 60, "新业务上线，需要更多终端节点。")
    expect(message(page, "申请已提交给运维人员")).to_be_visible()
    expect_my_request(page, "终端节点", 60, "等待运维人员处理", "—")

    log_out(page)
    log_in("operator")
    open_operator_requests(page)
    row = pending_row(page, "终端节点", 60)
    expect(row).to_have_count(1)
    expect(row.get_by_label("答复", exact=True)).to_have_attribute("placeholder", "拒绝原因")

    # Declining needs an answer: without one, an error and the request still waits.
    row.get_by_role("button", name="拒绝", exact=True).click()
    declined_without_reason = "请说明拒绝 tenant-a（终端节点，华南-广州）的申请的原因。"
    expect(message(page, declined_without_reason)).to_be_visible()
    expect(message(page, declined_without_reason)).to_have_class(re.compile(r"\balert-danger\b"))
    row = pending_row(page, "终端节点", 60)
    expect(row).to_have_count(1)
    expect(decided_rows(page)).to_have_text(["暂无申请。"])

    answer = "华南-广州资源紧张，请改用华东-上海。"
    row.get_by_label("答复", exact=True).fill(answer)
    row.get_by_role("button", name="拒绝", exact=True).click()
    expect(message(page, "已拒绝申请。")).to_be_visible()
    expect(pending_row(page, "终端节点", 60)).to_have_count(0)
    decided = decided_rows(page).filter(has_text="tenant-a")
    expect(decided).to_have_count(1)
    expect(decided).to_contain_text("已拒绝")
    expect(decided).to_contain_text(answer)

    # a-admin sees 已拒绝 with the operator's answer, and the quota unchanged.
    log_out(page)
    log_in("a-admin")
    open_quotas_from_account_menu(page)
    expect(page.get_by_test_id("quota-requests").get_by_role("columnheader")).to_contain_text(
        ["运维人员答复"]
    )
    expect_my_request(page, "终端节点", 60, "已拒绝", answer)
    expect_quota(page, "终端节点", used=0, limit=50)


def test_a_request_below_the_current_quota_is_refused_at_the_field(log_in):
    page = log_in("a-admin")
    open_quotas_from_side_nav(page)
    expect_quota(page, "终端节点服务", used=2, limit=20)

    reason = "测试用：申请比当前配额小的值。"
    ask_for_quota(page, "终端节点服务", 10, reason)

    form = request_form(page)
    wanted = form.get_by_label("需要的配额值*", exact=True)
    error = "请填写大于当前配额 20 的值。"
    expect(wanted).to_have_attribute("aria-invalid", "true")
    expect(wanted).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(wanted).to_have_accessible_description(re.compile(re.escape(error)))
    expect(form.locator(".invalid-feedback")).to_have_text([error])
    # What was typed is still there, and nothing was sent.
    expect(wanted).to_have_value("10")
    expect(form.get_by_label("原因*", exact=True)).to_have_value(reason)
    expect(form.get_by_label("区域*", exact=True).locator("option:checked")).to_have_text(
        REGION_CHOICE
    )
    expect(form.get_by_label("资源*", exact=True).locator("option:checked")).to_have_text(
        "终端节点服务"
    )
    expect(page.locator(".messages")).to_have_count(0)
    expect(my_requests(page)).to_have_text(["暂无申请。"])
