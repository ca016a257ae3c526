"""Browser: issue 11's inbox. The approver's 待审批连接 badge rises when a consumer connects
(it polls, no reload) and falls when they decide from the inbox with a 审批意见; the
consumer reads the 审批意见 and the 连接记录 on its endpoint's page."""

import pytest
from playwright.sync_api import expect

from console.network.models import Subnet
from console.tenancy.models import Project, User
from endpoints import operations as endpoint_ops
from services.models import EndpointService
from tests.e2e.helpers import log_out, sidebar

pytestmark = pytest.mark.e2e

POLL = 15_000  # the badge polls every 10 s


def test_the_badge_follows_the_inbox_and_the_consumer_reads_the_decision(log_in):
    page = log_in("a-approver")
    entry = sidebar(page).get_by_role("link", name="待审批连接")
    badge = page.get_by_test_id("inbox-badge")
    expect(badge).to_have_attribute("data-count", "1")  # the demo's pending connection
    expect(badge).to_be_visible()

    # A consumer connects, meanwhile: the badge rises without a reload.
    web = EndpointService.objects.get(name="web", is_system=False)
    subnet = Subnet.objects.get(name="subnet-c8a1")
    endpoint = endpoint_ops.create_endpoint(
        User.objects.get(username="b-admin"),
        Project.objects.get(account__name="tenant-b", region__code="cn-gzt"),
        service_id=web.pk,
        vpc_id=subnet.vpc_id,
        subnet_id=subnet.pk,
    )
    expect(badge).to_have_attribute("data-count", "2", timeout=POLL)
    expect(badge).to_contain_text("2")

    # The inbox lists it; the approver accepts that row with a comment.
    entry.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("待审批连接")
    row = page.locator("#object-table tbody tr").filter(has_text=str(endpoint.pk))
    expect(row).to_contain_text("tenant-b")
    expect(row).to_contain_text(str(endpoint.packet_id))
    page.get_by_role("textbox", name="审批意见").fill("欢迎接入，端口 80")
    row.get_by_role("button", name=f"接受 {endpoint.pk}").click()
    expect(page.get_by_role("alert").filter(has_text="已接受 1 个连接。")).to_be_visible()
    expect(page.locator("#object-table tbody")).not_to_contain_text(str(endpoint.pk))
    expect(page.get_by_test_id("inbox-badge")).to_have_attribute("data-count", "1")
    log_out(page)

    # The consumer reads the 审批意见 on 基本信息 and the whole 连接记录.
    page = log_in("b-admin")
    sidebar(page).get_by_role("link", name="终端节点", exact=True).click()
    page.get_by_role("link", name=str(endpoint.pk), exact=True).click()
    expect(page.get_by_test_id("decision-comment")).to_have_text("欢迎接入，端口 80")
    tab = page.locator("#object-tabs .nav-tabs").get_by_role("link", name="连接记录")
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")
    history = page.get_by_test_id("connection-history")
    expect(history.locator("tbody tr")).to_have_count(2)
    accepted = history.locator("tbody tr").first
    expect(accepted).to_contain_text("已接受")
    expect(accepted).to_contain_text("a-approver")
    expect(accepted).to_contain_text("欢迎接入，端口 80")
    expect(history.locator("tbody tr").last).to_contain_text("连接请求")
    expect(history.locator("tbody tr").last).to_contain_text("b-admin")
