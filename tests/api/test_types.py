"""Every field of every API request body has one JSON type (issue 9, defect 8): another type is a
400 whose error_msg names the field in the API's spelling (ports[0].client_port), and nothing is
created or changed; a field the console does not support is refused unless it has its default.
The same bodies with the right types are accepted."""

import json
import re
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.conf import settings
from huaweicloudsdkvpcep.v1 import model as sdk_models

from api.errors import INVALID
from api.openapi import DOCUMENT
from console import demo
from console.network.models import VPC, LoadBalancer, RouteTable, Subnet
from console.tenancy import operations as key_ops
from console.tenancy.models import User
from endpoints.models import Endpoint
from services.models import EndpointService, Permission

from .conftest import project_id
from .test_auth import signed

pytestmark = pytest.mark.django_db

PRINCIPAL = "iam:domain::" + "c" * 32

# The JSON values sent in the wrong place, by the JSON type they have.
SAMPLES = {
    "boolean": [True],
    "object": [{}],
    "array": [[]],
    "integer": [0],
    "number": [1.5],
    "string": ["", "80"],
    "null": [None],
}


def wrong_values(expected: str) -> list:
    return [v for kind, values in SAMPLES.items() if kind != expected for v in values]


@pytest.fixture
def world(db):
    demo.seed(password=settings.DEMO_PASSWORD)
    web = EndpointService.objects.get(name="web")
    return SimpleNamespace(
        web=web,
        pending=web.endpoints.get(status="pendingAcceptance"),
        whitelisted=web.permissions.get(),
    )


@pytest.fixture
def api(client, world):
    """api(username, method, suffix, body) -> the response to that signed request."""
    keys = {}

    def _api(username: str, method: str, suffix: str, body, language: str = "") -> object:
        user = User.objects.get(username=username)
        if username not in keys:
            key, secret = key_ops.create_access_key(user)
            keys[username] = (key.access_key_id, secret)
        path = f"/v1/{project_id(user.account.name)}/{suffix}"
        raw = json.dumps(body).encode()
        request = signed(
            SimpleNamespace(url="http://testserver"), *keys[username], method, path, raw=raw
        )
        headers = {k: v for k, v in request.header_params.items() if k.lower() != "content-type"}
        if language:
            headers["Accept-Language"] = language
        return client.generic(
            method, request.uri, raw, content_type="application/json", headers=headers
        )

    return _api


# --- the bodies: a valid one each, what it acts on, and how to see that nothing happened ---


def service_body():
    return {
        "port_id": str(LoadBalancer.objects.get(name="elb-2d6f").pk),
        "vpc_id": str(VPC.objects.get(name="vpc-4e1c").pk),
        "service_type": "interface",
        "server_type": "LB",
        "service_name": "shop",
        "approval_enabled": True,
        "ports": [{"client_port": 8080, "server_port": 80, "protocol": "TCP"}],
        "tags": [{"key": "team", "value": "web"}],
    }


def endpoint_body():
    return {
        "endpoint_service_id": str(
            EndpointService.objects.get(name="dns", project__region__code="cn-gzt").pk
        ),
        "vpc_id": str(VPC.objects.get(name="vpc-638b").pk),
        "subnet_id": str(Subnet.objects.get(name="subnet-71cf").pk),
        "enable_dns": True,
        "tags": [{"key": "team", "value": "web"}],
    }


def gateway_body():
    return {
        "endpoint_service_id": str(EndpointService.objects.get(name="obs").pk),
        "vpc_id": str(VPC.objects.get(name="vpc-638b").pk),
        "routetables": [str(RouteTable.objects.get(name="rtb-638b").pk)],
    }


def state(world) -> tuple:
    """Everything a refused request could have changed."""
    world.web.refresh_from_db()
    return (
        sorted(map(str, EndpointService.objects.values_list("pk", flat=True))),
        sorted(map(str, Endpoint.objects.values_list("pk", "status"))),
        sorted(map(str, Permission.objects.values_list("pk", flat=True))),
        world.web.approval_enabled,
    )


BODIES = {
    # name: (username, method, path suffix, valid body)
    "create_service": ("b-admin", "POST", "vpc-endpoint-services", service_body),
    "update_service": (
        "a-admin",
        "PUT",
        "vpc-endpoint-services/{web}",
        lambda: {"approval_enabled": False},
    ),
    "connections_action": (
        "a-admin",
        "POST",
        "vpc-endpoint-services/{web}/connections/action",
        lambda: {"action": "receive", "endpoints": ["{pending}"]},
    ),
    "permissions_action": (
        "a-admin",
        "POST",
        "vpc-endpoint-services/{web}/permissions/action",
        lambda: {"action": "add", "permissions": [PRINCIPAL], "permission_type": "domainId"},
    ),
    "batch_create": (
        "a-admin",
        "POST",
        "vpc-endpoint-services/{web}/permissions/batch-create",
        lambda: {"permissions": [{"permission": PRINCIPAL}], "permission_type": "domainId"},
    ),
    "batch_delete": (
        "a-admin",
        "POST",
        "vpc-endpoint-services/{web}/permissions/batch-delete",
        lambda: {"permissions": [{"id": "{whitelisted}"}]},
    ),
    "create_endpoint": ("a-admin", "POST", "vpc-endpoints", endpoint_body),
    "create_gateway_endpoint": ("a-admin", "POST", "vpc-endpoints", gateway_body),
}

