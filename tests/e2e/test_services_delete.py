"""Browser: deleting endpoint services (refused while connected), and status badges' meaning."""

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def open_list(page: Page) -> None:
    page.get_by_role("navigation", name="VPC 终端节点").get_by_role(
        "link", name="终端节点服务"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")


def open_service(page: Page, short_name: str) -> None:
    open_list(page)
    page.get_by_role("link", name=re.compile(rf"^cn-gzt\.{short_name}\.")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"cn-gzt.{short_name}.")


def delete_button(page: Page):
    return page.locator("main").get_by_role("link", name="删除", exact=True)


def test_delete_is_refused_while_an_endpoint_is_accepted(log_in):
    page = log_in("a-admin")
    open_service(page, "web")

    delete_button(page).click()
    dialog = page.get_by_role("dialog", name="删除终端节点服务")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("alert")).to_have_text(
        "该终端节点服务下有 1 个“已接受”或“创建中”的终端节点，暂时无法删除。"
    )
    # Only why, with 关闭: no question, no 是 (issue 12).
    expect(dialog).not_to_contain_text("确定删除")
    expect(dialog.get_by_role("button", name="是")).to_have_count(0)
    dialog.locator(".modal-footer").get_by_role("button", name="关闭").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_contain_text("可连接")


def test_delete_service_through_the_modal(log_in):
    page = log_in("a-admin")
    open_service(page, "app")
    name = page.locator("#object-tabs dd").first.inner_text().strip()
    assert name.startswith("cn-gzt.app.")

    delete_button(page).click()
    dialog = page.get_by_role("dialog", name="删除终端节点服务")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"确定删除 {name} 吗？")
    expect(dialog.get_by_role("alert")).to_have_count(0)
    dialog.get_by_role("button", name="是").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")
    expect(page.get_by_role("alert").filter(has_text="正在删除")).to_contain_text(name)
    expect(page.get_by_role("link", name=re.compile(r"^cn-gzt\.app\."))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^cn-gzt\.web\."))).to_have_count(1)
    page.reload()
    expect(page.get_by_role("link", name=re.compile(r"^cn-gzt\.app\."))).to_have_count(0)


def test_status_badge_explains_itself_on_focus(log_in):
    page = log_in("a-admin")
    open_list(page)
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=re.compile(r"^cn-gzt\.web\."))
    )
    badge = row.locator(".status-badge")
    expect(badge).to_contain_text("可连接")

    badge.focus()
    tooltip = page.get_by_role("tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_text("表示终端节点服务创建成功，可接受终端节点的连接。")
    # Leaving the badge hides it again.
    badge.blur()
    expect(tooltip).to_have_count(0)

    # The same on the detail page's badge, next to the heading.
    row.get_by_role("link", name=re.compile(r"^cn-gzt\.web\.")).click()
    heading_badge = page.get_by_role("heading", level=1).locator(".status-badge")
    heading_badge.focus()
    expect(page.get_by_role("tooltip")).to_have_text(
        "表示终端节点服务创建成功，可接受终端节点的连接。"
    )


def test_a_badge_focused_before_the_script_runs_still_explains_itself(log_in):
    """The console's script is deferred: a keyboard user can reach a badge before it runs.

    The script is held back until the badge has focus; once it runs, the tooltip shows
    without the user having to leave and come back (the race CI once hit on a slow run).
    """
    page = log_in("a-admin")
    open_list(page)
    href = page.get_by_role("link", name=re.compile(r"^cn-gzt\.web\.")).get_attribute("href")

    held = []
    page.route(re.compile(r"/static/js/console\.[^/]*js$"), lambda route: held.append(route))
    page.goto(urljoin(page.url, href), wait_until="commit")
    heading_badge = page.get_by_role("heading", level=1).locator(".status-badge")
    heading_badge.focus()
    for _ in range(100):  # the request reaches the route a moment after the head is parsed
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never asked for the console's script"
    tooltip = page.get_by_role("tooltip")
    expect(tooltip).to_have_count(0)

    held[0].continue_()
    expect(tooltip).to_be_visible()
    expect(tooltip).to_have_text("表示终端节点服务创建成功，可接受终端节点的连接。")
    heading_badge.blur()
    expect(tooltip).to_have_count(0)
