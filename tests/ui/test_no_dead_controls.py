"""No dead controls (issue 12): for every role, every page reachable from the navigation and
from list rows (lists, detail tabs, forms, dialogs) offers only links and forms its user may
use. Each link, hx-get and GET form is fetched; each POST control is submitted with what the
page rendered, inside a transaction rolled back afterwards; none may answer 403."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse

from console.tenancy.models import User

pytestmark = pytest.mark.django_db

ROLES = ["operator", "a-admin", "a-approver", "a-member", "b-admin"]
# Not the console's pages: the session's own controls, the Django admin, the API, static files.
SKIPPED = ("/logout/", "/i18n/", "/admin/", "/v1/", "/v2/", "/static/", "/media/")
MAX_PAGES = 250  # per role: the demo has far fewer; a runaway crawl fails rather than hangs


class Rollback(Exception):
    """Undoes a submitted form: nothing a crawl posts persists."""


class Controls(HTMLParser):
    """The controls of one page: GET targets, and POST submissions as (url, data)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.gets: list[str] = []
        self.posts: list[tuple[str, str, dict]] = []  # (url, what, data)
        self.forms: dict[str, dict] = {}  # by id, or a generated key
        self.form_stack: list[str] = []
        self.fields: list[tuple[str | None, str, str, str]] = []  # (form, name, value, kind)
        self.buttons: list[tuple[str | None, dict]] = []
        self.select: tuple[str | None, str] | None = None
        self.select_value: str | None = None
        self.textarea: tuple[str | None, str] | None = None
        self.text = ""

    def owner(self, attrs) -> str | None:
        return attrs.get("form") or (self.form_stack[-1] if self.form_stack else None)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        for key in ("href", "hx-get"):
            if tag != "link" and attrs.get(key):
                self.gets.append(attrs[key])
        if attrs.get("hx-post"):
            self.posts.append((attrs["hx-post"], f"hx-post on <{tag}>", {}))
        if tag == "form":
            key = attrs.get("id") or f"form-{len(self.forms)}"
            self.forms[key] = attrs
            self.form_stack.append(key)
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("submit", "image"):
                self.buttons.append((self.owner(attrs), attrs))
            elif kind in ("checkbox", "radio"):
                # A tick box outside its form (a table's rows) is ticked, as a user would.
                if "checked" in attrs or (attrs.get("form") and kind == "checkbox"):
                    self.fields.append(
                        (self.owner(attrs), attrs["name"], attrs.get("value", "on"), kind)
                    )
            else:
                self.fields.append((self.owner(attrs), attrs["name"], attrs.get("value", ""), kind))
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self.buttons.append((self.owner(attrs), attrs))
        elif tag == "select" and attrs.get("name"):
            self.select, self.select_value = (self.owner(attrs), attrs["name"]), None
        elif tag == "option" and self.select:
            if self.select_value is None or "selected" in attrs:
                self.select_value = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self.textarea, self.text = (self.owner(attrs), attrs["name"]), ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form_stack:
            self.form_stack.pop()
        elif tag == "select" and self.select:
            self.fields.append((*self.select, self.select_value or "", "select"))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((*self.textarea, self.text.strip("\n"), "textarea"))
            self.textarea = None

    def submissions(self, page_url: str):
        """("GET"|"POST", url, data, what) for every form and each of its submit buttons."""
        for key, form in self.forms.items():
            data: dict[str, list[str]] = {}
            for owner, name, value, _kind in self.fields:
                if owner == key:
                    data.setdefault(name, []).append(value)
            buttons = [attrs for owner, attrs in self.buttons if owner == key]
            typed = any(o == key and k not in ("hidden", "select") for o, _n, _v, k in self.fields)
            if not buttons and typed:  # Enter in a text field submits it
                buttons = [{}]
            for button in buttons:
                method = (button.get("formmethod") or form.get("method") or "get").upper()
                url = urljoin(page_url, button.get("formaction") or form.get("action") or page_url)
                sent = dict(data)
                if button.get("name"):
                    sent[button["name"]] = [button.get("value", "")]
                what = f"form #{key} button {button.get('name') or button.get('formaction') or ''}"
                yield method, url, sent, what


