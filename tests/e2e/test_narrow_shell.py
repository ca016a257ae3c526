"""Browser: issue 12's shell at any width. Below the lg breakpoint the sidebar is an offcanvas a
labelled toggler opens; a skip link leads to the content; keyboard focus is visible."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sidebar

pytestmark = pytest.mark.e2e


def test_the_sidebar_folds_into_an_offcanvas_on_a_phone(log_in):
    page = log_in("a-admin")
    page.set_viewport_size({"width": 390, "height": 800})
    toggler = page.get_by_role("button", name="显示导航")
    expect(sidebar(page)).to_be_hidden()
    expect(toggler).to_have_attribute("aria-controls", "sidebar")

    toggler.click()
    dialog = page.get_by_role("dialog", name="导航")
    expect(dialog).to_be_visible()
    dialog.get_by_role("link", name="终端节点服务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("终端节点服务")
    expect(sidebar(page)).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    # Opened, then closed with Escape; wide again, the sidebar is in the page and no toggler.
    toggler.click()
    expect(dialog).to_be_focused()  # opened: focus moved in, so the keyboard can close it
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.set_viewport_size({"width": 1400, "height": 900})
    expect(sidebar(page)).to_be_visible()
    expect(toggler).to_be_hidden()


def test_a_skip_link_leads_to_the_content_and_focus_shows(log_in):
    page = log_in("a-admin")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # The next control reached by keyboard shows an outline; a mouse click shows none.
    page.keyboard.press("Tab")
    outline = "() => getComputedStyle(document.activeElement).outlineWidth"
    assert page.evaluate(outline) == "3px"
    page.get_by_role("button", name="搜索").click()
    assert page.evaluate(outline) in ("0px", "")


@pytest.mark.parametrize("width", [1400, 800, 390])
def test_lists_fit_and_break_names_at_dots_not_at_every_character(log_in, demo_site, width):
    page = log_in("b-admin")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{demo_site.url}/endpoints/")
    expect(page.locator("#object-table tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # Headers, buttons and badges stay on one line (no 操/作); the table scrolls in its own box.
    for cell in page.locator("#object-table th, main .btn:visible, #object-table .badge").all():
        assert cell.evaluate("e => e.getClientRects().length === 1 && e.offsetHeight < 48")
    # A service name wraps after its dots and hyphens: each line holds a whole piece of it.
    name = page.locator("#object-table tbody tr").first.get_by_text("cn-gzt.web.")
    width_px = name.evaluate("e => e.getBoundingClientRect().width")
    assert width_px > 60, f"the name is squeezed to {width_px}px"
