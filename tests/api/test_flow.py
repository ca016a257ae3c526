"""The manual's §2.3 walkthrough over the API, with the official SDK (issue 6, T5): the same
operations, rules and audit as the console, whichever way a request comes in."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpcep.v1 import (
    AcceptOrRejectEndpointRequest,
    AcceptOrRejectEndpointRequestBody,
    AddOrRemoveServicePermissionsRequest,
    AddOrRemoveServicePermissionsRequestBody,
    BatchAddEndpointServicePermissionsRequest,
    BatchAddEndpointServicePermissionsRequestBody,
    BatchRemoveEndpointServicePermissionsRequest,
    BatchRemoveEndpointServicePermissionsRequestBody,
    CreateEndpointRequest,
    CreateEndpointRequestBody,
    CreateEndpointServiceRequest,
    CreateEndpointServiceRequestBody,
    DeleteEndpointRequest,
    DeleteEndpointServiceRequest,
    EpsAddPermissionRequest,
    EpsRemovePermissionRequest,
    ListEndpointInfoDetailsRequest,
    ListEndpointsRequest,
    ListQuotaDetailsRequest,
    ListServiceConnectionsRequest,
    ListServiceDescribeDetailsRequest,
    ListServicePermissionsDetailsRequest,
    PortList,
    UpdateEndpointServiceRequest,
    UpdateEndpointServiceRequestBody,
)

from console.audit.models import AuditRecord
from console.network.models import VPC, LoadBalancer, Subnet
from console.tenancy.models import Account
from endpoints.models import Endpoint
from services.models import EndpointService

pytestmark = pytest.mark.django_db(transaction=True)


def refused(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as excinfo:
        call()
    return excinfo.value


def quota(client, kind: str) -> tuple[int, int]:
    [row] = client.list_quota_details(ListQuotaDetailsRequest(type=kind)).quotas.resources
    return row.used, row.quota


def b_service_body(**overrides) -> CreateEndpointServiceRequestBody:
    fields = {
        "port_id": str(LoadBalancer.objects.get(name="elb-2d6f").pk),
        "vpc_id": str(VPC.objects.get(name="vpc-4e1c").pk),
        "service_type": "interface",
        "server_type": "LB",
        "approval_enabled": True,
        "service_name": "shop",
        "ports": [PortList(client_port=8080, server_port=80, protocol="TCP")],
        **overrides,
    }
    return CreateEndpointServiceRequestBody(**fields)


def test_cross_account_walkthrough(sdk):
    b, a = sdk("b-admin"), sdk("a-admin")
    assert quota(b, "endpoint_service") == (0, 20)

    # B publishes a service with approval on...
    created = b.create_endpoint_service(CreateEndpointServiceRequest(body=b_service_body()))
    assert created.service_name.startswith("cn-gzt.shop.") and created.approval_enabled
    service_id = created.id
    assert (
        EndpointService.objects.get(pk=service_id).status == "available"
    )  # the console sees it at once
    assert quota(b, "endpoint_service") == (1, 20)

    # ...and whitelists A.
    a_principal = Account.objects.get(name="tenant-a").principal
    b.add_or_remove_service_permissions(
        AddOrRemoveServicePermissionsRequest(
            vpc_endpoint_service_id=service_id,
            body=AddOrRemoveServicePermissionsRequestBody(permissions=[a_principal], action="add"),
        )
    )
    listed = b.list_service_permissions_details(
        ListServicePermissionsDetailsRequest(vpc_endpoint_service_id=service_id)
    )
    assert [p.permission for p in listed.permissions] == [a_principal]

    # A verifies the name (验证) and creates an endpoint: it waits for acceptance.
    found = a.list_service_describe_details(
        ListServiceDescribeDetailsRequest(endpoint_service_name=created.service_name)
    )
    assert found.id == service_id
    endpoint = a.create_endpoint(
        CreateEndpointRequest(
            body=CreateEndpointRequestBody(
                endpoint_service_id=service_id,
                vpc_id=str(VPC.objects.get(name="vpc-638b").pk),
                subnet_id=str(Subnet.objects.get(name="subnet-71cf").pk),
                enable_dns=True,
            )
        )
    )
    shown = a.list_endpoint_info_details(
        ListEndpointInfoDetailsRequest(vpc_endpoint_id=endpoint.id)
    )
    assert shown.status == "pendingAcceptance" and shown.ip and shown.dns_names
    assert quota(a, "endpoint") == (1, 50)

    # B lists its connections and receives A's.
    connections = b.list_service_connections(
        ListServiceConnectionsRequest(vpc_endpoint_service_id=service_id)
    )
    assert [(c.id, c.status) for c in connections.connections] == [
        (endpoint.id, "pendingAcceptance")
    ]
    assert connections.connections[0].domain_id == Account.objects.get(name="tenant-a").domain_id
    decided = b.accept_or_reject_endpoint(
        AcceptOrRejectEndpointRequest(
            vpc_endpoint_service_id=service_id,
            body=AcceptOrRejectEndpointRequestBody(action="receive", endpoints=[endpoint.id]),
        )
    )
    assert [c.status for c in decided.connections] == ["accepted"]
    assert a.list_endpoints(ListEndpointsRequest()).endpoints[0].status == "accepted"
    assert AuditRecord.objects.filter(
        action="connection.accept", actor_name="b-admin", resource_id=endpoint.id
    ).exists()

    # While A's endpoint is accepted, B cannot delete the service; after A deletes it, B can.
    error = refused(
        lambda: b.delete_endpoint_service(
            DeleteEndpointServiceRequest(vpc_endpoint_service_id=service_id)
        )
    )
    assert error.status_code == 400 and "已接受" in error.error_msg  # zh-hans, like the console
    a.delete_endpoint(DeleteEndpointRequest(vpc_endpoint_id=endpoint.id))
    assert not Endpoint.objects.filter(pk=endpoint.id).exists() and quota(a, "endpoint") == (0, 50)
    b.delete_endpoint_service(DeleteEndpointServiceRequest(vpc_endpoint_service_id=service_id))
    assert not EndpointService.objects.filter(pk=service_id).exists() and quota(
        b, "endpoint_service"
    ) == (0, 20)


def test_not_whitelisted_is_not_found_and_cannot_connect(sdk):
    b, a = sdk("b-admin"), sdk("a-admin")
    created = b.create_endpoint_service(CreateEndpointServiceRequest(body=b_service_body()))
    error = refused(
        lambda: a.list_service_describe_details(
            ListServiceDescribeDetailsRequest(endpoint_service_name=created.service_name)
        )
    )
    assert error.status_code == 404
    error = refused(
        lambda: a.create_endpoint(
            CreateEndpointRequest(
                body=CreateEndpointRequestBody(
                    endpoint_service_id=created.id,
                    vpc_id=str(VPC.objects.get(name="vpc-638b").pk),
                    subnet_id=str(Subnet.objects.get(name="subnet-71cf").pk),
                )
            )
        )
    )
    assert error.status_code == 400 and error.error_msg.startswith("endpoint_service_id:")


def test_the_consoles_rules_hold_over_the_api(sdk):
    b = sdk("b-admin")
    # a repeated terminal port names the row, as in the form
    body = b_service_body(
        ports=[
            PortList(client_port=80, server_port=80, protocol="TCP"),
            PortList(client_port=80, server_port=81, protocol="TCP"),
        ]
    )
    error = refused(lambda: b.create_endpoint_service(CreateEndpointServiceRequest(body=body)))
    assert error.status_code == 400 and "ports[1].client_port" in error.error_msg
    # another account's backend is refused at its field
    body = b_service_body(port_id=str(LoadBalancer.objects.get(name="elb-97rn").pk))
    assert (
        "port_id"
        in refused(
            lambda: b.create_endpoint_service(CreateEndpointServiceRequest(body=body))
        ).error_msg
    )
    # gateway services are the platform's; unsupported fields that change meaning are refused
    for body in (
        b_service_body(service_type="gateway"),
        b_service_body(ip="10.0.0.1"),
        b_service_body(tcp_proxy="always"),
    ):
        assert (
            refused(
                lambda body=body: b.create_endpoint_service(CreateEndpointServiceRequest(body=body))
            ).status_code
            == 400
        )
    # a member may not create: 403, and nothing is saved
    error = refused(
        lambda: sdk("b-member").create_endpoint_service(
            CreateEndpointServiceRequest(body=b_service_body())
        )
    )
    assert error.status_code == 403
    assert not EndpointService.objects.filter(project__account__name="tenant-b").exists()


def test_client_ip_pass_through_can_be_chosen_on_create(sdk, settings):
    """客户端IP透传 (tcp_proxy) on create_endpoint_service, as update_endpoint_service takes it:
    no second call needed. TOA is refused on the Linux data plane at its field, nothing saved."""
    b = sdk("b-admin")
    created = b.create_endpoint_service(
        CreateEndpointServiceRequest(body=b_service_body(tcp_proxy="proxy_open"))
    )
    assert created.tcp_proxy == "proxy_open"
    service = EndpointService.objects.get(pk=created.id)
    assert service.tcp_proxy == "proxy_open"
    entry = AuditRecord.objects.get(action="service.create", resource_id=str(service.pk))
    assert entry.after["tcp_proxy"] == "proxy_open"
    # Left out, it is off, as the provider's default.
    plain = b.create_endpoint_service(
        CreateEndpointServiceRequest(body=b_service_body(service_name="plain"))
    )
    assert plain.tcp_proxy == "close"

    settings.DATAPLANE = "linux"
    error = refused(
        lambda: b.create_endpoint_service(
            CreateEndpointServiceRequest(
                body=b_service_body(service_name="toa", tcp_proxy="toa_open")
            )
        )
    )
    assert error.status_code == 400
    assert error.error_msg.startswith("tcp_proxy: ") and "proxy_open" in error.error_msg
    assert not EndpointService.objects.filter(name="toa").exists()


def test_approval_can_be_turned_off_and_ports_changed(sdk):
    b = sdk("b-admin")
    created = b.create_endpoint_service(CreateEndpointServiceRequest(body=b_service_body()))
    updated = b.update_endpoint_service(
        UpdateEndpointServiceRequest(
            vpc_endpoint_service_id=created.id,
            body=UpdateEndpointServiceRequestBody(approval_enabled=False),
        )
    )
    assert updated.approval_enabled is False
    body = UpdateEndpointServiceRequestBody(
        ports=[PortList(client_port=1, server_port=1, protocol="TCP")]
    )
    updated = b.update_endpoint_service(
        UpdateEndpointServiceRequest(vpc_endpoint_service_id=created.id, body=body)
    )
    assert [(p.client_port, p.server_port) for p in updated.ports] == [(1, 1)]
    body = UpdateEndpointServiceRequestBody(
        ports=[PortList(client_port=0, server_port=1, protocol="TCP")]
    )
    error = refused(
        lambda: b.update_endpoint_service(
            UpdateEndpointServiceRequest(vpc_endpoint_service_id=created.id, body=body)
        )
    )
    assert error.status_code == 400 and "ports[0].client_port" in error.error_msg


def test_batch_whitelist_and_bad_lines(sdk):
    b = sdk("b-admin")
    created = b.create_endpoint_service(CreateEndpointServiceRequest(body=b_service_body()))
    added = b.batch_add_endpoint_service_permissions(
        BatchAddEndpointServicePermissionsRequest(
            vpc_endpoint_service_id=created.id,
            body=BatchAddEndpointServicePermissionsRequestBody(
                permissions=[
                    EpsAddPermissionRequest(permission="*"),
                    EpsAddPermissionRequest(permission="iam:domain::" + "c" * 32),
                ],
                permission_type="domainId",
            ),
        )
    )
    assert {p.permission for p in added.permissions} == {"*", "iam:domain::" + "c" * 32}
    body = BatchAddEndpointServicePermissionsRequestBody(
        permissions=[EpsAddPermissionRequest(permission="nope")], permission_type="domainId"
    )
    error = refused(
        lambda: b.batch_add_endpoint_service_permissions(
            BatchAddEndpointServicePermissionsRequest(vpc_endpoint_service_id=created.id, body=body)
        )
    )
    assert error.status_code == 400 and error.error_msg.startswith("permissions: 第 1 行")
    b.batch_remove_endpoint_service_permissions(
        BatchRemoveEndpointServicePermissionsRequest(
            vpc_endpoint_service_id=created.id,
            body=BatchRemoveEndpointServicePermissionsRequestBody(
                permissions=[EpsRemovePermissionRequest(id=p.id) for p in added.permissions]
            ),
        )
    )
    assert (
        b.list_service_permissions_details(
            ListServicePermissionsDetailsRequest(vpc_endpoint_service_id=created.id)
        ).total_count
        == 0
    )


def test_a_member_cannot_decide_or_see_connections(sdk):
    web = EndpointService.objects.get(name="web")
    error = refused(
        lambda: sdk("a-member").list_service_connections(
            ListServiceConnectionsRequest(vpc_endpoint_service_id=str(web.pk))
        )
    )
    assert error.status_code == 403
    pending = web.endpoints.get(status="pendingAcceptance")
    body = AcceptOrRejectEndpointRequestBody(action="receive", endpoints=[str(pending.pk)])
    error = refused(
        lambda: sdk("a-member").accept_or_reject_endpoint(
            AcceptOrRejectEndpointRequest(vpc_endpoint_service_id=str(web.pk), body=body)
        )
    )
    assert error.status_code == 403
    error = refused(
        lambda: sdk("b-admin").accept_or_reject_endpoint(
            AcceptOrRejectEndpointRequest(vpc_endpoint_service_id=str(web.pk), body=body)
        )
    )
    assert error.status_code == 404  # the consumer does not decide on someone else's service
    pending.refresh_from_db()
    assert pending.status == "pendingAcceptance"
