"""Changing endpoints through the official SDK, unmodified, against the live server (issue 10):
update_endpoint_white, update_endpoint_routetable, update_endpoint_policy,
delete_endpoint_policy, upgrade_endpoint, and create_endpoint's description, access control and
policy. The same operations, roles, state rules and activity log as 修改 and 策略."""

import json

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpcep.v1 import (
    CreateEndpointRequest,
    CreateEndpointRequestBody,
    DeleteEndpointPolicyRequest,
    ListEndpointInfoDetailsRequest,
    PolicyStatement,
    UpdateEndpointPolicyRequest,
    UpdateEndpointPolicyRequestBody,
    UpdateEndpointRoutetableRequest,
    UpdateEndpointRoutetableRequestBody,
    UpdateEndpointWhiteRequest,
    UpdateEndpointWhiteRequestBody,
    UpgradeEndpointRequest,
    UpgradeEndpointRequestBody,
)

from console.audit.models import AuditRecord
from console.network.models import VPC, Route, RouteTable, Subnet
from endpoints.models import Endpoint, EndpointStatus
from services.models import EndpointService

pytestmark = pytest.mark.django_db(transaction=True)

ALLOW = PolicyStatement(
    effect="Allow", action=["obs:object:GetObject"], resource=["obs:*:*:object:shop/*"]
)


