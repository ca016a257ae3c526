"""The fuzz suite's tools (issue 9, "Keep them found").

Nothing here lists pages by hand: the routes come from the URL resolver, the form fields from
the pages' own <form> elements, the API bodies' fields from /v1/openapi.json. Values come
from Hypothesis strategies full of what attackers and careless users send. Every request is
checked the same way (`check`): no 5xx, no unescaped markup; a refused change saves nothing
and every saved change is audited (`Snapshot`).
"""

from __future__ import annotations

import json
import logging
import random
import re
import traceback
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.contrib import messages
from django.db import DatabaseError, connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from console.audit.models import AuditRecord
from console.tenancy import operations as key_ops
from console.tenancy.models import AccessKey, Project, User

ROLES = ["operator", "a-admin", "a-approver", "a-member", "b-admin", "b-approver", "b-member"]

# Markup that must never come back raw, and the raw fragments that would show it did.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
]
RAW_MARKERS = ["<script>alert(1)", "<img src=x onerror=", "<svg onload=", 'href="javascript:']
NASTY = [
    *MARKUP,
    "",
    " ",
    "\x00",
    "a\x00b",
    "9" * 5000,
    "x" * 70000,
    "²",
    "١٢٣",  # Arabic-Indic digits
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e",  # RTL/LTR marks
    "😀",
    "𝔲𝔫𝔦𝔠𝔬𝔡𝔢",
    "中文名称",
    "-1",
    "0",
    "1.5",
    "1e309",
    "99999999999999999999",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
    "%00",
    "../../etc/passwd",
    "' OR '1'='1",
    "\r\nX-Injected: 1",
    "*",
    " padded ",
]
# What a user would type into a field: enough for a create to succeed now and then, so that
# stored values (with markup among them) reach the pages the crawl reads afterwards.
PLAUSIBLE = [
    "80",
    "443",
    "8080",
    "1",
    "65535",
    "web2",
    "shop-1",
    "TCP",
    "UDP",
    "192.168.0.0/24",
    "100.126.0.0/16",
    "TCP 80:80",
    "*",
    "iam:domain::0123456789abcdef0123456789abcdef",
    "Please raise it",
]

fuzz_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
fill_text = st.one_of(st.sampled_from(PLAUSIBLE), st.sampled_from(MARKUP), fuzz_text)
fill_number = st.one_of(
    st.integers(1, 65535).map(str),
    st.integers(1, 65535).map(str),
    st.integers(1, 99).map(str),
    fuzz_text,
)


