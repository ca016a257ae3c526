"""Browser: log in, find the navigation, switch region and language (issue 2; T3)."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_login_navigation_region_and_language(log_in):
    page = log_in("a-admin")

    # zh-hans is the default: the manual's labels, verbatim.
    nav = page.get_by_role("navigation", name="VPC 终端节点")
    expect(nav.get_by_role("link", name="终端节点", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="终端节点服务")).to_be_visible()
    expect(nav.get_by_role("link", name="配额")).to_be_visible()
    nav.get_by_role("link", name="终端节点服务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")
    expect(page.get_by_test_id("current-region")).to_have_text("华南-广州")

    # Region: choose 华东-上海 in the selector; the choice is kept across pages.
    page.locator("#project-selector").click()
    page.get_by_role("button", name=re.compile("华东-上海")).click()
    expect(page.get_by_test_id("current-region")).to_have_text("华东-上海")
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")
    page.get_by_role("link", name="终端节点", exact=True).click()
    expect(page.get_by_test_id("current-region")).to_have_text("华东-上海")

    # Language: English, then the same navigation in English.
    page.locator("#language-menu").click()
    page.get_by_role("button", name="English").click()
    nav = page.get_by_role("navigation", name="VPC Endpoint")
    expect(nav.get_by_role("link", name="Endpoint services")).to_be_visible()
    expect(page.get_by_test_id("current-region")).to_have_text("East China - Shanghai")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # 我的凭证 shows the account ID (T4).
    page.locator("#account-menu").click()
    page.get_by_role("link", name="My credentials").click()
    expect(page.get_by_test_id("account-name")).to_have_text("tenant-a")
    expect(page.get_by_test_id("account-id")).to_have_text(re.compile(r"^[0-9a-f]{32}$"))


def test_failed_login_says_so_and_keeps_the_user_name(page, demo_site):
    page.goto(f"{demo_site.url}/login/")
    page.locator("input[name=username]").fill("a-admin")
    page.locator("input[name=password]").fill(settings.DEMO_PASSWORD + "-wrong")
    page.locator("#login-form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名")
    expect(page.locator("input[name=username]")).to_have_value("a-admin")
