"""Browser: create an endpoint service as in the manual's §2.2.2, then look at every tab."""

import re

import pytest
from playwright.sync_api import Page, expect

from console import demo

pytestmark = pytest.mark.e2e

TENANT_A_PRINCIPAL = "iam:domain::" + demo.stable_hex("account", "tenant-a")
TAB_LABELS = ["基本信息", "连接管理", "权限管理", "端口映射", "标签", "通知", "监控"]


def open_create_form(page: Page) -> None:
    page.get_by_role("navigation", name="VPC 终端节点").get_by_role(
        "link", name="终端节点服务"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")
    page.get_by_role("link", name="创建终端节点服务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点服务")


def choose_vpc_and_elb(page: Page) -> None:
    backend = page.get_by_label("选择负载均衡")
    expect(backend.locator("option")).to_have_text(["请先选择虚拟私有云"])
    page.get_by_label("虚拟私有云").select_option(label="vpc-638b(192.168.0.0/20)")
    # The backend choices come back over htmx once a VPC is chosen.
    expect(backend.locator("option", has_text="elb-97rn")).to_have_count(1)
    expect(page.get_by_label("弹性负载均衡")).to_be_checked()
    backend.select_option(label="elb-97rn (192.168.0.10)")


def fill_port_row(page: Page, row: int, protocol: str, service_port: int, terminal_port: int):
    page.get_by_label(f"协议 {row}", exact=True).select_option(protocol)
    page.get_by_label(f"服务端口 {row}", exact=True).fill(str(service_port))
    page.get_by_label(f"终端端口 {row}", exact=True).fill(str(terminal_port))


def add_port_row(page: Page, row: int) -> None:
    page.get_by_role("button", name="添加端口映射").click()
    expect(page.get_by_label(f"终端端口 {row}", exact=True)).to_be_visible()


def open_tab(page: Page, label) -> None:
    tab = page.locator("#object-tabs .nav-tabs").get_by_role("link", name=label, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")


def open_permissions_tab(page: Page) -> None:
    """权限管理, opened by its address: the flow should not stop at a wrong label
    (test_detail_tabs_carry_the_manual_labels checks the labels)."""
    tab = page.locator('#object-tabs .nav-tabs a[href$="/permissions/"]')
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")


def test_create_service_walkthrough_and_tabs(log_in):
    page = log_in("a-admin")
    open_create_form(page)

    page.get_by_label("名称").fill("shop")
    choose_vpc_and_elb(page)
    # The name typed before the htmx refresh is still there.
    expect(page.get_by_label("名称")).to_have_value("shop")

    fill_port_row(page, 1, "TCP", 8080, 80)
    add_port_row(page, 2)
    # Adding a row keeps the first one as typed.
    expect(page.get_by_label("服务端口 1", exact=True)).to_have_value("8080")
    expect(page.get_by_label("终端端口 1", exact=True)).to_have_value("80")
    fill_port_row(page, 2, "UDP", 53, 53)
    page.get_by_role("button", name="立即创建").click()

    # Back on the list: the new service, already 可连接 (tasks run immediately in tests).
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")
    full_name = re.compile(
        r"^cn-gzt\.shop\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )
    link = page.get_by_role("link", name=full_name)
    expect(link).to_have_count(1)
    row = page.get_by_role("row").filter(has=link)
    expect(row.locator(".status-badge")).to_contain_text("可连接")
    expect(page.get_by_role("alert").filter(has_text="正在创建")).to_contain_text("cn-gzt.shop.")
    service_name = link.inner_text().strip()

    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(service_name)

    # 基本信息: status 可连接 and the backend check passes.
    basic = page.locator("#object-tabs > section")
    expect(basic.locator("dd").filter(has_text="可连接")).to_have_count(1)
    expect(basic).to_contain_text("elb-97rn")
    expect(basic).to_contain_text("vpc-638b")
    check = page.get_by_role("region", name="后端网络配置检查")
    expect(check).to_be_visible()
    expect(check).to_contain_text("入方向已放行 198.19.128.0/20")
    expect(check).not_to_contain_text("问题：")

    # 连接管理: nothing has connected yet.
    open_tab(page, "连接管理")
    expect(page.locator("#object-tabs > section")).to_contain_text("还没有终端节点连接此服务。")

    # 权限管理: the own account, always allowed.
    open_permissions_tab(page)
    own = page.get_by_role("row").filter(has_text=TENANT_A_PRINCIPAL)
    expect(own).to_contain_text("本帐号：默认允许")
    expect(page.get_by_role("button", name="添加白名单记录")).to_be_visible()

    # 端口映射: both mappings, as typed.
    open_tab(page, "端口映射")
    rows = page.locator("#object-tabs > section table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(["TCP", "8080", "80"])
    expect(rows.nth(1).locator("td")).to_have_text(["UDP", "53", "53"])

    # 标签: none yet; add one and see it.
    open_tab(page, "标签")
    section = page.locator("#object-tabs > section")
    expect(section).to_contain_text("暂无标签。")
    section.get_by_label("标签键").fill("env")
    section.get_by_label("标签值").fill("prod")
    section.get_by_role("button", name="添加", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="标签已添加。")).to_be_visible()
    tag_row = page.locator("#object-tabs table tbody tr").filter(has_text="env")
    expect(tag_row).to_have_count(1)
    expect(tag_row.locator("td")).to_have_text(["env", "prod", re.compile(r"编辑 env\s+删除 env")])
    # 编辑 of one tag: its value in place, with 保存 and 取消.
    tag_row.get_by_role("link", name="编辑 env").click()
    tag_row = page.locator("#object-tabs table tbody tr").filter(has_text="env")
    tag_row.get_by_label("标签值 env").fill("staging")
    tag_row.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").filter(has_text="标签已保存。")).to_be_visible()
    expect(tag_row.locator("td").nth(1)).to_have_text("staging")
    expect(page.locator("#object-tabs > section")).not_to_contain_text("暂无标签。")

    # And back to 基本信息.
    open_tab(page, "基本信息")
    expect(page.get_by_role("region", name="后端网络配置检查")).to_be_visible()
    expect(page.locator("#object-tabs > section dd").filter(has_text="可连接")).to_have_count(1)


def test_detail_tabs_carry_the_manual_labels(log_in):
    page = log_in("a-admin")
    page.get_by_role("navigation", name="VPC 终端节点").get_by_role(
        "link", name="终端节点服务"
    ).click()
    page.get_by_role("link", name=re.compile(r"^cn-gzt\.web\.")).click()
    expect(page.locator("#object-tabs .nav-tabs .nav-link")).to_have_text(TAB_LABELS)


def test_repeated_terminal_port_is_refused_at_the_row(log_in):
    page = log_in("a-admin")
    open_create_form(page)

    page.get_by_label("名称").fill("dup")
    choose_vpc_and_elb(page)
    fill_port_row(page, 1, "TCP", 8080, 80)
    add_port_row(page, 2)
    fill_port_row(page, 2, "TCP", 8081, 80)
    page.get_by_role("button", name="立即创建").click()

    # Still the form, with the error on the second row's terminal port.
    expect(page.get_by_role("heading", level=1)).to_have_text("创建终端节点服务")
    terminal_2 = page.get_by_label("终端端口 2", exact=True)
    expect(terminal_2).to_have_attribute("aria-invalid", "true")
    expect(terminal_2).to_have_class(re.compile(r"\bis-invalid\b"))
    message = "终端端口 80/TCP 已在第 1 行使用。"
    second_row = page.get_by_role("row").filter(has=terminal_2)
    expect(second_row).to_contain_text(message)
    expect(terminal_2).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.get_by_label("终端端口 1", exact=True)).not_to_have_class(
        re.compile(r"\bis-invalid\b")
    )

    # What was typed is still there.
    expect(page.get_by_label("名称")).to_have_value("dup")
    expect(page.get_by_label("虚拟私有云")).to_have_value(re.compile(".+"))
    expect(page.get_by_label("选择负载均衡").locator("option:checked")).to_have_text(
        "elb-97rn (192.168.0.10)"
    )
    expect(page.get_by_label("协议 1", exact=True)).to_have_value("TCP")
    expect(page.get_by_label("服务端口 1", exact=True)).to_have_value("8080")
    expect(page.get_by_label("终端端口 1", exact=True)).to_have_value("80")
    expect(page.get_by_label("协议 2", exact=True)).to_have_value("TCP")
    expect(page.get_by_label("服务端口 2", exact=True)).to_have_value("8081")
    expect(terminal_2).to_have_value("80")

    # Nothing was created.
    page.get_by_role("link", name="返回终端节点服务列表").click()
    expect(page.get_by_role("link", name=re.compile(r"^cn-gzt\.dup\."))).to_have_count(0)


def test_create_form_is_labelled_as_in_the_manual(log_in):
    page = log_in("a-admin")
    open_create_form(page)

    expect(page.get_by_role("textbox", name="名称")).to_be_visible()
    expect(page.get_by_role("combobox", name="虚拟私有云")).to_be_visible()
    expect(page.get_by_role("switch", name=re.compile("^连接审批"))).to_be_visible()
    ports = page.get_by_role("group", name="端口映射")
    expect(ports.get_by_role("columnheader")).to_have_text(["协议", "服务端口", "终端端口", "操作"])
    expect(ports.get_by_role("button", name="添加端口映射")).to_be_visible()
    backend_type = page.get_by_role("group", name="后端资源类型")
    expect(backend_type.get_by_role("radio")).to_have_count(2)
    expect(backend_type.get_by_role("radio", name="弹性负载均衡")).to_be_checked()
    expect(backend_type.get_by_role("radio", name="云服务器")).not_to_be_checked()
    expect(page.get_by_role("combobox", name="选择负载均衡")).to_be_visible()
    expect(page.get_by_role("button", name="立即创建")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^查看预定义标签"))).to_be_visible()

    # 查看虚拟私有云 and 查看负载均衡: what each choice chooses from, shown in place.
    vpcs = page.get_by_test_id("vpc-list")
    expect(vpcs).to_be_hidden()
    page.get_by_role("button", name="查看虚拟私有云").click()
    expect(vpcs.get_by_role("row").filter(has_text="vpc-638b")).to_contain_text("192.168.0.0/20")
    page.get_by_role("button", name="查看负载均衡").click()
    expect(page.get_by_test_id("backend-list")).to_contain_text("该虚拟私有云中没有。")
    page.get_by_label("虚拟私有云").select_option(label="vpc-638b(192.168.0.0/20)")
    page.get_by_role("button", name="查看负载均衡").click()
    expect(
        page.get_by_test_id("backend-list").get_by_role("row").filter(has_text="elb-97rn")
    ).to_have_count(1)


def test_changing_a_choice_keeps_the_form_quiet_until_submitted(log_in):
    """Choosing a VPC or a backend type re-renders the fields over htmx: with the new
    choices and what was typed, but no "required" errors for fields not filled yet."""
    page = log_in("a-admin")
    open_create_form(page)
    page.get_by_label("名称").fill("quiet")

    page.get_by_label("虚拟私有云").select_option(label="vpc-638b(192.168.0.0/20)")
    expect(page.get_by_label("选择负载均衡").locator("option", has_text="elb-97rn")).to_have_count(
        1
    )
    page.get_by_label("云服务器", exact=True).check()
    servers = page.get_by_label("选择云服务器")
    expect(servers.locator("option")).to_have_count(3)
    expect(servers.locator("option", has_text="ecs-66a6 (192.168.0.20)")).to_have_count(1)
    expect(servers.locator("option", has_text="ecs-3f0c (192.168.0.21)")).to_have_count(1)
    expect(page.get_by_label("名称")).to_have_value("quiet")
    expect(page.locator("#service-form-fields .invalid-feedback")).to_have_count(0)
    expect(page.locator("#service-form-fields [aria-invalid=true]")).to_have_count(0)
