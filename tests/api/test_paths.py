"""Every path under the API's version prefixes answers JSON {error_code, error_msg}, never
Django's HTML page (issue 9, defect 9): unknown paths, versions the console does not serve,
trailing slashes and wrong methods."""

import pytest

from api.errors import INVALID, NOT_FOUND

pytestmark = pytest.mark.django_db

PROJECT = "0" * 32
UNKNOWN = [
    "/v2",
    "/v2/",
    f"/v2/{PROJECT}/vpc-endpoints",
    f"/v2/{PROJECT}/vpc-endpoint-services/{PROJECT}/no-such-thing",
    "/v3",
    "/v3/anything",
    "/v10/x",
    "/v1/",
    "/v1/whatever/no-such-thing",
    f"/v1/{PROJECT}/vpc-endpoints/",
    f"/v1/{PROJECT}/vpc-endpoint-services/{PROJECT}/nickname",
    "/v1/openapi.json/",
    "/v1/a%0Ab",
    "/v2/%00",
]


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error_code", "error_msg"} and body["error_code"] == code
    assert body["error_msg"]
    return body


@pytest.mark.parametrize("path", UNKNOWN)
@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch", "options"])
def test_an_unknown_api_path_is_a_json_404(client, path, method):
    # as a browser would ask, too: the answer is JSON all the same
    response = getattr(client, method)(path, HTTP_ACCEPT="text/html")
    assert_json_error(response, 404, NOT_FOUND)


def test_head_of_an_unknown_path_is_a_json_404_without_a_body(client):
    response = client.head("/v2/x")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("path", "real"),
    [
        ("/v1/", "/v1"),
        ("/v1/openapi.json/", "/v1/openapi.json"),
        (f"/v1/{PROJECT}/quotas/", f"/v1/{PROJECT}/quotas"),
    ],
)
def test_a_trailing_slash_on_a_real_path_is_named(client, path, real):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    message = assert_json_error(response, 404, NOT_FOUND)["error_msg"]
    assert message == f"No such API path: {real} has no trailing slash."
    message = assert_json_error(client.get(path), 404, NOT_FOUND)["error_msg"]
    assert message == f"没有这个 API 路径：{real} 末尾不带斜杠。"


def test_other_paths_outside_the_api_keep_the_consoles_pages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]
    response = client.get("/v2x")  # not a version prefix
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


@pytest.mark.parametrize(
    "path", ["/v1", "/v1/openapi.json", f"/v1/{PROJECT}/vpc-endpoints", f"/v1/{PROJECT}/quotas"]
)
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_wrong_method_is_json(client, path, method):
    response = getattr(client, method)(path, HTTP_ACCEPT="text/html")
    # unsigned requests to a project's paths are a 401 first; the others a 405
    if PROJECT in path:
        assert_json_error(response, 401, "APIGW.0301")
    else:
        assert_json_error(response, 405, INVALID)
        assert method.upper() in response.json()["error_msg"]


@pytest.mark.parametrize("path", ["/v1", "/v1/openapi.json"])
def test_options_lists_the_methods_in_json(client, path):
    response = client.options(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"] and "GET" in response.json()["methods"]
    assert "POST" not in response["Allow"]


def test_the_versions_are_listed_and_only_v1_is_served(client):
    response = client.get("/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert [v["id"] for v in response.json()["versions"]] == ["v1"]
    assert client.get("/v1").json()["version"]["id"] == "v1"
    # the version list names no version that answers 404
    assert_json_error(client.get("/v2"), 404, NOT_FOUND)