# Every field of every body, in the API's spelling, with its JSON type.
FIELDS = [
    *[
        ("create_service", field, kind)
        for field, kind in [
            ("port_id", "string"),
            ("vpc_id", "string"),
            ("service_type", "string"),
            ("server_type", "string"),
            ("service_name", "string"),
            ("approval_enabled", "boolean"),
            ("ports", "array"),
            ("ports[0]", "object"),
            ("ports[0].client_port", "integer"),
            ("ports[0].server_port", "integer"),
            ("ports[0].protocol", "string"),
            ("tags", "array"),
            ("tags[0]", "object"),
            ("tags[0].key", "string"),
            ("tags[0].value", "string"),
            ("description", "string"),
            ("ip", "string"),
            ("tcp_proxy", "string"),
            ("ip_version", "string"),
            ("snat_network_id", "string"),
            ("pool_id", "string"),
            ("enable_policy", "boolean"),
        ]
    ],
    ("update_service", "approval_enabled", "boolean"),
    ("update_service", "description", "string"),
    ("update_service", "tcp_proxy", "string"),
    ("connections_action", "action", "string"),
    ("connections_action", "endpoints", "array"),
    ("connections_action", "endpoints[0]", "string"),
    ("permissions_action", "action", "string"),
    ("permissions_action", "permissions", "array"),
    ("permissions_action", "permissions[0]", "string"),
    ("permissions_action", "permission_type", "string"),
    ("batch_create", "permissions", "array"),
    ("batch_create", "permissions[0]", "object"),
    ("batch_create", "permissions[0].permission", "string"),
    ("batch_create", "permissions[0].description", "string"),
    ("batch_create", "permission_type", "string"),
    ("batch_delete", "permissions", "array"),
    ("batch_delete", "permissions[0]", "object"),
    ("batch_delete", "permissions[0].id", "string"),
    *[
        ("create_endpoint", field, kind)
        for field, kind in [
            ("endpoint_service_id", "string"),
            ("vpc_id", "string"),
            ("subnet_id", "string"),
            ("enable_dns", "boolean"),
            ("tags", "array"),
            ("tags[0]", "object"),
            ("tags[0].key", "string"),
            ("tags[0].value", "string"),
            ("description", "string"),
            ("port_ip", "string"),
            ("whitelist", "array"),
            ("enable_whitelist", "boolean"),
            ("policy_statement", "array"),
            ("policy_document", "object"),
            ("ip_version", "string"),
            ("ipv6_address", "string"),
        ]
    ],
    ("create_gateway_endpoint", "routetables", "array"),
    ("create_gateway_endpoint", "routetables[0]", "string"),
]

STEP = re.compile(r"([a-z_][a-z0-9_]*)|\[(\d+)\]")