def local(page_url: str, href: str) -> str | None:
    """The same-host path and query a link leads to, or None for another origin or no page."""
    href = urldefrag(href.strip())[0]
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin("http://testserver" + page_url, href))
    if parts.netloc != "testserver" or parts.path.startswith(SKIPPED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start: list[str]) -> tuple[set[str], list[str]]:
    """Every page reachable from `start`; returns (pages fetched, problems)."""
    seen_paths: set[str] = set()
    checked: set[str] = set()
    queue = list(start)
    problems: list[str] = []
    posted: set[tuple[str, tuple]] = set()

    def fetch(url: str, source: str, htmx: bool):
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        if response.status_code == 403 or response.status_code >= 500:
            problems.append(f"GET {url} (from {source}) answered {response.status_code}")
        return response

    while queue:
        url, source, htmx = (
            queue.pop(0) if isinstance(queue[0], tuple) else (queue.pop(0), "nav", False)
        )
        if url in checked:
            continue
        checked.add(url)
        response = fetch(url, source, htmx)
        path = urlsplit(url).path
        if response.status_code in (301, 302, 303) and local(url, response["Location"]):
            queue.append((local(url, response["Location"]), url, htmx))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        # Each distinct path is read once (sort and page links lead to the same controls).
        if path in seen_paths and not htmx:
            continue
        seen_paths.add(path)
        assert len(seen_paths) <= MAX_PAGES, "the crawl does not end"
        parser = Controls()
        parser.feed(response.content.decode())
        for href in parser.gets:
            target = local(url, href)
            if target and target not in checked:
                queue.append((target, url, False))
        for method, target, data, what in parser.submissions(url):
            target = local(url, target)
            if not target:
                continue
            if method == "GET":
                if target not in checked:
                    queue.append((target, url, True))
                continue
            key = (urlsplit(target).path, tuple(sorted(data)))
            if key in posted:
                continue
            posted.add(key)
            status = post_and_roll_back(client, target, data)
            if status == 403 or status >= 500:
                problems.append(f"POST {target} ({what} on {url}) answered {status}")
        for target, what, data in parser.posts:
            target = local(url, target)
            if target and (urlsplit(target).path, ()) not in posted:
                posted.add((urlsplit(target).path, ()))
                status = post_and_roll_back(client, target, data, htmx=True)
                if status == 403 or status >= 500:
                    problems.append(f"POST {target} ({what} on {url}) answered {status}")
    return seen_paths, problems


def post_and_roll_back(client, url: str, data: dict, htmx: bool = False) -> int:
    status = 0
    try:
        with transaction.atomic():
            response = client.post(url, data, headers={"HX-Request": "true"} if htmx else {})
            status = response.status_code
            raise Rollback
    except Rollback:
        pass
    return status


@pytest.mark.parametrize("username", ROLES)
def test_no_control_answers_403(client, demo_data, username):
    client.force_login(User.objects.get(username=username))
    client.raise_request_exception = False  # a 500 is reported with its URL, like a 403
    pages, problems = crawl(client, ["/", reverse("services:list"), reverse("endpoints:list")])
    assert problems == [], "\n".join(problems)
    # The crawl did reach the rows' details and their tabs, not only the navigation.
    details = [
        p for p in pages if p.count("/") >= 4 and p.startswith(("/services/", "/endpoints/"))
    ]
    assert len(details) >= 4, sorted(pages)


def test_delete_in_the_service_list_only_for_who_may_delete(client, demo_data):
    client.force_login(User.objects.get(username="a-member"))
    member = client.get(reverse("services:list")).content.decode()
    client.force_login(User.objects.get(username="a-admin"))
    admin = client.get(reverse("services:list")).content.decode()
    assert "cn-gzt.web." in member and "删除" not in member.split("<table")[1]
    assert "删除" in admin.split("<table")[1]
