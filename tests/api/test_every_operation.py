"""Every operation of the official SDK, unmodified, against the live console (issue 10, "Done
when"): one provider (tenant-b) and one consumer (tenant-a) go through a service's and an
endpoint's whole life, and each call changes or returns what it documents. A recorder counts
the calls, and the test fails if any operation the SDK's VpcepClient has was not driven."""

import inspect
import json

import pytest
from huaweicloudsdkvpcep.v1 import (
    AcceptOrRejectEndpointRequest,
    AcceptOrRejectEndpointRequestBody,
    AddEndpointServiceServerResourceRequest,
    AddEndpointServiceServerResourceRequestBody,
    AddOrRemoveServicePermissionsRequest,
    AddOrRemoveServicePermissionsRequestBody,
    BatchAddEndpointServicePermissionsRequest,
    BatchAddEndpointServicePermissionsRequestBody,
    BatchAddOrRemoveResourceInstanceRequest,
    BatchAddOrRemoveResourceInstanceRequestBody,
    BatchRemoveEndpointServicePermissionsRequest,
    BatchRemoveEndpointServicePermissionsRequestBody,
    ConnectionsDesc,
    CreateEndpointRequest,
    CreateEndpointRequestBody,
    CreateEndpointServiceRequest,
    CreateEndpointServiceRequestBody,
    DeleteEndpointPolicyRequest,
    DeleteEndpointRequest,
    DeleteEndpointServiceRequest,
    EpsAddPermissionRequest,
    EpsRemovePermissionRequest,
    EpsUpdatePermissionDesc,
    ListEndpointInfoDetailsRequest,
    ListEndpointServiceRequest,
    ListEndpointsRequest,
    ListQueryProjectResourceTagsRequest,
    ListQuotaDetailsRequest,
    ListResourceInstancesRequest,
    ListServiceConnectionsRequest,
    ListServiceDescribeDetailsRequest,
    ListServiceDetailsRequest,
    ListServicePermissionsDetailsRequest,
    ListServicePublicDetailsRequest,
    ListSpecifiedVersionDetailsRequest,
    ListVersionDetailsRequest,
    PolicyStatement,
    PortList,
    QueryResourceInstanceTagsBody,
    ResourceTag,
    ServerResource,
    UpdateEndpointConnectionsDescRequest,
    UpdateEndpointConnectionsDescRequestBody,
    UpdateEndpointPolicyRequest,
    UpdateEndpointPolicyRequestBody,
    UpdateEndpointRoutetableRequest,
    UpdateEndpointRoutetableRequestBody,
    UpdateEndpointServiceNameRequest,
    UpdateEndpointServiceNameRequestBody,
    UpdateEndpointServicePermissionDescRequest,
    UpdateEndpointServicePermissionDescRequestBody,
    UpdateEndpointServiceRequest,
    UpdateEndpointServiceRequestBody,
    UpdateEndpointWhiteRequest,
    UpdateEndpointWhiteRequestBody,
    UpgradeEndpointRequest,
    UpgradeEndpointRequestBody,
    UpgradeEndpointServiceRequest,
    VpcepClient,
)

from console.network.models import VPC, LoadBalancer, Route, RouteTable, Subnet
from console.tenancy.models import Account
from endpoints.models import Endpoint
from services.models import EndpointService, Permission

pytestmark = pytest.mark.django_db(transaction=True)

OPERATIONS = {
    name
    for name, member in inspect.getmembers(VpcepClient, inspect.isfunction)
    if not name.startswith("_")
    and not name.endswith("_invoker")
    and "request" in inspect.signature(member).parameters
}


class Recorder:
    """The SDK client, counting which operations were called (and answered without error)."""

    def __init__(self, client, called: set[str]):
        self._client, self._called = client, called

    def __getattr__(self, name):
        method = getattr(self._client, name)
        if name not in OPERATIONS:
            return method

        def call(request):
            response = method(request)
            self._called.add(name)
            return response

        return call


def test_the_sdk_has_the_operations_this_test_drives():
    assert len(OPERATIONS) >= 33  # the SDK's 3.1.x generation; a newer one may add more