def with_value(body: dict, field: str, value) -> dict:
    """body with field (ports[0].client_port) set to value, creating lists and objects on the way."""
    steps = [name or int(index) for name, index in STEP.findall(field)]
    node = body
    for step, following in pairwise(steps):
        if isinstance(step, int):
            while len(node) <= step:
                node.append({} if isinstance(following, str) else [])
            node = node[step]
        else:
            node = node.setdefault(step, [] if isinstance(following, int) else {})
    last = steps[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value
    return body


def request_of(world, name: str, body=None):
    username, method, suffix, valid = BODIES[name]
    ids = {"web": world.web.pk, "pending": world.pending.pk, "whitelisted": world.whitelisted.pk}
    text = json.dumps(valid() if body is None else body)
    for key, value in ids.items():
        text = text.replace("{" + key + "}", str(value))
    return username, method, suffix.format(**ids), json.loads(text)


@pytest.mark.parametrize("name", BODIES)
def test_the_valid_bodies_are_accepted(api, world, name):
    before = state(world)
    response = api(*request_of(world, name))
    assert response.status_code == 200, response.content
    assert state(world) != before  # each one created or changed something


@pytest.mark.parametrize("name", BODIES)
def test_a_wrong_json_type_is_a_400_naming_the_field(api, world, name):
    """Each field of the body in turn, with each value of another JSON type (one seeding a body:
    the failure names the field and the value)."""
    _, _, _, valid = BODIES[name]
    before = state(world)
    for field, kind in [(f, k) for n, f, k in FIELDS if n == name]:
        for value in wrong_values(kind):
            response = api(*request_of(world, name, with_value(valid(), field, value)))
            assert response.status_code == 400, (field, value, response.content)
            error = response.json()
            assert error["error_code"] == INVALID
            assert re.search(rf"(^|\s){re.escape(field)} ", error["error_msg"]), (field, error)
            assert state(world) == before, (field, value)


UNSUPPORTED = [
    ("create_service", "ip_version", "ipv6", "ipv4"),
    ("create_service", "enable_policy", True, False),
    ("permissions_action", "permission_type", "orgPath", "domainId"),
    ("batch_create", "permission_type", "orgPath", "domainId"),
    ("create_endpoint", "policy_document", {"Version": "5.0"}, {}),
]


@pytest.mark.parametrize(("name", "field", "other", "default"), UNSUPPORTED)
def test_an_unsupported_field_is_refused_unless_it_has_its_default(
    api, world, name, field, other, default
):
    _, _, _, valid = BODIES[name]
    before = state(world)
    response = api(*request_of(world, name, with_value(valid(), field, other)), language="en")
    assert response.status_code == 400
    assert response.json()["error_msg"] == (
        f"{field} is not supported by this console: leave it out or send {json.dumps(default)}."
    )
    assert state(world) == before  # never dropped silently: nothing was created without it

    response = api(*request_of(world, name, with_value(valid(), field, default)))
    assert response.status_code == 200, response.content
    assert state(world) != before


def test_the_reported_defects(api, world):
    """service_name true, {} or 0; tags of 0, {} or "": each refused, none counted as empty."""
    before = state(world)
    for field, value in [
        ("service_name", True),
        ("service_name", {}),
        ("service_name", []),
        ("service_name", 0),
        ("tags", 0),
        ("tags", {}),
        ("tags", ""),
        ("ports[0].client_port", "8080"),
        ("ports[0].client_port", True),
    ]:
        response = api(
            *request_of(world, "create_service", with_value(service_body(), field, value))
        )
        assert response.status_code == 400 and response.json()["error_msg"].startswith(field)
    for value in (0, {}, ""):
        body = with_value(gateway_body(), "routetables", value)
        response = api(*request_of(world, "create_gateway_endpoint", body))
        assert response.status_code == 400 and response.json()["error_msg"].startswith(
            "routetables"
        )
    assert state(world) == before
    assert not EndpointService.objects.filter(
        name__in=["True", ""], project__account__name="tenant-b"
    )


def test_every_wrong_field_is_named_at_once(api, world):
    body = {
        **service_body(),
        "service_name": True,
        "ports": [{"client_port": 1.5, "server_port": 80}],
    }
    response = api(*request_of(world, "create_service", body), language="en")
    assert response.status_code == 400
    assert response.json()["error_msg"] == (
        "service_name must be a string, not true. ports[0].client_port must be an integer, not 1.5."
    )
    # in the console's default language, as the operations' messages are
    response = api(*request_of(world, "create_service", body))
    assert response.json()["error_msg"] == (
        "service_name 应为字符串，不能是 true。 ports[0].client_port 应为整数，不能是 1.5。"
    )


def test_a_whole_number_written_with_a_point_is_an_integer(api, world):
    body = with_value(service_body(), "ports[0].client_port", 8080.0)
    response = api(*request_of(world, "create_service", body))
    assert response.status_code == 200, response.content
    assert response.json()["ports"][0]["client_port"] == 8080


# --- the schemas checked are the provider's SDK's request models, field for field ---------------

SDK_TYPES = {"str": "string", "int": "integer", "bool": "boolean", "object": "object"}
SDK_BODIES = {
    "CreateEndpointServiceRequestBody": "CreateService",
    "UpdateEndpointServiceRequestBody": "UpdateService",
    "AcceptOrRejectEndpointRequestBody": "ConnectionsAction",
    "AddOrRemoveServicePermissionsRequestBody": "PermissionsAction",
    "BatchAddEndpointServicePermissionsRequestBody": "AddPermissions",
    "BatchRemoveEndpointServicePermissionsRequestBody": "RemovePermissions",
    "CreateEndpointRequestBody": "CreateEndpoint",
    "PortList": "Port",
    "TagList": "Tag",
    "UpdateEndpointServiceNameRequestBody": "UpdateServiceName",
    "UpdateEndpointConnectionsDescRequestBody": "ConnectionsDescription",
    "UpdateEndpointServicePermissionDescRequestBody": "PermissionDescription",
    "AddEndpointServiceServerResourceRequestBody": "ServerResources",
}


@pytest.mark.parametrize(("model", "schema"), SDK_BODIES.items())
def test_every_field_the_sdk_sends_is_checked_with_its_type(model, schema):
    properties = DOCUMENT["components"]["schemas"][schema]["properties"]
    for field, sdk_type in getattr(sdk_models, model).openapi_types.items():
        expected = "array" if sdk_type.startswith("list[") else SDK_TYPES.get(sdk_type, "object")
        assert properties[field]["type"] == expected, (model, field)