def refused(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as excinfo:
        call()
    return excinfo.value


def create(client, service: str, **fields):
    vpc = VPC.objects.get(name="vpc-638b")
    body = {"endpoint_service_id": str(EndpointService.objects.get(service_name=service).pk)}
    if service.endswith(".obs"):
        body["routetables"] = [str(RouteTable.objects.get(name="rtb-638b").pk)]
    else:
        body["subnet_id"] = str(Subnet.objects.get(name="subnet-71cf").pk)
    return client.create_endpoint(
        CreateEndpointRequest(body=CreateEndpointRequestBody(vpc_id=str(vpc.pk), **body, **fields))
    )


def test_create_with_description_access_control_and_policy(sdk):
    a = sdk("a-admin")
    dns = create(
        a,
        "cn.ctyun.cn-gzt.dns",
        description="resolver",
        whitelist=["10.0.0.0/8", "192.168.1.5"],
        enable_whitelist=True,
    )
    assert (dns.description, dns.whitelist, dns.enable_whitelist) == (
        "resolver",
        ["10.0.0.0/8", "192.168.1.5"],
        True,
    )
    obs = create(a, "cn.ctyun.cn-gzt.obs", policy_statement=[ALLOW])
    shown = a.list_endpoint_info_details(ListEndpointInfoDetailsRequest(vpc_endpoint_id=obs.id))
    assert [(p.effect, p.action, p.resource) for p in shown.policy_statement] == [
        ("Allow", ["obs:object:GetObject"], ["obs:*:*:object:shop/*"])
    ]
    # a policy on an interface endpoint, a bad source: 400 naming the field, nothing created
    before = Endpoint.objects.count()
    error = refused(lambda: create(a, "cn.ctyun.cn-gzt.dns", whitelist=["10.0.0.300"]))
    assert error.status_code == 400 and "whitelist: 第 1 行：10.0.0.300" in error.error_msg
    error = refused(lambda: create(a, "cn.ctyun.cn-gzt.dns", policy_statement=[ALLOW]))
    assert error.status_code == 400 and "policy_statement" in error.error_msg
    assert Endpoint.objects.count() == before


def test_update_endpoint_white(sdk):
    a = sdk("a-admin")
    endpoint = create(a, "cn.ctyun.cn-gzt.dns")
    answer = a.update_endpoint_white(
        UpdateEndpointWhiteRequest(
            vpc_endpoint_id=endpoint.id,
            body=UpdateEndpointWhiteRequestBody(whitelist=["172.16.0.0/12"], enable_whitelist=True),
        )
    )
    assert (answer.id, answer.whitelist, answer.enable_whitelist) == (
        endpoint.id,
        ["172.16.0.0/12"],
        True,
    )
    stored = Endpoint.objects.get(pk=endpoint.id)
    assert stored.whitelist == ["172.16.0.0/12"] and stored.enable_whitelist
    assert AuditRecord.objects.get(action="endpoint.edit").after == {
        "enable_whitelist": True,
        "whitelist": ["172.16.0.0/12"],
    }
    # every bad line is named; 21 sources are too many; a member is refused; nothing changes
    error = refused(
        lambda: a.update_endpoint_white(
            UpdateEndpointWhiteRequest(
                vpc_endpoint_id=endpoint.id,
                body=UpdateEndpointWhiteRequestBody(whitelist=["10.0.0.0/8", "fe80::1"]),
            )
        )
    )
    assert error.status_code == 400 and "第 2 行：fe80::1" in error.error_msg
    body = UpdateEndpointWhiteRequestBody(whitelist=[f"10.0.0.{i}" for i in range(21)])
    error = refused(
        lambda: a.update_endpoint_white(
            UpdateEndpointWhiteRequest(vpc_endpoint_id=endpoint.id, body=body)
        )
    )
    assert error.status_code == 400 and "whitelist" in error.error_msg
    error = refused(
        lambda: sdk("a-member").update_endpoint_white(
            UpdateEndpointWhiteRequest(
                vpc_endpoint_id=endpoint.id,
                body=UpdateEndpointWhiteRequestBody(enable_whitelist=False),
            )
        )
    )
    assert error.status_code == 403
    error = refused(
        lambda: sdk("b-admin").update_endpoint_white(
            UpdateEndpointWhiteRequest(
                vpc_endpoint_id=endpoint.id,
                body=UpdateEndpointWhiteRequestBody(enable_whitelist=False),
            )
        )
    )
    assert error.status_code == 404
    assert Endpoint.objects.get(pk=endpoint.id).whitelist == ["172.16.0.0/12"]
    # while it is being deleted: 409, said so
    Endpoint.objects.filter(pk=endpoint.id).update(status=EndpointStatus.DELETING)
    error = refused(
        lambda: a.update_endpoint_white(
            UpdateEndpointWhiteRequest(
                vpc_endpoint_id=endpoint.id,
                body=UpdateEndpointWhiteRequestBody(enable_whitelist=False),
            )
        )
    )
    assert error.status_code == 409 and error.error_code == "VPCEP.0009"


def test_update_endpoint_routetable(sdk):
    a = sdk("a-admin")
    endpoint = create(a, "cn.ctyun.cn-gzt.obs")
    first, second = (RouteTable.objects.get(name=n) for n in ("rtb-638b", "rtb-638b-2"))
    answer = a.update_endpoint_routetable(
        UpdateEndpointRoutetableRequest(
            vpc_endpoint_id=endpoint.id,
            body=UpdateEndpointRoutetableRequestBody(routetables=[str(second.pk)]),
        )
    )
    assert answer.routetables == [str(second.pk)] and answer.error == []
    assert set(
        Route.objects.filter(next_hop=endpoint.id).values_list("route_table", flat=True)
    ) == {second.pk}
    shown = a.list_endpoint_info_details(
        ListEndpointInfoDetailsRequest(vpc_endpoint_id=endpoint.id)
    )
    assert shown.routetables == [str(second.pk)]
    for tables, status in (
        ([str(RouteTable.objects.get(name="rtb-4e1c").pk)], 400),  # tenant-b's
        ([], 400),
    ):
        error = refused(
            lambda tables=tables: a.update_endpoint_routetable(
                UpdateEndpointRoutetableRequest(
                    vpc_endpoint_id=endpoint.id,
                    body=UpdateEndpointRoutetableRequestBody(routetables=tables),
                )
            )
        )
        assert error.status_code == status and "routetables" in error.error_msg
    error = refused(
        lambda: sdk("a-approver").update_endpoint_routetable(
            UpdateEndpointRoutetableRequest(
                vpc_endpoint_id=endpoint.id,
                body=UpdateEndpointRoutetableRequestBody(routetables=[str(first.pk)]),
            )
        )
    )
    assert error.status_code == 403
    assert [t.pk for t in Endpoint.objects.get(pk=endpoint.id).route_tables.all()] == [second.pk]


def test_update_and_delete_endpoint_policy(sdk):
    a = sdk("a-admin")
    endpoint = create(a, "cn.ctyun.cn-gzt.obs")
    deny = PolicyStatement(effect="Deny", action=["obs:*:*"], resource=["obs:*:*:bucket:logs"])
    answer = a.update_endpoint_policy(
        UpdateEndpointPolicyRequest(
            vpc_endpoint_id=endpoint.id,
            body=UpdateEndpointPolicyRequestBody(policy_statement=[ALLOW, deny]),
        )
    )
    assert [p.effect for p in answer.policy_statement] == ["Allow", "Deny"]
    assert Endpoint.objects.get(pk=endpoint.id).policy_statement[1] == {
        "Effect": "Deny",
        "Action": ["obs:*:*"],
        "Resource": ["obs:*:*:bucket:logs"],
    }
    bad = PolicyStatement(effect="Perhaps", action=["obs:*:*"], resource=["*"])
    error = refused(
        lambda: a.update_endpoint_policy(
            UpdateEndpointPolicyRequest(
                vpc_endpoint_id=endpoint.id,
                body=UpdateEndpointPolicyRequestBody(policy_statement=[ALLOW, bad]),
            )
        )
    )
    assert error.status_code == 400
    assert "policy_statement[1].Effect 应为 Allow 或 Deny" in error.error_msg
    error = refused(
        lambda: sdk("a-member").delete_endpoint_policy(
            DeleteEndpointPolicyRequest(vpc_endpoint_id=endpoint.id)
        )
    )
    assert error.status_code == 403
    deleted = a.delete_endpoint_policy(DeleteEndpointPolicyRequest(vpc_endpoint_id=endpoint.id))
    assert deleted.id == endpoint.id and deleted.policy_statement == []
    assert Endpoint.objects.get(pk=endpoint.id).policy_statement is None
    assert list(
        AuditRecord.objects.filter(action__startswith="endpoint.policy")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["endpoint.policy.update", "endpoint.policy.delete"]
    # an interface endpoint has no policy
    dns = create(a, "cn.ctyun.cn-gzt.dns")
    error = refused(
        lambda: a.update_endpoint_policy(
            UpdateEndpointPolicyRequest(
                vpc_endpoint_id=dns.id,
                body=UpdateEndpointPolicyRequestBody(policy_statement=[ALLOW]),
            )
        )
    )
    assert error.status_code == 400 and "网关类型" in error.error_msg


def test_upgrade_endpoint_says_it_is_current(sdk):
    a = sdk("a-admin")
    endpoint = create(a, "cn.ctyun.cn-gzt.dns")
    before = Endpoint.objects.get(pk=endpoint.id).updated_at
    answer = a.upgrade_endpoint(
        UpgradeEndpointRequest(
            vpc_endpoint_id=endpoint.id, body=UpgradeEndpointRequestBody(action="start")
        )
    )
    assert answer.status_code == 202
    body = json.loads(answer.raw_content)
    assert body["id"] == endpoint.id and body["upgraded"] is False
    assert body["message"] == f"终端节点 {endpoint.id} 已是最新，无需升级。"
    assert Endpoint.objects.get(pk=endpoint.id).updated_at == before
    error = refused(
        lambda: sdk("a-member").upgrade_endpoint(
            UpgradeEndpointRequest(
                vpc_endpoint_id=endpoint.id, body=UpgradeEndpointRequestBody(action="start")
            )
        )
    )
    assert error.status_code == 403
    error = refused(
        lambda: sdk("b-admin").upgrade_endpoint(
            UpgradeEndpointRequest(
                vpc_endpoint_id=endpoint.id, body=UpgradeEndpointRequestBody(action="start")
            )
        )
    )
    assert error.status_code == 404


def test_a_wrong_json_type_is_named(sdk):
    a = sdk("a-admin")
    endpoint = create(a, "cn.ctyun.cn-gzt.obs")
    bad = PolicyStatement(effect="Allow", action="obs:*:*", resource=["*"])
    error = refused(
        lambda: a.update_endpoint_policy(
            UpdateEndpointPolicyRequest(
                vpc_endpoint_id=endpoint.id,
                body=UpdateEndpointPolicyRequestBody(policy_statement=[bad]),
            )
        )
    )
    assert error.status_code == 400 and "policy_statement[0].Action " in error.error_msg
    error = refused(
        lambda: a.update_endpoint_white(
            UpdateEndpointWhiteRequest(
                vpc_endpoint_id=endpoint.id,
                body=UpdateEndpointWhiteRequestBody(enable_whitelist="yes"),
            )
        )
    )
    assert error.status_code == 400 and "enable_whitelist " in error.error_msg
    assert Endpoint.objects.get(pk=endpoint.id).policy_statement is None