def test_every_sdk_operation_answers_for_real(sdk):
    called: set[str] = set()
    b, a = Recorder(sdk("b-admin"), called), Recorder(sdk("a-admin"), called)

    # Versions and quotas.
    assert [v.id for v in a.list_version_details(ListVersionDetailsRequest()).versions] == ["v1"]
    specified = a.list_specified_version_details(ListSpecifiedVersionDetailsRequest(version="v1"))
    assert specified.version.id == "v1" and specified.version.status == "CURRENT"
    before = b.list_quota_details(ListQuotaDetailsRequest(type="endpoint_service"))
    assert [r.used for r in before.quotas.resources] == [0]

    # B publishes a service with approval on, describes, renames and changes it.
    created = b.create_endpoint_service(
        CreateEndpointServiceRequest(
            body=CreateEndpointServiceRequestBody(
                port_id=str(LoadBalancer.objects.get(name="elb-2d6f").pk),
                vpc_id=str(VPC.objects.get(name="vpc-4e1c").pk),
                service_type="interface",
                server_type="LB",
                approval_enabled=True,
                service_name="shop",
                description="the shop",
                ports=[PortList(client_port=8080, server_port=80, protocol="TCP")],
            )
        )
    )
    sid = created.id
    assert created.description == "the shop"
    assert (
        b.list_endpoint_service(
            ListEndpointServiceRequest(endpoint_service_name="shop")
        ).total_count
        == 1
    )
    updated = b.update_endpoint_service(
        UpdateEndpointServiceRequest(
            vpc_endpoint_service_id=sid,
            body=UpdateEndpointServiceRequestBody(description="shop v2", tcp_proxy="proxy_open"),
        )
    )
    assert (updated.description, updated.tcp_proxy) == ("shop v2", "proxy_open")
    renamed = b.update_endpoint_service_name(
        UpdateEndpointServiceNameRequest(
            vpc_endpoint_service_id=sid,
            body=UpdateEndpointServiceNameRequestBody(endpoint_service_name="store"),
        )
    )
    assert renamed.endpoint_service_name == f"cn-gzt.store.{sid}"
    shown = b.list_service_details(ListServiceDetailsRequest(vpc_endpoint_service_id=sid))
    assert shown.service_name == f"cn-gzt.store.{sid}" and shown.description == "shop v2"
    b.add_endpoint_service_server_resource(
        AddEndpointServiceServerResourceRequest(
            vpc_endpoint_service_id=sid,
            body=AddEndpointServiceServerResourceRequestBody(
                server_resources=[
                    ServerResource(resource_id=shown.port_id, availability_zone_id="cn-gzt-az1")
                ]
            ),
        )
    )
    service = EndpointService.objects.get(pk=sid)
    assert list(service.availability_zones.values_list("code", flat=True)) == ["cn-gzt-az1"]
    upgraded = b.upgrade_endpoint_service(
        UpgradeEndpointServiceRequest(vpc_endpoint_service_id=sid)
    )
    assert upgraded.status_code == 202

    # The whitelist: one record added, two in a batch (described), one description changed,
    # the batch removed again.
    a_principal = Account.objects.get(name="tenant-a").principal
    b.add_or_remove_service_permissions(
        AddOrRemoveServicePermissionsRequest(
            vpc_endpoint_service_id=sid,
            body=AddOrRemoveServicePermissionsRequestBody(permissions=[a_principal], action="add"),
        )
    )
    others = ["iam:domain::" + "1" * 32, "iam:domain::" + "2" * 32]
    b.batch_add_endpoint_service_permissions(
        BatchAddEndpointServicePermissionsRequest(
            vpc_endpoint_service_id=sid,
            body=BatchAddEndpointServicePermissionsRequestBody(
                permissions=[
                    EpsAddPermissionRequest(permission=p, description="partner") for p in others
                ]
            ),
        )
    )
    listed = b.list_service_permissions_details(
        ListServicePermissionsDetailsRequest(vpc_endpoint_service_id=sid)
    )
    assert {p.permission for p in listed.permissions} == {a_principal, *others}
    mine = next(p for p in listed.permissions if p.permission == a_principal)
    b.update_endpoint_service_permission_desc(
        UpdateEndpointServicePermissionDescRequest(
            vpc_endpoint_service_id=sid,
            permission_id=mine.id,
            body=UpdateEndpointServicePermissionDescRequestBody(
                permission=EpsUpdatePermissionDesc(description="tenant-a, the shop's customer")
            ),
        )
    )
    assert Permission.objects.get(pk=mine.id).description == "tenant-a, the shop's customer"
    b.batch_remove_endpoint_service_permissions(
        BatchRemoveEndpointServicePermissionsRequest(
            vpc_endpoint_service_id=sid,
            body=BatchRemoveEndpointServicePermissionsRequestBody(
                permissions=[
                    EpsRemovePermissionRequest(id=p.id)
                    for p in listed.permissions
                    if p.permission in others
                ]
            ),
        )
    )
    assert list(Permission.objects.filter(service=service).values_list("principal", flat=True)) == [
        a_principal
    ]

    # A finds it, by the new name only, and connects; it waits for B.
    public = a.list_service_public_details(ListServicePublicDetailsRequest())
    assert {s.service_name for s in public.endpoint_services} >= {"cn.ctyun.cn-gzt.obs"}
    found = a.list_service_describe_details(
        ListServiceDescribeDetailsRequest(endpoint_service_name=f"cn-gzt.store.{sid}")
    )
    assert found.id == sid
    endpoint = a.create_endpoint(
        CreateEndpointRequest(
            body=CreateEndpointRequestBody(
                endpoint_service_id=sid,
                vpc_id=str(VPC.objects.get(name="vpc-638b").pk),
                subnet_id=str(Subnet.objects.get(name="subnet-71cf").pk),
                description="to the shop",
            )
        )
    )
    eid = endpoint.id
    assert [e.id for e in a.list_endpoints(ListEndpointsRequest()).endpoints] == [eid]
    shown = a.list_endpoint_info_details(ListEndpointInfoDetailsRequest(vpc_endpoint_id=eid))
    assert (shown.status, shown.description) == ("pendingAcceptance", "to the shop")

    # B accepts, notes, cuts it off, and takes it back.
    connections = b.list_service_connections(
        ListServiceConnectionsRequest(vpc_endpoint_service_id=sid)
    )
    assert [c.id for c in connections.connections] == [eid]

    def decide(action: str) -> str:
        answer = b.accept_or_reject_endpoint(
            AcceptOrRejectEndpointRequest(
                vpc_endpoint_service_id=sid,
                body=AcceptOrRejectEndpointRequestBody(action=action, endpoints=[eid]),
            )
        )
        return answer.connections[0].status

    assert decide("receive") == "accepted"
    b.update_endpoint_connections_desc(
        UpdateEndpointConnectionsDescRequest(
            vpc_endpoint_service_id=sid,
            body=UpdateEndpointConnectionsDescRequestBody(
                connections=[ConnectionsDesc(id=eid, description="tenant-a's shop front")]
            ),
        )
    )
    assert Endpoint.objects.get(pk=eid).connection_description == "tenant-a's shop front"
    assert decide("reject") == "rejected"  # cut off while accepted
    assert Endpoint.objects.get(pk=eid).status == "rejected"
    assert decide("receive") == "accepted"

    # A changes its endpoint's access control and asks for an upgrade (already current).
    white = a.update_endpoint_white(
        UpdateEndpointWhiteRequest(
            vpc_endpoint_id=eid,
            body=UpdateEndpointWhiteRequestBody(whitelist=["10.0.0.0/8"], enable_whitelist=True),
        )
    )
    assert white.whitelist == ["10.0.0.0/8"] and white.enable_whitelist is True
    answer = a.upgrade_endpoint(
        UpgradeEndpointRequest(vpc_endpoint_id=eid, body=UpgradeEndpointRequestBody(action="start"))
    )
    assert answer.status_code == 202 and json.loads(answer.raw_content)["upgraded"] is False

    # A gateway endpoint to OBS: route tables and a policy.
    first, second = (RouteTable.objects.get(name=n) for n in ("rtb-638b", "rtb-638b-2"))
    obs = a.create_endpoint(
        CreateEndpointRequest(
            body=CreateEndpointRequestBody(
                endpoint_service_id=str(
                    EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.obs").pk
                ),
                vpc_id=str(first.vpc_id),
                routetables=[str(first.pk)],
            )
        )
    )
    a.update_endpoint_routetable(
        UpdateEndpointRoutetableRequest(
            vpc_endpoint_id=obs.id,
            body=UpdateEndpointRoutetableRequestBody(routetables=[str(first.pk), str(second.pk)]),
        )
    )
    assert set(Route.objects.filter(next_hop=obs.id).values_list("route_table", flat=True)) == {
        first.pk,
        second.pk,
    }
    policy = a.update_endpoint_policy(
        UpdateEndpointPolicyRequest(
            vpc_endpoint_id=obs.id,
            body=UpdateEndpointPolicyRequestBody(
                policy_statement=[
                    PolicyStatement(effect="Allow", action=["obs:*:*"], resource=["*"])
                ]
            ),
        )
    )
    assert [p.effect for p in policy.policy_statement] == ["Allow"]
    a.delete_endpoint_policy(DeleteEndpointPolicyRequest(vpc_endpoint_id=obs.id))
    assert Endpoint.objects.get(pk=obs.id).policy_statement is None

    # Tags in batch, then the instances by tag and the project's tags.
    a.batch_add_or_remove_resource_instance(
        BatchAddOrRemoveResourceInstanceRequest(
            resource_type="endpoint",
            resource_id=eid,
            body=BatchAddOrRemoveResourceInstanceRequestBody(
                action="create", tags=[ResourceTag(key="env", value="prod")]
            ),
        )
    )
    tagged = a.list_resource_instances(
        ListResourceInstancesRequest(
            resource_type="endpoint",
            body=QueryResourceInstanceTagsBody(
                action="filter", tags=[{"key": "env", "values": ["prod"]}]
            ),
        )
    )
    assert [r.resource_id for r in tagged.resources] == [eid]
    tags = a.list_query_project_resource_tags(
        ListQueryProjectResourceTagsRequest(resource_type="endpoint")
    )
    assert [(t.key, t.values) for t in tags.tags] == [("env", ["prod"])]

    # The end: A deletes its endpoints, then B its service.
    a.delete_endpoint(DeleteEndpointRequest(vpc_endpoint_id=eid))
    a.delete_endpoint(DeleteEndpointRequest(vpc_endpoint_id=obs.id))
    b.delete_endpoint_service(DeleteEndpointServiceRequest(vpc_endpoint_service_id=sid))
    assert not EndpointService.objects.filter(pk=sid).exists()
    assert not Endpoint.objects.filter(pk__in=[eid, obs.id]).exists()

    assert called == OPERATIONS, f"not driven: {sorted(OPERATIONS - called)}"
