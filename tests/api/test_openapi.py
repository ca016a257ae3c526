"""The OpenAPI document describes exactly the API's URLs (issue 6)."""

import re

import pytest
from django.urls import URLPattern, get_resolver

from api.openapi import DOCUMENT

pytestmark = pytest.mark.django_db


def api_routes() -> set[str]:
    [api] = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api"]
    names = {
        "project_id": "project_id",
        "service_id": "vpc_endpoint_service_id",
        "endpoint_id": "vpc_endpoint_id",
        "permission_id": "permission_id",
    }
    routes = set()
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        if str(pattern.pattern).startswith("^"):
            continue  # the JSON 404 for every other /v1/ path
        route = "/" + re.sub(
            r"<str:(\w+)>", lambda m: "{" + names[m[1]] + "}", str(pattern.pattern)
        )
        routes.add(route)
    return routes - {"/v1/openapi.json"}


def test_every_api_url_is_documented_and_nothing_else(client):
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200 and response.json()["openapi"].startswith("3.")
    assert set(DOCUMENT["paths"]) == api_routes() | {"/"}


def test_every_reference_resolves():
    text = str(DOCUMENT)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in DOCUMENT["components"]["schemas"], name


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/v1/whatever/no-such-thing")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["error_code"] == "VPCEP.0004"


def test_every_request_body_is_a_named_schema_with_typed_fields():
    """The bodies' schemas are what api/bodies.py checks: none is a bare object."""
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            name = schema["$ref"].rsplit("/", 1)[-1]
            properties = DOCUMENT["components"]["schemas"][name]["properties"]
            assert properties and all("type" in field for field in properties.values()), (
                path,
                method,
            )
