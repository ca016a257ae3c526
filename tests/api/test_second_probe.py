"""What the second adversarial probe of the API found (2026-11-29): each refused with a 400
that names the field, nothing saved, never a 500 or an HTML page (T5, issue 9's rules)."""

import json
from types import SimpleNamespace

import pytest
from django.test import override_settings
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from console.network.models import RouteTable
from console.tenancy import operations as key_ops
from console.tenancy.models import User
from endpoints.models import Endpoint
from services.models import EndpointService

from .conftest import project_id
from .test_types import api, endpoint_body, gateway_body, service_body, state, world  # noqa: F401

LONE = "\ud800"  # a UTF-16 surrogate without its pair: json.loads lets it through


def error(response) -> str:
    assert response["Content-Type"] == "application/json", response.content[:200]
    return response.json()["error_msg"]


@pytest.mark.parametrize(
    ("method", "suffix", "body", "field"),
    [
        ("PUT", "vpc-endpoint-services/{web}", {"description": LONE}, "description"),
        ("POST", "vpc-endpoint-services", {"tags": [{"key": LONE, "value": "x"}]}, "tags[0].key"),
        (
            "POST",
            "endpoint_service/resource_instances/action",
            {"action": "filter", "matches": [{"key": "resource_name", "value": LONE}]},
            "matches[0].value",
        ),
    ],
)
def test_a_lone_surrogate_is_refused_at_its_field(api, world, method, suffix, body, field):  # noqa: F811
    before = state(world)
    if suffix == "vpc-endpoint-services":
        body = {**service_body(), **body}
    response = api("a-admin", method, suffix.format(web=world.web.pk), body, language="en")
    assert response.status_code == 400
    assert error(response) == (
        f"{field} holds a lone surrogate (\\ud800-\\udfff), which is not a character."
    )
    assert state(world) == before


def test_a_surrogate_pair_is_one_character_and_kept(api, world):  # noqa: F811
    response = api("a-admin", "PUT", f"vpc-endpoint-services/{world.web.pk}", {"description": "🙂"})
    assert response.status_code == 200, response.content
    world.web.refresh_from_db()
    assert world.web.description == "🙂"


def test_a_gateway_policy_with_a_lone_surrogate_is_refused_and_the_page_still_opens(
    api,  # noqa: F811
    world,  # noqa: F811
    client,
):
    created = api("a-admin", "POST", "vpc-endpoints", gateway_body())
    assert created.status_code == 200, created.content
    endpoint_id = created.json()["id"]
    statement = {"Effect": "Allow", "Action": ["*"], "Resource": ["*"], "Sid": LONE}
    response = api(
        "a-admin",
        "PUT",
        f"vpc-endpoints/{endpoint_id}/policy",
        {"policy_statement": [statement]},
        language="en",
    )
    assert response.status_code == 400
    assert error(response).startswith("policy_statement[0].Sid holds a lone surrogate")
    client.force_login(
        Endpoint.objects.get(pk=endpoint_id).project.account.users.get(username="a-admin")
    )
    assert client.get(f"/endpoints/{endpoint_id}/policy/").status_code == 200


