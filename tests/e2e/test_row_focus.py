"""Browser, keyboard only: the 添加/删除 row buttons (port mappings, tags, whitelist accounts)
re-render their section over htmx; focus does not fall to <body> but goes to the new row's
first field after 添加, and to the previous row's 删除 (or the add button when no row can be
deleted any more) after 删除."""

import contextlib

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from services.models import EndpointService

from .helpers import refreshed

pytestmark = pytest.mark.e2e


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "<body>";
  return el.tagName === "BUTTON" ? el.textContent.replace(/\\s+/g, " ").trim() : el.name;
}"""


def focused(page: Page) -> str:
    """The focused element: its name, or its accessible text for a button."""
    return page.evaluate(FOCUSED)


def assert_focus(page: Page, expected: str) -> None:
    """Focus moves once htmx has settled the swap: wait for it, then say what has focus."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the assertion below says what instead
        page.wait_for_function(f"(want) => ({FOCUSED})() === want", arg=expected, timeout=5000)
    assert focused(page) == expected


def press_enter_on(page: Page, button) -> None:
    button.focus()
    page.keyboard.press("Enter")
    refreshed(page)


def add_two_tag_rows(page: Page) -> None:
    """添加标签 twice on a form with none: focus goes to each new row's key."""
    page.wait_for_load_state()
    for row in range(2):
        press_enter_on(page, page.get_by_role("button", name="添加标签"))
        assert_focus(page, f"tags-{row}-key")


def test_port_mapping_rows_keep_focus_on_the_edit_form(log_in, demo_site):
    page = log_in("a-admin")
    web = EndpointService.objects.get(name="web", is_system=False)
    page.goto(f"{demo_site.url}/services/{web.pk}/edit/")
    page.wait_for_load_state()
    rows = page.locator("#service-form-fields input[name$=service_port]")
    expect(rows).to_have_count(2)

    press_enter_on(page, page.get_by_role("button", name="添加端口映射"))
    expect(rows).to_have_count(3)
    assert_focus(page, "ports-2-protocol")
    page.keyboard.press("Tab")
    assert_focus(page, "ports-2-service_port")

    # 删除 the third row: focus on the second row's 删除, and Enter there deletes it too.
    press_enter_on(page, page.get_by_role("button", name="删除 第 3 条端口映射"))
    expect(rows).to_have_count(2)
    assert_focus(page, "删除 第 2 条端口映射")
    page.keyboard.press("Enter")
    refreshed(page)
    expect(rows).to_have_count(1)
    # One row left: it cannot be deleted, so the add button has focus.
    assert_focus(page, "添加端口映射")


def test_tag_and_port_rows_keep_focus_on_the_create_form(log_in, demo_site):
    page = log_in("a-admin")
    page.goto(f"{demo_site.url}/services/create/")
    add_two_tag_rows(page)
    press_enter_on(page, page.get_by_role("button", name="删除 第 1 个标签"))
    # The first row went: the new first row's 删除 has focus.
    assert_focus(page, "删除 第 1 个标签")
    expect(page.locator("input[name^=tags-][name$=-key]")).to_have_count(1)

    press_enter_on(page, page.get_by_role("button", name="添加端口映射"))
    assert_focus(page, "ports-1-protocol")


def test_whitelist_rows_keep_focus(log_in, demo_site):
    page = log_in("a-approver")
    web = EndpointService.objects.get(name="web", is_system=False)
    page.goto(f"{demo_site.url}/services/{web.pk}/permissions/")
    page.get_by_role("button", name="添加白名单记录").first.click()
    dialog = page.locator("#whitelist-add")
    expect(dialog).to_be_visible()
    press_enter_on(page, dialog.get_by_role("button", name="继续添加"))
    assert_focus(page, "principals-1-principal")
    press_enter_on(page, dialog.get_by_role("button", name="删除 授权账号 2"))
    assert_focus(page, "继续添加")


def test_tag_rows_keep_focus_in_the_endpoint_wizard(log_in, demo_site):
    page = log_in("a-admin")
    page.goto(f"{demo_site.url}/endpoints/create/")
    add_two_tag_rows(page)
    press_enter_on(page, page.get_by_role("button", name="删除 第 2 个标签"))
    expect(page.locator("input[name^=tags-][name$=-key]")).to_have_count(1)
    assert_focus(page, "删除 第 1 个标签")
