"""Browser: 预定义标签 kept by an administrator, suggested and linked from the tag forms, and a
list filtered by tag (issue 10, Tags)."""

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import refreshed, sidebar

pytestmark = pytest.mark.e2e


def open_predefined(page: Page) -> None:
    sidebar(page).get_by_role("link", name="预定义标签").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("预定义标签")


def predefine(page: Page, key: str, value: str) -> None:
    page.get_by_label("标签键").fill(key)
    page.get_by_label("标签值").fill(value)
    page.get_by_role("button", name="创建", exact=True).click()


def test_predefined_tags_are_kept_and_suggested(log_in):
    page = log_in("a-admin")
    open_predefined(page)
    expect(page.get_by_role("cell", name="暂无预定义标签。")).to_be_visible()

    predefine(page, "env", "prod")
    expect(page.get_by_role("alert").filter(has_text="已创建")).to_contain_text("env=prod")
    predefine(page, "env", "dev")
    rows = page.locator("#predefined-tags tbody tr")
    expect(rows).to_have_count(2)

    # The same again: refused at the field, what was typed still there.
    predefine(page, "env", "dev")
    expect(page.get_by_label("标签键")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_key_error")).to_have_text("标签 env=dev 已是预定义标签。")
    expect(page.get_by_label("标签值")).to_have_value("dev")
    expect(rows).to_have_count(2)

    # 修改, then 删除.
    page.get_by_role("link", name="修改 env=dev").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("修改预定义标签")
    page.get_by_label("标签值").fill("test")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_role("alert").filter(has_text="已保存")).to_contain_text("env=test")
    page.get_by_role("button", name="删除 env=test").click()
    expect(page.get_by_role("alert").filter(has_text="已删除")).to_be_visible()
    expect(rows).to_have_count(1)

    # The create page's tag form suggests it and links here (a new tab: nothing typed is lost).
    sidebar(page).get_by_role("link", name="终端节点服务").click()
    page.get_by_role("link", name="创建终端节点服务").first.click()
    page.get_by_role("button", name="添加标签").click()
    refreshed(page)
    key = page.locator("input[name='tags-0-key']")
    expect(key).to_have_attribute("list", "predefined-tag-keys")
    expect(page.locator("#predefined-tag-keys option")).to_have_attribute("value", "env")
    link = page.get_by_role("link", name=re.compile("查看预定义标签"))
    expect(link).to_have_attribute("href", "/tags/predefined/")
    expect(link).to_have_attribute("target", "_blank")


def test_the_services_list_is_filtered_by_tag(log_in):
    page = log_in("a-admin")
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    sidebar(page).get_by_role("link", name="终端节点服务").click()
    page.get_by_role("link", name=re.compile(r"^cn-gzt\.web\.")).click()
    page.locator("#object-tabs").get_by_role("link", name="标签", exact=True).click()
    page.get_by_label("标签键").fill("env")
    page.get_by_label("标签值").fill("prod")
    page.get_by_role("button", name="添加", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="已添加")).to_be_visible()

    sidebar(page).get_by_role("link", name="终端节点服务").click()
    web = page.get_by_role("link", name=re.compile(r"^cn-gzt\.web\."))
    app = page.get_by_role("link", name=re.compile(r"^cn-gzt\.app\."))
    expect(app).to_have_count(1)
    tag = page.get_by_role("searchbox", name="标签")
    expect(tag).to_have_accessible_description(re.compile("键 或 键=值"))

    tag.fill("env=prod")
    tag.press("Enter")  # htmx swaps the table
    expect(app).to_have_count(0)
    expect(web).to_have_count(1)
    assert "tag=env%3Dprod" in page.url

    tag.fill("env=dev")  # typing alone filters too: every search box of the bar is live
    expect(web).to_have_count(0)
    expect(page.get_by_text("没有符合条件的终端节点服务")).to_be_visible()

    tag.fill("env=a b")
    tag.press("Enter")
    expect(page.get_by_test_id("filter-errors")).to_contain_text("标签：env=a b")
    assert not [e for e in errors if "htmx" in e], errors  # e.g. htmx:syntax:error in hx-trigger