def test_more_than_a_thousand_query_parameters_is_a_400_not_a_500(world, client):  # noqa: F811
    key, secret = key_ops.create_access_key(User.objects.get(username="a-admin"))
    path = f"/v1/{project_id('tenant-a')}/vpc-endpoint-services"
    query = [(f"a{n:04}", "1") for n in range(1001)]
    request = SdkRequest(
        method="GET",
        schema="http",
        host="testserver",
        resource_path=path,
        header_params={},
        body=b"",
        query_params=query,
    )
    Signer(SimpleNamespace(ak=key.access_key_id, sk=secret)).sign(request)
    response = client.get(request.uri, headers={**request.header_params, "Accept-Language": "en"})
    assert response.status_code == 400, response.content
    assert error(response) == "Too many query parameters (at most 1000)."


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_refused_host_is_json_under_the_api_and_a_page_elsewhere(client, world):  # noqa: F811
    response = client.get("/v1", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "VPCEP.0001"
    page = client.get("/login/", headers={"host": "evil.example"})
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_bad_route_table_ids_are_named_and_an_interface_endpoint_takes_none(api, world):  # noqa: F811
    before = Endpoint.objects.count()
    response = api(
        "a-admin", "POST", "vpc-endpoints", {**gateway_body(), "routetables": ["x"]}, language="en"
    )
    assert response.status_code == 400
    assert error(response).startswith("routetables: ")
    table = str(RouteTable.objects.get(name="rtb-638b").pk)
    response = api(
        "a-admin",
        "POST",
        "vpc-endpoints",
        {**endpoint_body(), "routetables": [table]},
        language="en",
    )
    assert response.status_code == 400
    assert error(response) == "routetables: Only a gateway endpoint has route tables."
    assert Endpoint.objects.count() == before
    # Without them, the same interface endpoint is created.
    assert api("a-admin", "POST", "vpc-endpoints", endpoint_body()).status_code == 200


def test_a_connection_note_left_out_or_listed_twice_is_refused(api, world):  # noqa: F811
    world.pending.connection_description = "keep me"
    world.pending.save(update_fields=["connection_description"])
    suffix = f"vpc-endpoint-services/{world.web.pk}/connections/description"
    pending = str(world.pending.pk)
    response = api("a-admin", "PUT", suffix, {"connections": [{"id": pending}]}, language="en")
    assert response.status_code == 400
    assert error(response) == "connections[0].description is required."
    twice = [{"id": pending, "description": "a"}, {"id": pending.upper(), "description": "b"}]
    response = api("a-admin", "PUT", suffix, {"connections": twice}, language="en")
    assert response.status_code == 400
    assert error(response) == "connections[1].id: the same connection is listed twice."
    world.pending.refresh_from_db()
    assert world.pending.connection_description == "keep me"
    response = api("a-admin", "PUT", suffix, {"connections": [{"id": pending, "description": ""}]})
    assert response.status_code == 200  # an empty note is a choice, when sent
    world.pending.refresh_from_db()
    assert world.pending.connection_description == ""


def test_approval_is_on_unless_the_request_turns_it_off(api, world):  # noqa: F811
    body = {k: v for k, v in service_body().items() if k != "approval_enabled"}
    created = api("b-admin", "POST", "vpc-endpoint-services", body)
    assert created.status_code == 200 and created.json()["approval_enabled"] is True
    off = api(
        "b-admin",
        "POST",
        "vpc-endpoint-services",
        {**body, "service_name": "open", "approval_enabled": False},
    )
    assert off.status_code == 200 and off.json()["approval_enabled"] is False
    assert EndpointService.objects.get(pk=created.json()["id"]).approval_enabled is True


@pytest.mark.parametrize("protocol", ["", "udp", "tcp"])
def test_a_port_protocol_is_tcp_or_udp_exactly(api, world, protocol):  # noqa: F811
    before = state(world)
    body = service_body()
    body["ports"] = [{"client_port": 8080, "server_port": 80, "protocol": protocol}]
    response = api("b-admin", "POST", "vpc-endpoint-services", body, language="en")
    assert response.status_code == 400
    assert error(response) == "ports[0].protocol: Choose TCP or UDP."
    assert state(world) == before
    del body["ports"][0]["protocol"]  # left out: TCP, the provider's default
    created = api("b-admin", "POST", "vpc-endpoint-services", body)
    assert created.status_code == 200 and created.json()["ports"][0]["protocol"] == "TCP"


def test_a_body_of_json_text_is_still_checked_as_before(api, world):  # noqa: F811
    """The surrogate check reads the raw body only for an escape: other bodies pass as before."""
    response = api(
        "a-admin",
        "PUT",
        f"vpc-endpoint-services/{world.web.pk}",
        {"description": "\\ud800 as text"},
    )
    assert response.status_code == 200, response.content
    world.web.refresh_from_db()
    assert world.web.description == "\\ud800 as text"
    assert json.dumps(world.web.description) == '"\\\\ud800 as text"'


def test_whitelist_removal_is_capped_and_refuses_a_principal_twice(api, world):  # noqa: F811
    suffix = f"vpc-endpoint-services/{world.web.pk}/permissions/action"
    listed = world.whitelisted.principal
    before = state(world)
    body = {"action": "remove", "permissions": [listed, listed]}
    response = api("a-admin", "POST", suffix, body, language="en")
    assert response.status_code == 400
    assert error(response) == f"permissions: {listed} is listed twice."
    in_chinese = api("a-admin", "POST", suffix, body)  # the default language
    assert error(in_chinese) == f"permissions：{listed} 列出了两次。"
    many = [f"iam:domain::{n:032x}" for n in range(51)]
    response = api(
        "a-admin", "POST", suffix, {"action": "remove", "permissions": many}, language="en"
    )
    assert response.status_code == 400
    assert error(response) == "permissions: at most 50 in one operation; 51 were sent."
    assert state(world) == before
    response = api("a-admin", "POST", suffix, {"action": "remove", "permissions": [listed]})
    assert response.status_code == 200 and not world.web.permissions.exists()


@pytest.mark.parametrize("body", [{"action": "create"}, {"action": "create", "tags": []}])
def test_a_tag_batch_without_tags_is_refused(api, world, body):  # noqa: F811
    before = list(world.web.tags.values_list("key", "value"))
    response = api(
        "a-admin", "POST", f"endpoint_service/{world.web.pk}/tags/action", body, language="en"
    )
    assert response.status_code == 400
    assert error(response) == "tags: give at least one {key, value}."
    assert list(world.web.tags.values_list("key", "value")) == before
    body = {"action": "create", "tags": [{"key": "team", "value": "web"}]}
    response = api("a-admin", "POST", f"endpoint_service/{world.web.pk}/tags/action", body)
    assert response.status_code == 204 and world.web.tags.filter(key="team").exists()
