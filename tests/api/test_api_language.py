"""API error messages follow Accept-Language, zh-hans by default as in the console: the same
refusal is Chinese for zh-CN (and with no Accept-Language) and unchanged English for en. Field
names and JSON values (server_type, LB, limit, ...) stay as the API spells them."""

import json
import uuid
from types import SimpleNamespace

import pytest
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from console.tenancy import operations as key_ops
from console.tenancy.models import User

from .conftest import project_id
from .test_types import service_body, world  # noqa: F401

pytestmark = pytest.mark.django_db

STRANGER = "iam:domain::" + "d" * 32  # on no whitelist
MISSING = str(uuid.UUID(int=7))


@pytest.fixture
def call(client, world):  # noqa: F811
    """call(method, suffix, ...) -> the response to that request to /v1/{project_id}/{suffix},
    signed by a fresh key of username unless sign=False or access_key=(ak, sk) is given."""
    keys = {}

    def _call(
        method: str,
        suffix: str,
        body=None,
        raw: bytes | None = None,
        query=(),
        language: str = "",
        username: str = "a-admin",
        account: str | None = None,
        sign: bool = True,
        access_key: tuple[str, str] | None = None,
    ):
        user = User.objects.get(username=username)
        if username not in keys:
            key, secret = key_ops.create_access_key(user)
            keys[username] = (key.access_key_id, secret)
        ak, sk = access_key or keys[username]
        if raw is None:
            raw = json.dumps(body).encode() if body is not None else b""
        request = SdkRequest(
            method=method,
            schema="http",
            host="testserver",
            resource_path=f"/v1/{project_id(account or user.account.name)}/{suffix}",
            header_params={"Content-Type": "application/json"} if raw else {},
            body=raw,
            query_params=list(query),
        )
        if sign:
            Signer(SimpleNamespace(ak=ak, sk=sk)).sign(request)
        headers = {k: v for k, v in request.header_params.items() if k.lower() != "content-type"}
        if language:
            headers["Accept-Language"] = language
        uri = request.uri if sign else request.resource_path  # the Signer sets uri
        return client.generic(method, uri, raw, content_type="application/json", headers=headers)

    return _call


def permissions_action(world, action: str) -> dict:  # noqa: F811
    return {
        "method": "POST",
        "suffix": f"vpc-endpoint-services/{world.web.pk}/permissions/action",
        "body": {"action": action, "permissions": [STRANGER]},
    }


TAGS_QUERY = "endpoint_service/resource_instances/action"

# id: (the request, as call's arguments for the seeded world; status; English; Chinese)
CASES = {
    "401-unsigned": (
        lambda w: {"method": "GET", "suffix": "quotas", "sign": False},
        401,
        "Sign the request with an access key: Authorization: SDK-HMAC-SHA256 Access=..., "
        "SignedHeaders=..., Signature=...",
        "请使用访问密钥签名请求：Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., "
        "Signature=...",
    ),
    "401-unknown-key": (
        lambda w: {"method": "GET", "suffix": "quotas", "access_key": ("NOSUCHKEY", "x" * 40)},
        401,
        "The access key does not exist.",
        "访问密钥不存在。",
    ),
    "403-project": (
        lambda w: {"method": "GET", "suffix": "quotas", "account": "tenant-b"},
        403,
        "The project in the path is not one of the access key owner's projects.",
        "路径中的 project_id 不是访问密钥所有者的项目。",
    ),
    "404-resource": (
        lambda w: {"method": "GET", "suffix": f"vpc-endpoints/{MISSING}"},
        404,
        "No such resource in this project.",
        "该项目中没有这个资源。",
    ),
    "405-method": (
        lambda w: {"method": "PATCH", "suffix": "quotas", "body": {}},
        405,
        "PATCH is not allowed here.",
        "此处不允许 PATCH 请求。",
    ),
    "400-body-not-json": (
        lambda w: {"method": "POST", "suffix": "vpc-endpoint-services", "raw": b'{"a": '},
        400,
        "The request body is not JSON.",
        "请求体不是有效的 JSON。",
    ),
    "400-limit": (
        lambda w: {"method": "GET", "suffix": "vpc-endpoints", "query": [("limit", "5000")]},
        400,
        "limit must be a whole number from 0 to 1000.",
        "limit 应为 0 到 1000 之间的整数。",
    ),
    "400-sort-key": (
        lambda w: {"method": "GET", "suffix": "vpc-endpoints", "query": [("sort_key", "name")]},
        400,
        "sort_key must be one of created_at, updated_at.",
        "sort_key 应为以下之一：created_at, updated_at。",
    ),
    "400-server-type": (
        lambda w: {
            "method": "POST",
            "suffix": "vpc-endpoint-services",
            "body": {**service_body(), "server_type": "VIP"},
            "username": "b-admin",
        },
        400,
        "server_type must be LB (load balancer) or VM (server).",
        "server_type 应为 LB（弹性负载均衡）或 VM（云服务器）。",
    ),
    "400-connections-action": (
        lambda w: {
            "method": "POST",
            "suffix": f"vpc-endpoint-services/{w.web.pk}/connections/action",
            "body": {"action": "accept", "endpoints": [str(w.pending.pk)]},
        },
        400,
        "action must be receive or reject.",
        "action 应为 receive 或 reject。",
    ),
    "400-tags-action": (
        lambda w: {"method": "POST", "suffix": TAGS_QUERY, "body": {"action": "list"}},
        400,
        "action: filter or count.",
        "action: 应为 filter 或 count。",
    ),
    "400-tags-key": (
        lambda w: {
            "method": "POST",
            "suffix": TAGS_QUERY,
            "body": {"action": "filter", "tags": [{"key": " ", "values": []}]},
        },
        400,
        "tags[0].key: 1 to 128 characters.",
        "tags[0].key: 长度应为 1 到 128 个字符。",
    ),
    "400-permissions-remove": (
        lambda w: permissions_action(w, "remove"),
        400,
        f"permissions: {STRANGER} is not on the whitelist.",
        f"permissions: {STRANGER} 不在白名单中。",
    ),
    "400-permissions-action": (
        lambda w: permissions_action(w, "drop"),
        400,
        "action must be add or remove.",
        "action 应为 add 或 remove。",
    ),
}


@pytest.mark.parametrize(("request_of", "status", "english", "chinese"), CASES.values(), ids=CASES)
@pytest.mark.parametrize("language", ["zh-CN", "en", ""])
def test_an_api_error_follows_accept_language(
    call,
    world,  # noqa: F811
    request_of,
    status,
    english,
    chinese,
    language,
):
    """zh-CN and no Accept-Language at all: Chinese; en: the English as it always was."""
    before = list(world.web.permissions.values_list("principal", flat=True))
    response = call(**request_of(world), language=language)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json()["error_msg"] == (english if language == "en" else chinese)
    assert list(world.web.permissions.values_list("principal", flat=True)) == before
