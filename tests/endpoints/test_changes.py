"""Day two for endpoints (issue 10): 修改 (description, route tables, 内网域名, access control)
and the gateway policy (策略), each accepted and refused, from the operations and the pages."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from console.audit.models import AuditRecord
from console.network.models import DNSRecord, Route, RouteTable
from console.states import TransitionError
from endpoints import operations as ops
from endpoints.models import Endpoint, EndpointStatus
from endpoints.policy import clean_policy, clean_whitelist

from .conftest import project, user
from .test_views import payload_of, wizard_data

pytestmark = pytest.mark.django_db

POLICY = [
    {
        "Effect": "Allow",
        "Action": ["obs:object:GetObject", "obs:bucket:ListBucket"],
        "Resource": ["obs:*:*:object:shop/*", "obs:*:*:bucket:shop"],
    }
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def interface(dns, a_request, django_capture_on_commit_callbacks) -> Endpoint:
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = ops.create_endpoint(
            user("a-admin"), project("tenant-a"), service_id=dns.pk, private_dns=True, **a_request
        )
    endpoint.refresh_from_db()
    return endpoint


@pytest.fixture
def gateway(obs, a_request, a_route_table, django_capture_on_commit_callbacks) -> Endpoint:
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = ops.create_endpoint(
            user("a-admin"),
            project("tenant-a"),
            service_id=obs.pk,
            vpc_id=a_request["vpc_id"],
            route_table_ids=[a_route_table.pk],
        )
    endpoint.refresh_from_db()
    return endpoint


def routes(endpoint) -> set[str]:
    return set(
        Route.objects.filter(next_hop=str(endpoint.pk)).values_list("route_table__name", flat=True)
    )


def messages(exc: ValidationError, field: str) -> list[str]:
    return exc.value.message_dict[field]


# --- operations -------------------------------------------------------------------------------


def test_the_description_is_changed_and_audited(interface):
    ops.update_endpoint(user("a-admin"), interface.pk, description="  to DNS  ")
    interface.refresh_from_db()
    assert interface.description == "to DNS"
    entry = AuditRecord.objects.get(action="endpoint.edit", resource_id=str(interface.pk))
    assert entry.before == {"description": ""} and entry.after == {"description": "to DNS"}


@pytest.mark.parametrize(
    ("text", "error"),
    [("x" * 513, "At most 512 characters; this has 513."), ("<b>", "cannot contain < or >")],
)
def test_a_bad_description_is_refused_at_its_field(interface, text, error):
    with pytest.raises(ValidationError) as exc:
        ops.update_endpoint(user("a-admin"), interface.pk, description=text)
    assert any(error in m for m in messages(exc, "description"))
    interface.refresh_from_db()
    assert interface.description == ""


def test_route_tables_are_added_and_removed_with_their_routes(gateway, a_route_table):
    second = RouteTable.objects.get(name="rtb-638b-2")
    ops.update_endpoint(user("a-admin"), gateway.pk, route_table_ids=[a_route_table.pk, second.pk])
    assert routes(gateway) == {"rtb-638b", "rtb-638b-2"}
    ops.update_endpoint(user("a-admin"), gateway.pk, route_table_ids=[second.pk])
    assert routes(gateway) == {"rtb-638b-2"}
    assert {t.name for t in gateway.route_tables.all()} == {"rtb-638b-2"}
    entry = AuditRecord.objects.filter(action="endpoint.edit").latest("pk")
    assert entry.before == {"route_tables": ["rtb-638b", "rtb-638b-2"]}
    assert entry.after == {"route_tables": ["rtb-638b-2"]}


def test_route_tables_of_another_vpc_or_none_are_refused(gateway, demo_data):
    other = RouteTable.objects.exclude(vpc=gateway.vpc).first()  # another VPC, or account
    for ids in ([], [other.pk], ["not-an-id"]):
        with pytest.raises(ValidationError) as exc:
            ops.update_endpoint(user("a-admin"), gateway.pk, route_table_ids=ids)
        assert "route tables of the endpoint's VPC" in messages(exc, "route_tables")[0]
    assert routes(gateway) == {"rtb-638b"}


def test_a_table_with_the_services_route_already_is_refused_and_nothing_changes(gateway):
    second = RouteTable.objects.get(name="rtb-638b-2")
    Route.objects.create(route_table=second, destination="100.125.0.0/16", next_hop="other")
    with pytest.raises(ValidationError) as exc:
        ops.update_endpoint(user("a-admin"), gateway.pk, route_table_ids=[second.pk])
    assert "already has a route for 100.125.0.0/16" in messages(exc, "route_tables")[0]
    assert routes(gateway) == {"rtb-638b"}


def test_private_dns_off_removes_the_record_and_on_adds_it(interface):
    record_id = interface.dns_record_id
    ops.update_endpoint(user("a-admin"), interface.pk, private_dns=False)
    interface.refresh_from_db()
    assert not interface.private_dns and interface.domain_name == ""
    assert not DNSRecord.objects.filter(pk=record_id).exists()
    ops.update_endpoint(user("a-admin"), interface.pk, private_dns=True)
    interface.refresh_from_db()
    record = DNSRecord.objects.get(pk=interface.dns_record_id)
    assert record.value == interface.node_ip and interface.domain_name == record.name


def test_type_specific_changes_are_refused_for_the_other_type(interface, gateway):
    with pytest.raises(ValidationError) as exc:
        ops.update_endpoint(user("a-admin"), interface.pk, route_table_ids=[])
    assert "route_tables" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        ops.update_endpoint(user("a-admin"), gateway.pk, whitelist=["10.0.0.0/8"])
    assert "whitelist" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        ops.set_endpoint_policy(user("a-admin"), interface.pk, POLICY)
    assert "gateway endpoints only" in messages(exc, "policy_statement")[0]


def test_access_control_is_set_and_bad_lines_are_named(interface):
    ops.update_endpoint(
        user("a-admin"),
        interface.pk,
        enable_whitelist=True,
        whitelist=["192.168.0.0/24", " 10.1.2.3 "],
    )
    interface.refresh_from_db()
    assert interface.enable_whitelist and interface.whitelist == ["192.168.0.0/24", "10.1.2.3"]
    with pytest.raises(ValidationError) as exc:
        ops.update_endpoint(
            user("a-admin"),
            interface.pk,
            whitelist=["10.0.0.0/8", "10.0.0.300", "10.0.0.1/24", "10.0.0.0/8"],
        )
    assert messages(exc, "whitelist") == [
        "Line 2: 10.0.0.300 is not an IPv4 address or CIDR block.",
        "Line 3: 10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?",
        "Line 4: 10.0.0.0/8 is entered twice.",
    ]
    interface.refresh_from_db()
    assert interface.whitelist == ["192.168.0.0/24", "10.1.2.3"]


def test_at_most_twenty_sources():
    assert len(clean_whitelist([f"10.0.0.{i}" for i in range(20)])) == 20
    with pytest.raises(ValidationError) as exc:
        clean_whitelist([f"10.0.0.{i}" for i in range(21)])
    assert "At most 20" in messages(exc, "whitelist")[0]


@pytest.mark.parametrize("username", ["a-member", "a-approver", "operator"])
def test_only_the_accounts_admins_change_it(interface, username):
    with pytest.raises(PermissionDenied):
        ops.update_endpoint(user(username), interface.pk, description="x")
    with pytest.raises(Http404):
        ops.update_endpoint(user("b-admin"), interface.pk, description="x")
    interface.refresh_from_db()
    assert interface.description == ""


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (EndpointStatus.CREATING, "being created"),
        (EndpointStatus.DELETING, "being deleted"),
        (EndpointStatus.FAILED, "failed"),
    ],
)
def test_no_change_while_creating_deleting_or_failed(interface, status, says):
    Endpoint.objects.filter(pk=interface.pk).update(status=status)
    with pytest.raises(TransitionError) as exc:
        ops.update_endpoint(user("a-admin"), interface.pk, description="x")
    assert says in exc.value.messages[0]


def test_a_pending_endpoint_can_be_changed(interface):
    Endpoint.objects.filter(pk=interface.pk).update(status=EndpointStatus.PENDING)
    ops.update_endpoint(user("a-admin"), interface.pk, description="waiting")
    interface.refresh_from_db()
    assert interface.description == "waiting"


def test_the_policy_is_set_and_deleted_with_audit(gateway):
    ops.set_endpoint_policy(user("a-admin"), gateway.pk, POLICY)
    gateway.refresh_from_db()
    assert gateway.policy_statement == POLICY
    ops.set_endpoint_policy(user("a-admin"), gateway.pk, None)
    gateway.refresh_from_db()
    assert gateway.policy_statement is None
    actions = list(
        AuditRecord.objects.filter(resource_id=str(gateway.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["endpoint.policy.update", "endpoint.policy.delete"]
    with pytest.raises(ValidationError) as exc:
        ops.set_endpoint_policy(user("a-admin"), gateway.pk, None)
    assert "no policy to delete" in messages(exc, "policy_statement")[0]
    with pytest.raises(PermissionDenied):
        ops.set_endpoint_policy(user("a-member"), gateway.pk, POLICY)


def test_policy_errors_name_the_statement_and_the_field():
    with pytest.raises(ValidationError) as exc:
        clean_policy(
            [
                POLICY[0],
                {"Effect": "allow", "Action": "obs:*:*", "Resource": [], "Colour": 1},
                {**POLICY[0], "Action": ["GetObject"], "Condition": [], "Sid": 5},
                "x",
            ]
        )
    assert messages(exc, "policy_statement") == [
        "policy_statement[1].Colour is not a field of a statement "
        "(Effect, Action, Resource, Condition, Sid).",
        "policy_statement[1].Effect must be Allow or Deny.",
        "policy_statement[1].Action must be a list of at least one string.",
        "policy_statement[1].Resource must be a list of at least one string.",
        "policy_statement[2].Action[0] is not an action: write service:resource:operation "
        "(obs:object:GetObject, obs:*:*) or *.",
        "policy_statement[2].Condition must be an object.",
        "policy_statement[2].Sid must be a text of at most 512 characters.",
        "policy_statement[3] must be an object.",
    ]
    for empty in ([], {}):
        with pytest.raises(ValidationError):
            clean_policy(empty)


def test_create_takes_description_access_control_and_policy(dns, obs, a_request, a_route_table):
    endpoint = ops.create_endpoint(
        user("a-admin"),
        project("tenant-a"),
        service_id=dns.pk,
        description="dns",
        whitelist=["10.0.0.0/8"],
        enable_whitelist=True,
        **a_request,
    )
    assert (endpoint.description, endpoint.whitelist, endpoint.enable_whitelist) == (
        "dns",
        ["10.0.0.0/8"],
        True,
    )
    gateway = ops.create_endpoint(
        user("a-admin"),
        project("tenant-a"),
        service_id=obs.pk,
        vpc_id=a_request["vpc_id"],
        route_table_ids=[a_route_table.pk],
        policy_statement=POLICY,
    )
    assert gateway.policy_statement == POLICY
    with pytest.raises(ValidationError) as exc:
        ops.create_endpoint(
            user("a-admin"),
            project("tenant-a"),
            service_id=dns.pk,
            policy_statement=POLICY,
            whitelist=["nope"],
            **a_request,
        )
    assert set(exc.value.message_dict) == {"policy_statement", "whitelist"}


# --- pages ------------------------------------------------------------------------------------


def html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("username", ["a-member", "a-approver"])
def test_only_admins_see_modify_and_reach_the_form(login, interface, username):
    detail = reverse("endpoints:detail", args=[interface.pk])
    edit = reverse("endpoints:edit", args=[interface.pk])
    assert edit in html(login("a-admin").get(detail))
    client = login(username)
    assert edit not in html(client.get(detail))
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"description": "x"}).status_code == 403
    assert login("b-admin").get(edit).status_code == 404


def test_modify_an_interface_endpoint_from_the_page(login, interface):
    client = login("a-admin")
    url = reverse("endpoints:edit", args=[interface.pk])
    page = html(client.get(url))
    assert 'name="private_dns"' in page and 'name="whitelist"' in page
    assert 'name="route_tables"' not in page
    response = client.post(
        url,
        {"description": "DNS for the shop", "enable_whitelist": "on", "whitelist": "10.0.0.0/8"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("endpoints:detail", args=[interface.pk])
    interface.refresh_from_db()
    assert interface.description == "DNS for the shop" and interface.whitelist == ["10.0.0.0/8"]
    assert not interface.private_dns  # unticked: the name is removed
    detail = html(client.get(response["Location"]))
    assert "DNS for the shop" in detail and "10.0.0.0/8" in detail


def test_bad_lines_come_back_at_the_field_with_what_was_typed(login, interface):
    client = login("a-admin")
    response = client.post(
        reverse("endpoints:edit", args=[interface.pk]),
        {"description": "kept", "private_dns": "on", "whitelist": "10.0.0.0/8\n10.0.0.999"},
    )
    assert response.status_code == 422
    page = html(response)
    assert "第 2 行：10.0.0.999 不是 IPv4 地址或 CIDR 网段。" in page
    assert 'id="id_whitelist_error"' in page and "10.0.0.999</textarea>" in page
    assert "kept</textarea>" in page
    interface.refresh_from_db()
    assert interface.description == "" and interface.whitelist == []


def test_modify_a_gateway_endpoints_route_tables_from_the_page(login, gateway, a_route_table):
    client = login("a-admin")
    url = reverse("endpoints:edit", args=[gateway.pk])
    page = html(client.get(url))
    assert 'name="private_dns"' not in page and "rtb-638b-2" in page
    second = RouteTable.objects.get(name="rtb-638b-2")
    response = client.post(url, {"route_tables": [str(a_route_table.pk), str(second.pk)]})
    assert response.status_code == 302
    assert routes(gateway) == {"rtb-638b", "rtb-638b-2"}
    response = client.post(url, {})
    assert response.status_code == 422 and "终端节点所在虚拟私有云的一个或多个路由表" in html(
        response
    )


def test_the_form_says_why_while_creating(login, interface):
    Endpoint.objects.filter(pk=interface.pk).update(status=EndpointStatus.CREATING)
    client = login("a-admin")
    assert reverse("endpoints:edit", args=[interface.pk]) not in html(
        client.get(reverse("endpoints:detail", args=[interface.pk]))
    )
    response = client.post(reverse("endpoints:edit", args=[interface.pk]), {"description": "x"})
    assert response.status_code == 422 and "正在创建中" in html(response)


def test_the_policy_tab_is_for_gateway_endpoints(login, interface, gateway):
    client = login("a-member")
    assert reverse("endpoints:policy", args=[gateway.pk]) in html(
        client.get(reverse("endpoints:detail", args=[gateway.pk]))
    )
    assert reverse("endpoints:policy", args=[interface.pk]) not in html(
        client.get(reverse("endpoints:detail", args=[interface.pk]))
    )
    assert client.get(reverse("endpoints:policy", args=[interface.pk])).status_code == 404
    page = html(client.get(reverse("endpoints:policy", args=[gateway.pk])))
    assert "完全访问" in page and 'data-testid="policy-form"' not in page
    assert client.post(reverse("endpoints:policy", args=[gateway.pk]), {}).status_code == 403
    assert login("b-admin").get(reverse("endpoints:policy", args=[gateway.pk])).status_code == 404


def test_edit_and_delete_the_policy_from_the_tab(login, gateway):
    client = login("a-admin")
    url = reverse("endpoints:policy", args=[gateway.pk])
    bad = json.dumps([{**POLICY[0], "Effect": "Maybe"}])
    response = client.post(url, {"policy_statement": bad})
    assert response.status_code == 422
    page = html(response)
    assert "policy_statement[0].Effect 应为 Allow 或 Deny。" in page
    assert 'id="id_policy_statement_error"' in page and "Maybe" in page
    response = client.post(url, {"policy_statement": "[{"})
    assert response.status_code == 422 and "这不是有效的 JSON" in html(response)
    response = client.post(url, {"policy_statement": json.dumps(POLICY)})
    assert response.status_code == 302
    gateway.refresh_from_db()
    assert gateway.policy_statement == POLICY
    assert "obs:object:GetObject" in html(client.get(url))
    modal = html(
        client.get(
            reverse("endpoints:policy_delete_confirm", args=[gateway.pk]),
            headers={"HX-Request": "true"},
        )
    )
    assert (
        'class="modal fade"' in modal
        and reverse("endpoints:policy_delete", args=[gateway.pk]) in modal
    )
    assert (
        login("a-member").post(reverse("endpoints:policy_delete", args=[gateway.pk])).status_code
        == 403
    )
    client = login("a-admin")
    client.post(reverse("endpoints:policy_delete", args=[gateway.pk]))
    gateway.refresh_from_db()
    assert gateway.policy_statement is None


def test_the_wizard_takes_a_description(login, dns):
    client = login("a-admin")
    data = {**wizard_data(dns), "description": "<b>"}
    response = client.post(reverse("endpoints:create"), {**data, "_action": "confirm"})
    assert response.status_code == 422 and "描述不能包含“&lt;”或“&gt;”" in html(response)
    data["description"] = "for the shop"
    page = html(client.post(reverse("endpoints:create"), {**data, "_action": "confirm"}))
    assert "for the shop" in page
    client.post(reverse("endpoints:create"), {"_action": "submit", "payload": payload_of(page)})
    assert Endpoint.objects.get(project__account__name="tenant-a").description == "for the shop"


@pytest.mark.parametrize("tab", ["detail", "policy"])
def test_gateway_tabs_run_a_fixed_number_of_queries(
    login, gateway, tab, django_assert_max_num_queries
):
    ops.set_endpoint_policy(user("a-admin"), gateway.pk, POLICY)
    client = login("a-admin")
    with django_assert_max_num_queries(9):
        assert client.get(reverse(f"endpoints:{tab}", args=[gateway.pk])).status_code == 200


def test_a_nul_character_or_deep_nesting_in_a_policy_is_refused_at_the_field(login, gateway):
    with pytest.raises(ValidationError) as exc:
        clean_policy([{**POLICY[0], "Condition": {"StringEquals": {"k": ["a\x00"]}}}])
    assert "NUL" in messages(exc, "policy_statement")[0]
    client = login("a-admin")
    for text in ('[{"Effect": "Allow\\u0000"}]', "[" * 100000):
        response = client.post(
            reverse("endpoints:policy", args=[gateway.pk]), {"policy_statement": text}
        )
        assert response.status_code == 422
    gateway.refresh_from_db()
    assert gateway.policy_statement is None


def test_a_policy_with_nan_is_refused_as_not_json():
    """NaN is not JSON, and PostgreSQL's jsonb would refuse it with a 500 (review of #9)."""
    from django.core.exceptions import ValidationError

    from endpoints.policy import load_json

    with pytest.raises(ValidationError, match="JSON"):
        load_json(
            '[{"Effect": "Allow", "Action": ["*"], "Resource": ["*"], "Condition": {"x": NaN}}]'
        )
    assert load_json('[{"Effect": "Allow"}]') == [{"Effect": "Allow"}]
