"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server."""

import os
import shutil

import pytest
from django.conf import settings

from console import demo

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        # Never skip silently: `make test` installs Chromium; a bare pytest run says what to do.
        pytest.fail("Browser tests need Chromium: run `make test` or `apt-get install chromium`.")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def page(page):
    """Playwright's page; a test fails if the browser reported a CSP violation (issue 12)."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert not violations, f"CSP violations in the browser console: {violations}"


@pytest.fixture
def demo_site(live_server, transactional_db):
    demo.seed(password=settings.DEMO_PASSWORD)
    return live_server


@pytest.fixture
def log_in(page, demo_site):
    """log_in("a-admin") -> the page, logged in through the login form."""

    def _log_in(username: str):
        page.goto(f"{demo_site.url}/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(settings.DEMO_PASSWORD)
        page.locator("#login-form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _log_in


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Chinese browser: the console negotiates the language from Accept-Language.
    return {**browser_context_args, "locale": "zh-CN"}