def fuzz_settings(max_examples: int):
    """Bounded, reproducible runs: the same examples on every machine and database."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# --- the database: what a request changed -------------------------------------------------

# Framework bookkeeping that changes without a user-visible change.
UNTRACKED_APPS = {"sessions", "contenttypes", "django_tasks_database"}
AUDIT_MODELS = {"audit.AuditRecord", "admin.LogEntry"}  # console changes; admin changes


@dataclass(frozen=True)
class Snapshot:
    counts: dict

    @classmethod
    def take(cls) -> Snapshot:
        """Every tracked table's row count, in one query (it runs twice per example)."""
        models = [
            model
            for model in apps.get_models()
            if model._meta.app_label not in UNTRACKED_APPS and not model._meta.proxy
        ]
        counts = ", ".join(
            f"(SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)})"
            for model in models
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {counts}")
            row = cursor.fetchone()
        return cls({model._meta.label: count for model, count in zip(models, row, strict=True)})

    def audits(self) -> int:
        return sum(self.counts.get(label, 0) for label in AUDIT_MODELS)

    def diff(self, after: Snapshot) -> dict:
        return {
            label: (count, after.counts[label])
            for label, count in self.counts.items()
            if after.counts[label] != count
        }


# --- one request, checked ------------------------------------------------------------------


def new_client(username: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def describe(method: str, path: str, data=None, response=None, extra: str = "") -> str:
    shown = data if not isinstance(data, bytes | str) else data[:500]
    text = f"{method.upper()} {path[:300]} data={shown!r:.2000}"
    if response is not None:
        text += f" -> {response.status_code}"
        exc_info = getattr(response, "exc_info", None)
        if exc_info:
            text += "\n" + "".join(traceback.format_exception(*exc_info))[-3000:]
    return text + extra


class _Captured(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def send(client: Client, method: str, path: str, raw: bool = False, **kwargs):
    """The response; a 5xx is rolled back to a savepoint first, so that one error (a NUL byte
    on PostgreSQL) does not abort the test's transaction for every example after it. Errors
    the views only log (the API's "JSON whatever happens") are attached as `logged`."""
    handler = _Captured()
    root = logging.getLogger()
    root.addHandler(handler)
    sid = transaction.savepoint_create()
    try:
        if raw:  # the API: any method, the body as it is
            response = client.generic(method.upper(), path, **kwargs)
        else:
            response = getattr(client, method)(path, **kwargs)
    finally:
        root.removeHandler(handler)
    if response.status_code >= 500:
        transaction.savepoint_rollback(sid)
    else:
        try:
            transaction.savepoint_commit(sid)
        except DatabaseError as exc:  # PostgreSQL: a view swallowed a database error
            transaction.savepoint_rollback(sid)
            raise AssertionError(
                f"the request left the transaction broken ({exc}): "
                + describe(method, path, kwargs.get("data"), response)
            ) from exc
    response.logged = [
        logging.Formatter().formatException(r.exc_info) for r in handler.records if r.exc_info
    ]
    return response


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


def check(response, method: str, path: str, data=None) -> None:
    """No 5xx; no raw markup in a page."""
    logged = "".join("\n" + text[-1500:] for text in getattr(response, "logged", []))
    assert response.status_code < 500, describe(method, path, data, response, logged)
    if is_html(response):
        page = body_text(response)
        for marker in RAW_MARKERS:
            assert marker.lower() not in page.lower(), (
                f"unescaped {marker!r} in the page: " + describe(method, path, data, response)
            )


def _context_values(response):
    context = response.context
    if context is None:
        return
    for sub in context if isinstance(context, list) else [context]:
        flat = sub.flatten() if hasattr(sub, "flatten") else sub
        yield from flat.values()


def refused(response) -> bool:
    """A status >= 400, an error message, or a form shown again with errors."""
    if response.status_code >= 400:
        return True
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    if any(message.level >= messages.ERROR for message in queued):
        return True
    for value in _context_values(response):
        value = getattr(value, "form", value)  # the admin wraps its form
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return True
        if isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
            return True
    return False


def check_saved(before: Snapshot, after: Snapshot, response, method, path, data) -> None:
    """Nothing saved on a refusal; anything saved is audited. (A failed login is kept, on
    purpose: the throttling counts it and the operators' log shows it.)"""
    if (view_name(path) or "").endswith("login"):
        return
    changed = before.diff(after)
    if refused(response):
        assert not changed, "a refused request changed rows " + describe(
            method, path, data, response, f"\nchanged: {changed}"
        )
    elif set(changed) - AUDIT_MODELS:
        assert after.audits() > before.audits(), "a change without an audit record " + describe(
            method, path, data, response, f"\nchanged: {changed}"
        )


# --- routes --------------------------------------------------------------------------------

CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")
JUNK_IDS = {
    "uuid": [str(uuid.UUID(int=0)), "3f2a9c1e-0000-4000-8000-000000000001"],
    "int": ["0", "99999999999999999999"],
    "path": ["x", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "0"],
    "str": ["x", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "0"],
    "slug": ["x"],
}


@dataclass(frozen=True)
class Route:
    route: str  # "services/<uuid:pk>/connections/"
    name: str  # "services:connections"
    model: type | None  # whose IDs fill the converters

    @property
    def converters(self) -> list[tuple[str, str]]:
        return [(m["kind"] or "str", m["name"]) for m in CONVERTER.finditer(self.route)]

    def fill(self, value: str) -> str:
        return "/" + CONVERTER.sub(lambda _: quote(value, safe="%"), self.route)


def _model(callback):
    admin = getattr(callback, "model_admin", None)
    if admin is not None:
        return admin.model
    view = getattr(callback, "view_class", None)
    model = getattr(callback, "view_initkwargs", {}).get("model") or getattr(view, "model", None)
    queryset = getattr(view, "queryset", None)
    return model or (queryset.model if queryset is not None else None)


def routes(prefix: str = "", namespace: str = "", patterns=None) -> list[Route]:
    """Every route of the site whose pattern can be filled in (regular-expression ones are
    the API's catch-all and the admin's app index: covered by the random paths)."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        text = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            found += routes(prefix + text, inner, pattern.url_patterns)
        elif not text.startswith("^"):
            name = ":".join(filter(None, [namespace, pattern.name]))
            found.append(Route(prefix + text, name, _model(pattern.callback)))
    return found


def console_routes() -> list[Route]:
    return [r for r in routes() if not r.name.startswith("api:")]


def api_routes() -> list[Route]:
    return [r for r in routes() if r.name.startswith("api:")]


def object_ids(model, limit: int | None = None) -> list[str]:
    """Every object's ID, or at most `limit` of each account's (of both tenants, the
    platform's too)."""
    rows = model._base_manager.order_by("pk")
    names = {f.name for f in model._meta.get_fields()}
    owner = "project__account" if "project" in names else "account" if "account" in names else None
    if owner is None and "user" in names:
        owner = "user__account"
    picked: dict = {}
    for pk, account in (
        rows.values_list("pk", owner)
        if owner
        else ((pk, None) for pk in rows.values_list("pk", flat=True))
    ):
        ids = picked.setdefault(account, [])
        if limit is None or len(ids) < limit:
            ids.append(str(pk))
    return [pk for ids in picked.values() for pk in ids]


def concrete_urls(route: Route, junk: bool = True, limit: int | None = None) -> list[str]:
    """The route filled with the IDs of its model's objects (both tenants'), and with junk;
    routes with several converters take the same value in each."""
    kinds = {kind for kind, _ in route.converters}
    if not kinds:
        return [route.fill("")]
    values = object_ids(route.model, limit) if route.model is not None else []
    if junk:
        for kind in sorted(kinds):
            values += JUNK_IDS.get(kind, JUNK_IDS["str"])
    return [route.fill(value) for value in values]


def view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


# --- forms ---------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, checkbox, radio, select, textarea, submit, number, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return sorted({f.name for f in self.fields})


class FormParser(HTMLParser):
    """The forms of a page, as a browser would submit them: fields with `form="id"` join
    their form; a button's `formaction` (or an element's `hx-post`) is another target."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.current: Form | None = None
        self.pending: list[tuple[str, Field]] = []
        self.select: Field | None = None
        self.textarea: Field | None = None
        self.extra_actions: list[tuple[Form | str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = Form(a.get("action") or self.page_url, a.get("method", "get").lower())
            self.forms.append(self.current)
            if a.get("id"):
                self.by_id[a["id"]] = self.current
            return
        if a.get("hx-post"):
            self.extra_actions.append((a.get("form") or self.current, a["hx-post"]))
        if tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
            if "selected" in a:
                self.select.value = a.get("value", "")
            return
        if tag not in ("input", "select", "textarea", "button") or not a.get("name"):
            return
        kind = a.get("type", "submit" if tag == "button" else "text").lower()
        if tag in ("select", "textarea"):
            kind = tag
        item = Field(a["name"], kind, a.get("value", ""), checked="checked" in a)
        if tag == "select":
            self.select = item
        if tag == "textarea":
            self.textarea = item
        if a.get("formaction"):
            self.extra_actions.append((a.get("form") or self.current, a["formaction"]))
        if a.get("form"):
            self.pending.append((a["form"], item))
        elif self.current is not None:
            self.current.fields.append(item)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def result(self) -> list[Form]:
        for form_id, item in self.pending:
            if form_id in self.by_id:
                self.by_id[form_id].fields.append(item)
        forms = list(self.forms)
        for owner, action in self.extra_actions:
            owner = self.by_id.get(owner) if isinstance(owner, str) else owner
            fields = list(owner.fields) if owner else []
            forms.append(Form(action, "post", fields))
        return forms


def page_forms(page_url: str, html: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html)
    return parser.result()


class Drawer:
    """Where a submission's choices come from: Hypothesis (the first step of an example),
    or a seeded `random.Random` for the steps that follow, whose forms depend on what the
    server answered (Hypothesis must see the same draws whenever it replays an example)."""

    def __init__(self, draw=None, rng: random.Random | None = None):
        self._draw, self.rng = draw, rng

    def pick(self, items):
        items = list(items)
        return self._draw(st.sampled_from(items)) if self._draw else self.rng.choice(items)

    def flag(self) -> bool:
        return self.pick([False, True])

    def text(self, kind: str = "text") -> str:
        if self._draw:
            return self._draw(fill_number if kind == "number" else fill_text)
        if kind == "number" and self.rng.random() < 0.7:
            return str(self.rng.randint(1, 65535))
        return self.rng.choice(PLAUSIBLE + MARKUP + NASTY)

    def fuzz(self) -> str:
        return self._draw(fuzz_text) if self._draw else self.rng.choice(NASTY)


def fill_in(form: Form, drawer: Drawer) -> dict:
    """The form as a user might fill it in (every field at its default, empty text filled
    in), then a few fields broken: fuzzed, dropped, repeated, or unknown ones added."""
    data: dict[str, list[str]] = {}
    radios: dict[str, list[str]] = {}
    buttons = []
    for item in form.fields:
        if item.kind in ("submit", "button", "image"):
            buttons.append(item)
        elif item.kind == "checkbox":
            if drawer.flag():
                data.setdefault(item.name, []).append(item.value or "on")
        elif item.kind == "radio":
            radios.setdefault(item.name, []).append(item.value)
        elif item.kind == "select":
            data[item.name] = [drawer.pick(item.options or [item.value])]
        elif item.kind == "hidden" or item.value:
            data.setdefault(item.name, []).append(item.value)
        else:
            data[item.name] = [drawer.text(item.kind)]
    for name, values in radios.items():
        data[name] = [drawer.pick(values)]
    if buttons:
        button = drawer.pick(buttons)
        data[button.name] = [button.value]
    known = sorted(set(form.names) | set(data))
    for _ in range(drawer.pick(range(4))):
        how = drawer.pick(["fuzz", "drop", "repeat", "unknown"])
        if how == "unknown" or not known:
            name = drawer.pick(["_action", "next", "pk", "id", "fuzz"])
            data[drawer.fuzz() if name == "fuzz" else name] = [drawer.fuzz()]
            continue
        name = drawer.pick(known)
        if how == "fuzz":
            data[name] = [drawer.fuzz()]
        elif how == "drop":
            data.pop(name, None)
        else:
            data[name] = [*data.get(name, []), drawer.text()]
    return data


@st.composite
def submission(draw, form: Form) -> dict:
    return fill_in(form, Drawer(draw))


# --- the world -----------------------------------------------------------------------------


@pytest.fixture
def world(demo_data):
    """The demo data, with an access key for every demo user (their secrets kept here)."""
    secrets = {}
    for username in ROLES:
        key, secret = key_ops.create_access_key(User.objects.get(username=username))
        secrets[username] = (key.access_key_id, secret)
    return SimpleNamespace(secrets=secrets)


class MarkupCrawl:
    """Made before the fuzzing, run after it: every list page, and every page (detail, tabs,
    confirmations) of the objects the fuzzing created or changed (every change is audited,
    so the new activity records name them), as every role. No page may show raw markup, none
    may fail."""

    PER_ROUTE = 10  # objects per route: bounds the time when the fuzzing created many

    def __init__(self):
        self.routes = [
            route
            for route in console_routes()
            if not any(word in route.name for word in ("logout", "delete", "password"))
            and (not route.route.startswith("admin/") or route.route.endswith(("/", "change/")))
        ]
        self.last_record = AuditRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.existing = {r.model: set(object_ids(r.model)) for r in self.routes if r.model}

    def urls(self) -> list[str]:
        records = AuditRecord.objects.filter(pk__gt=self.last_record or 0)
        touched = {str(pk) for pk in records.values_list("resource_id", flat=True)}
        urls = []
        for route in self.routes:
            if not route.converters:
                urls.append(route.fill(""))
            elif route.model is not None:
                ids = [
                    pk
                    for pk in object_ids(route.model)
                    if pk in touched or pk not in self.existing[route.model]
                ]
                urls += [route.fill(pk) for pk in ids[: self.PER_ROUTE]]
        return urls

    def run(self, roles=ROLES) -> int:
        urls = self.urls()
        for username in roles:
            client = new_client(username)
            for url in urls:
                if url.startswith("/admin/") and username != "operator":
                    continue  # a redirect to the admin's login for everyone else
                check(send(client, "get", url), "get", url)
        return len(urls)


# --- the API -------------------------------------------------------------------------------


def signed(method: str, path: str, body: bytes, ak: str, sk: str, query=()) -> SdkRequest:
    """A request signed by the SDK's own Signer, for the test client's host."""
    request = SdkRequest(
        method=method.upper(),
        schema="http",
        host="testserver",
        resource_path=path,
        header_params={"Content-Type": "application/json"},
        body=body,
        query_params=list(query),
    )
    Signer(SimpleNamespace(ak=ak, sk=sk)).sign(request)
    return request


def api_send(client: Client, method: str, path: str, body: bytes, ak: str, sk: str, query=()):
    request = signed(method, path, body, ak, sk, query)
    headers = {k: v for k, v in request.header_params.items() if k != "Content-Type"}
    return send(
        client,
        method,
        request.uri,
        raw=True,
        data=body,
        content_type="application/json",
        CONTENT_TYPE="application/json",  # the test client leaves it out with no body
        headers=headers,
    )


def project_ids() -> list[str]:
    return list(Project.objects.values_list("project_id", flat=True))


def access_key_ids() -> list[int]:
    return list(AccessKey.objects.values_list("pk", flat=True))


def json_dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
