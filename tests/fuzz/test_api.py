"""Every API route with any body and query, and random paths under the API's prefixes, as
every role (issue 9, "Keep them found").

The routes come from api/urls.py (through the resolver), each one's methods, query keys and
body fields from /v1/openapi.json; bodies follow the document's shapes now and then and
break them otherwise (wrong types, nested junk, huge numbers, unicode, text that is not
JSON). Requests are signed with the SDK's own Signer, as the SDK would. Every answer: JSON,
no 5xx; a refused request saves nothing, a saved change is audited; afterwards the pages
are read again, as every role, for markup an API client stored.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from console.network.models import VPC, LoadBalancer, RouteTable, Server, Subnet
from console.tenancy.models import Account, Project, User
from endpoints.models import Endpoint
from services.models import EndpointService

from .conftest import (
    MARKUP,
    ROLES,
    MarkupCrawl,
    Snapshot,
    api_routes,
    api_send,
    check,
    check_saved,
    fuzz_settings,
    fuzz_text,
    json_dumps,
    send,
)

pytestmark = pytest.mark.django_db

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
JUNK_ID = ["0", "x", "00000000-0000-0000-0000-000000000000", "not-a-uuid", "%3Cscript%3E"]
NOT_JSON = [b"", b"not json", b"[" * 5000 + b"]" * 5000, b'{"a":', b"\xff\xfe\x00", b"null"]

junk_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | fuzz_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(fuzz_text, inner, max_size=3),
    max_leaves=8,
)


def template(route: str) -> str:
    """ "v1/<str:project_id>/x" and "/v1/{project_id}/x" -> "/v1/{}/x"."""
    return "/" + re.sub(r"<[^>]+>|\{[^}]+\}", "{}", route).lstrip("/")


class Shapes:
    """Hypothesis strategies for the document's request shapes, with real IDs where the
    field names one, and junk of any type in place of any value."""

    def __init__(self, document: dict):
        self.schemas = document["components"]["schemas"]
        ids = [
            str(pk)
            for model in (VPC, Subnet, LoadBalancer, Server, RouteTable, EndpointService, Endpoint)
            for pk in model.objects.values_list("pk", flat=True)
        ]
        domains = [f"iam:domain::{a.pk}" for a in Account.objects.all()] + ["*"]
        names = list(EndpointService.objects.values_list("service_name", flat=True))
        self.ids = st.sampled_from(ids + JUNK_ID)
        self.words = st.sampled_from(domains + names + MARKUP)

    def value(self, schema: dict, name: str = "", depth: int = 0) -> st.SearchStrategy:
        if "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[1]]
        kind = schema.get("type")
        if kind == "object" and depth < 4:
            fields = {
                key: self.value(sub, key, depth + 1)
                for key, sub in schema.get("properties", {}).items()
            }
            shaped = st.fixed_dictionaries({}, optional=fields) if fields else st.just({})
            return shaped | shaped | st.dictionaries(fuzz_text, junk_json, max_size=3)
        if kind == "array" and depth < 4:
            items = self.value(schema.get("items", {}), name, depth + 1)
            return st.lists(items, max_size=4) | junk_json
        if kind == "integer":
            return st.integers(1, 65535) | st.integers(-(2**70), 2**70) | junk_json
        if kind == "boolean":
            return st.booleans() | junk_json
        if kind == "string":
            options = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
            good = (
                st.sampled_from(options)
                if options
                else self.ids
                if name.endswith(("id", "ids", "routetables", "endpoints"))
                else self.words | fuzz_text
            )
            return good | good | junk_json
        return junk_json

    def body(self, operation: dict | None) -> st.SearchStrategy:
        schema = (
            (operation or {})
            .get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
        shaped = self.value(schema).map(json_dumps) if schema else st.just(b"")
        return shaped | shaped | junk_json.map(json_dumps) | st.sampled_from(NOT_JSON)


def assert_json(response, method, path, shown) -> None:
    """Every answer with a body is JSON (a 204 No Content has none)."""
    if response.status_code != 204 or response.content:
        assert response["Content-Type"] == "application/json", (
            f"{method} {path} {shown} -> {response.status_code} {response['Content-Type']}"
        )


@pytest.fixture
def document(world):
    return Client().get("/v1/openapi.json").json()


def api_ids(username: str) -> dict[str, list[str]]:
    """What fills each path converter: the user's own projects (most often), every
    other project, both tenants' services and endpoints, and junk."""
    user = User.objects.get(username=username)
    own = list(Project.objects.filter(account=user.account).values_list("project_id", flat=True))
    every = list(Project.objects.values_list("project_id", flat=True))
    return {
        "project_id": own * 6 + every + JUNK_ID,
        "service_id": [str(pk) for pk in EndpointService.objects.values_list("pk", flat=True)]
        + JUNK_ID,
        "endpoint_id": [str(pk) for pk in Endpoint.objects.values_list("pk", flat=True)] + JUNK_ID,
    }


