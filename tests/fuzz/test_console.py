"""Every page's query string and every form, fuzzed as every role (issue 9, "Keep them found").

The pages come from the URL resolver (filled with the IDs of both tenants' objects and with
junk), the query keys and form fields from the pages themselves. Every request: no 5xx, no
raw markup; a refused POST saves nothing, a saved one is audited. Afterwards every page of
every role is read again for markup the fuzzing may have stored.
"""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from hypothesis import given
from hypothesis import strategies as st

from .conftest import (
    ROLES,
    Drawer,
    Form,
    MarkupCrawl,
    Snapshot,
    body_text,
    check,
    check_saved,
    concrete_urls,
    console_routes,
    fill_in,
    fuzz_settings,
    fuzz_text,
    is_html,
    new_client,
    page_forms,
    send,
    submission,
    view_name,
)

pytestmark = pytest.mark.django_db

LIST_KEYS = ["page", "per_page", "sort", "q", "status", "next", "region", "permission", "endpoint"]
HTMX = {"HX-Request": "true"}


def posted(name: str | None) -> bool:
    """Not fuzzed: what ends the session or changes what every later example runs as
    (logout, password, language), and the admin's deletions of the demo data itself."""
    if not name or name.endswith(("logout", "password_change", "set_language")):
        return False
    return not (name.startswith("admin:") and name.endswith("_delete"))


def get_targets() -> list[str]:
    return [url for route in console_routes() for url in concrete_urls(route, limit=3)]


def discovery_urls() -> list[str]:
    return [url for route in console_routes() for url in concrete_urls(route, False, limit=2)]


def query_keys(client, url: str, cache: dict) -> list[str]:
    """The page's own GET-form fields and filter-set keys, plus every list's."""
    if url not in cache:
        response = send(client, "get", url)
        check(response, "get", url)
        keys = set(LIST_KEYS)
        if is_html(response):
            for form in page_forms(url, body_text(response)):
                if form.method == "get":
                    keys.update(form.names)
        filterset = response.context and response.context.get("filterset")
        if filterset is not None:
            keys.update(filterset.filters)
        cache[url] = sorted(keys)
    return cache[url]


@pytest.mark.parametrize("username", [None, *ROLES])
def test_every_page_takes_any_query_string(world, username):
    client = new_client(username)
    urls = get_targets()
    keys: dict[str, list[str]] = {}

    @fuzz_settings(max_examples=60)
    @given(st.data())
    def fuzz(data):
        url = data.draw(st.sampled_from(urls), label="url")
        names = query_keys(client, url, keys)
        query = data.draw(
            st.dictionaries(
                st.sampled_from(names) | fuzz_text,
                fuzz_text | st.lists(fuzz_text, max_size=3),
                max_size=4,
            ),
            label="query",
        )
        headers = data.draw(st.sampled_from([{}, HTMX]), label="headers")
        before = Snapshot.take()
        response = send(client, "get", url, data=query, headers=headers)
        check(response, "get", url, query)
        assert not before.diff(Snapshot.take()), f"GET {url} {query!r} changed rows"

    fuzz()


def post_targets(client) -> st.SearchStrategy:
    """The forms the role is shown (their fields, defaults and options), sent where the page
    sends them; the same forms forged: sent to the same route with other objects' IDs (the
    other tenant's) and junk; and a bare POST to every route no page shows a form for."""
    shown: dict[tuple, tuple[str, Form]] = {}
    by_route: dict[str, list[Form]] = {}
    for url in discovery_urls():
        response = send(client, "get", url)
        check(response, "get", url)
        for form in post_forms(url, response):
            shown[(form.action, tuple(form.names))] = (form.action, form)
            by_route.setdefault(view_name(form.action), []).append(form)
    forged, bare = [], []
    for route in console_routes():
        if not posted(route.name):
            continue
        for url in concrete_urls(route, limit=3):
            forms = by_route.get(route.name)
            if not forms:
                bare.append((url, Form(url, "post")))
            forged += [(url, form) for form in forms or () if urlsplit(form.action).path != url]
    weighted = [list(shown.values())] * 3 + [forged, bare]  # mostly what a user can reach
    return st.one_of(*[st.sampled_from(pool) for pool in weighted if pool])


def post_forms(url: str, response) -> list[Form]:
    if not is_html(response) or response.status_code >= 400:
        return []
    return [
        form
        for form in page_forms(url, body_text(response))
        if form.method == "post" and posted(view_name(form.action))
    ]


def local(location: str) -> str | None:
    parts = urlsplit(location)
    if parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("username", [None, *ROLES])
def test_every_form_takes_any_input(world, username):
    client = new_client(username)
    crawl = MarkupCrawl()
    targets = post_targets(client)

    @fuzz_settings(max_examples=40)
    @given(st.data())
    def fuzz(data):
        action, form = data.draw(targets, label="target")
        payload = data.draw(submission(form), label="data")
        steps = data.draw(st.integers(0, 2), label="next steps")
        later = Drawer(rng=random.Random(data.draw(st.integers(0, 2**32), label="seed")))
        for step in range(steps + 1):  # a form, and the forms it comes back with
            headers = HTMX if later.flag() else {}
            before = Snapshot.take()
            response = send(client, "post", action, data=payload, headers=headers)
            check(response, "post", action, payload)
            check_saved(before, Snapshot.take(), response, "post", action, payload)
            if response.status_code in (301, 302, 303) and (url := local(response["Location"])):
                check(send(client, "get", url), "get", url)  # where the user lands
            path = urlsplit(action).path
            same = [f for f in post_forms(action, response) if urlsplit(f.action).path == path]
            if not same or step == steps:
                break
            form = later.pick(same)
            action, payload = form.action, fill_in(form, later)

    fuzz()
    assert crawl.run() > 0


@pytest.mark.parametrize(
    ("page", "status", "caught"),
    [
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", 200, False),
        ("<p><script>alert(1)</script></p>", 200, True),
        ('<input value=""><img src=x onerror=alert(1)>">', 200, True),
        ('<a href="javascript:alert(1)">x</a>', 200, True),
        ("<p>ok</p>", 500, True),
    ],
)
def test_the_checks_catch_what_they_look_for(page, status, caught):
    """The suite's own assertions fail on a 5xx and on raw markup, and only then."""
    response = HttpResponse(page, status=status)
    if caught:
        with pytest.raises(AssertionError):
            check(response, "get", "/x/")
    else:
        check(response, "get", "/x/")


def test_a_refusal_that_saved_something_is_caught():
    before, after = (
        Snapshot({"services.EndpointService": 4}),
        Snapshot({"services.EndpointService": 5}),
    )
    with pytest.raises(AssertionError, match="a refused request changed rows"):
        check_saved(before, after, HttpResponse(status=403), "post", "/services/create/", {})
    check_saved(before, before, HttpResponse(status=403), "post", "/services/create/", {})
