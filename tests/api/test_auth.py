"""Signed requests refused with a clear 401 (issue 6): the SDK's own Signer signs, then the
request is tampered with or sent late, as an attacker or a broken clock would."""

import io
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
import requests
from django.core.management import call_command
from django.test import override_settings
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from .conftest import project_id

pytestmark = pytest.mark.django_db(transaction=True)


def signed(site, ak, sk, method, path, body=None, date=None, raw=None):
    """A request signed by the SDK's own Signer (body: JSON-able; raw: bytes as they are)."""
    host = urlparse(site.url).netloc
    headers = {"Content-Type": "application/json"}
    if date:
        headers["X-Sdk-Date"] = date.strftime("%Y%m%dT%H%M%SZ")
    if raw is None:
        raw = json.dumps(body).encode() if body is not None else b""
    request = SdkRequest(
        method=method,
        schema="http",
        host=host,
        resource_path=path,
        header_params=headers,
        body=raw,
        query_params=[],
    )
    Signer(SimpleNamespace(ak=ak, sk=sk)).sign(request)
    return request


def send(site, request, body=None):
    data = request.body if body is None else body
    return requests.request(
        request.method, site.url + request.uri, headers=request.header_params, data=data, timeout=10
    )


def test_a_correctly_signed_request_passes(site, keys):
    ak, sk = keys("a-admin")
    response = send(site, signed(site, ak, sk, "GET", f"/v1/{project_id('tenant-a')}/quotas"))
    assert response.status_code == 200 and response.json()["quotas"]["resources"]


def test_a_body_changed_after_signing_is_refused(site, keys):
    ak, sk = keys("a-admin")
    path = f"/v1/{project_id('tenant-a')}/vpc-endpoint-services"
    request = signed(site, ak, sk, "GET", path, body={"service_name": "a"})
    response = send(site, request, body=json.dumps({"service_name": "b"}).encode())
    assert response.status_code == 401 and response.json()["error_code"] == "APIGW.0301"
    assert "signature" in response.json()["error_msg"]


@pytest.mark.parametrize("minutes", [16, -16])
def test_a_clock_skew_over_15_minutes_is_refused(site, keys, minutes):
    ak, sk = keys("a-admin")
    date = datetime.now(UTC) + timedelta(minutes=minutes)
    response = send(
        site, signed(site, ak, sk, "GET", f"/v1/{project_id('tenant-a')}/quotas", date=date)
    )
    assert response.status_code == 401 and "15 minutes" in response.json()["error_msg"]


def test_an_unsigned_request_is_a_json_401_not_a_login_page(site):
    response = requests.get(f"{site.url}/v1/{project_id('tenant-a')}/quotas", timeout=10)
    assert response.status_code == 401 and response.headers["Content-Type"] == "application/json"
    assert response.json()["error_code"] == "APIGW.0301"


def test_the_root_answers_api_clients_with_versions_and_browsers_with_the_console(site):
    api = requests.get(site.url + "/", headers={"Accept": "application/json"}, timeout=10)
    assert api.json()["versions"][0]["id"] == "v1"
    browser = requests.get(
        site.url + "/", headers={"Accept": "text/html"}, allow_redirects=False, timeout=10
    )
    assert browser.status_code == 302


def test_access_keys_survive_a_secret_key_change_and_an_encryption_key_rotation(site, keys):
    """Issue 9, defect 4: SECRET_KEY rotated, every key answered 401."""
    path = f"/v1/{project_id('tenant-a')}/quotas"
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=["old-encryption-key"]):
        ak, sk = keys("a-admin")
    with override_settings(
        ACCESS_KEY_ENCRYPTION_KEY=["old-encryption-key"], SECRET_KEY="a-new-secret-key"
    ):
        assert send(site, signed(site, ak, sk, "GET", path)).status_code == 200
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=["new-encryption-key"]):
        refused = send(site, signed(site, ak, sk, "GET", path))
        assert refused.status_code == 401 and refused.json()["error_code"] == "APIGW.0301"
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=["new-encryption-key", "old-encryption-key"]):
        assert send(site, signed(site, ak, sk, "GET", path)).status_code == 200
        call_command("rotate_access_key_secrets", stdout=io.StringIO())
    with override_settings(ACCESS_KEY_ENCRYPTION_KEY=["new-encryption-key"]):
        assert send(site, signed(site, ak, sk, "GET", path)).status_code == 200