def query_strategy(names: list[str]) -> st.SearchStrategy:
    return st.lists(
        st.tuples(st.sampled_from(names) | fuzz_text, fuzz_text | st.integers().map(str)),
        max_size=4,
    )


@pytest.mark.parametrize("username", ROLES)
def test_every_api_route_takes_any_body(world, document, username):
    ak, sk = world.secrets[username]
    client = Client(raise_request_exception=False)
    crawl = MarkupCrawl()
    shapes = Shapes(document)
    ids = api_ids(username)
    operations = {template(path): ops for path, ops in document["paths"].items()}
    routes = [route for route in api_routes() if route.converters]

    @fuzz_settings(max_examples=25)
    @given(st.data())
    def fuzz(data):
        route = data.draw(st.sampled_from(routes), label="route")
        spec = operations.get(template(route.route), {})
        documented = [m.upper() for m in spec if m in ("get", "post", "put", "delete")]
        method = data.draw(st.sampled_from(documented * 3 + METHODS), label="method")
        operation = spec.get(method.lower())
        values = {
            name: data.draw(st.sampled_from(ids.get(name, JUNK_ID)), label=name)
            for _, name in route.converters
        }
        path = "/" + re.sub(r"<[^:>]+:([^>]+)>", lambda m: values[m[1]], route.route)
        keys = [p["name"] for p in (operation or {}).get("parameters", []) if p["in"] == "query"]
        query = (
            data.draw(query_strategy(keys or ["limit"]), label="query") if method == "GET" else []
        )
        body = data.draw(shapes.body(operation), label="body")
        before = Snapshot.take()
        response = api_send(client, method, path, body, ak, sk, query)
        shown = f"{body[:300]!r} query={query!r}"
        check(response, method, path, shown)
        assert_json(response, method, path, shown)
        check_saved(before, Snapshot.take(), response, method, path, shown)

    fuzz()
    assert crawl.run() > 0


SEGMENTS = [
    "vpc-endpoint-services",
    "vpc-endpoints",
    "quotas",
    "connections",
    "permissions",
    "action",
    "public",
    "describe",
    "openapi.json",
    "..",
    "%00",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "x" * 300,
    "",
]


@pytest.mark.parametrize("username", [None, "a-admin", "operator"])
def test_every_path_under_the_api_prefixes_answers_json(world, username):
    """Signed or not: JSON `{error_code, error_msg}` (or the resource), never HTML, no 5xx."""
    client = Client(raise_request_exception=False)
    projects = list(Project.objects.values_list("project_id", flat=True))
    segment = st.sampled_from(SEGMENTS + projects) | st.text(
        "abcdefghijklmnopqrstuvwxyz0123456789-_.~", max_size=12
    )

    @fuzz_settings(max_examples=40)
    @given(
        prefix=st.sampled_from(["v1", "v2"]),
        segments=st.lists(segment, max_size=5),
        method=st.sampled_from(METHODS),
        body=junk_json.map(json_dumps) | st.sampled_from(NOT_JSON),
    )
    def fuzz(prefix, segments, method, body):
        path = "/" + "/".join([prefix, *segments])
        before = Snapshot.take()
        if username is None:
            response = send(client, method, path, raw=True, data=body)
        else:
            response = api_send(client, method, path, body, *world.secrets[username])
        check(response, method, path, body[:300])
        assert_json(response, method, path, body[:300])
        if response.status_code >= 400:
            assert not before.diff(Snapshot.take()), (method, path, body[:300])

    fuzz()
