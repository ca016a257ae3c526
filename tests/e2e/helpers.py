"""Steps the browser tests share."""

from playwright.sync_api import Page, expect

# htmx marks what it is refreshing; fields swapped in are live only once these are gone.
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
ENDPOINT_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def refreshed(page: Page) -> None:
    """Wait until the wizard's fields have been re-rendered after a choice."""
    expect(page.locator(HTMX_BUSY)).to_have_count(0)


def sidebar(page: Page):
    return page.get_by_role("navigation", name="VPC 终端节点")


def log_out(page: Page) -> None:
    page.locator("#account-menu").click()
    page.get_by_role("button", name="退出").click()
    expect(page.locator("input[name=username]")).to_be_visible()
