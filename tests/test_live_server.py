"""The test suite's own live server (browser and SDK tests) answers requests that arrive
together, as a browser sends them: a login while the last page's htmx requests still run.

On SQLite's in-memory test database every request thread shares the test's one connection;
two at once broke it ("bad parameter or other API misuse": a 500 that failed a browser test in
CI). tests/conftest.py makes them take turns, and starts the server after the database."""

import re
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

from django.conf import settings

USERS = ["a-admin", "b-admin", "a-approver"]
PAGES = ["/services/", "/endpoints/", "/inbox/"]


def test_sign_ins_and_pages_at_once_all_succeed(live_server, seeded):
    def visit(number: int) -> list:
        browser = build_opener(HTTPCookieProcessor(CookieJar()))
        form = browser.open(f"{live_server.url}/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        credentials = {
            "csrfmiddlewaretoken": token,
            "username": USERS[number % len(USERS)],
            "password": settings.DEMO_PASSWORD,
        }
        signed_in = browser.open(
            f"{live_server.url}/login/", data=urlencode(credentials).encode(), timeout=60
        )
        answers = [(signed_in.status, "/login/" not in signed_in.url)]
        for path in PAGES:
            page = browser.open(f"{live_server.url}{path}", timeout=60)
            answers.append((page.status, page.url.endswith(path)))
        return answers

    with ThreadPoolExecutor(max_workers=12) as pool:
        visits = list(pool.map(visit, range(60)))
    # Every sign-in lands past the login page, every page is itself: no 500, no login again.
    assert visits == [[(200, True)] * (1 + len(PAGES))] * 60
