"""Changing endpoint services through the official SDK, unmodified, against the live server
(issue 10): update_endpoint_service, update_endpoint_service_name,
update_endpoint_connections_desc, update_endpoint_service_permission_desc, description on
create_endpoint_service and batch-create, reject on accepted connections (accept_or_reject),
add_endpoint_service_server_resource and upgrade_endpoint_service. The same operations, roles
and activity log as 修改, 连接管理 and 权限管理."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpcep.v1 import (
    AcceptOrRejectEndpointRequest,
    AcceptOrRejectEndpointRequestBody,
    AddEndpointServiceServerResourceRequest,
    AddEndpointServiceServerResourceRequestBody,
    BatchAddEndpointServicePermissionsRequest,
    BatchAddEndpointServicePermissionsRequestBody,
    ConnectionsDesc,
    CreateEndpointServiceRequest,
    CreateEndpointServiceRequestBody,
    EpsAddPermissionRequest,
    EpsUpdatePermissionDesc,
    ListServiceConnectionsRequest,
    ListServiceDescribeDetailsRequest,
    ListServiceDetailsRequest,
    ListServicePermissionsDetailsRequest,
    PortList,
    ServerResource,
    UpdateEndpointConnectionsDescRequest,
    UpdateEndpointConnectionsDescRequestBody,
    UpdateEndpointServiceNameRequest,
    UpdateEndpointServiceNameRequestBody,
    UpdateEndpointServicePermissionDescRequest,
    UpdateEndpointServicePermissionDescRequestBody,
    UpdateEndpointServiceRequest,
    UpdateEndpointServiceRequestBody,
    UpgradeEndpointServiceRequest,
)

from console.audit.models import AuditRecord
from console.network.models import VPC, LoadBalancer, Server
from endpoints.models import Endpoint, EndpointStatus
from services.models import EndpointService, Permission

pytestmark = pytest.mark.django_db(transaction=True)


def refused(call) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as excinfo:
        call()
    return excinfo.value


def web() -> EndpointService:
    return EndpointService.objects.get(name="web")


def update(client, service_id, **fields):
    return client.update_endpoint_service(
        UpdateEndpointServiceRequest(
            vpc_endpoint_service_id=str(service_id),
            body=UpdateEndpointServiceRequestBody(**fields),
        )
    )


def test_update_endpoint_service_changes_every_field(sdk):
    a = sdk("a-admin")
    service = web()
    ecs = Server.objects.get(name="ecs-66a6")
    updated = update(
        a,
        service.pk,
        description="shop front",
        approval_enabled=False,
        port_id=str(ecs.pk),
        ports=[PortList(client_port=8443, server_port=443, protocol="TCP")],
        tcp_proxy="toa_open",
        service_name="shop",
    )
    assert (updated.description, updated.approval_enabled, updated.tcp_proxy) == (
        "shop front",
        False,
        "toa_open",
    )
    assert (updated.port_id, updated.server_type) == (str(ecs.pk), "VM")
    assert [(p.client_port, p.server_port) for p in updated.ports] == [(8443, 443)]
    assert updated.service_name == f"cn-gzt.shop.{service.pk}"
    shown = a.list_service_details(ListServiceDetailsRequest(vpc_endpoint_service_id=updated.id))
    assert (shown.tcp_proxy, shown.description) == ("toa_open", "shop front")
    entry = AuditRecord.objects.filter(action="service.edit").latest("pk")
    assert entry.actor_name == "a-admin" and entry.after["tcp_proxy"] == "toa_open"
    # the pending connection is still pending after approval was turned off
    assert service.endpoints.filter(status=EndpointStatus.PENDING).count() == 1


def test_update_endpoint_service_refusals(sdk):
    service = web()
    admin = sdk("a-admin")
    other = LoadBalancer.objects.get(name="elb-2d6f")  # tenant-b's, another VPC
    error = refused(lambda: update(admin, service.pk, port_id=str(other.pk)))
    assert error.status_code == 400 and "port_id" in error.error_msg
    error = refused(lambda: update(admin, service.pk, tcp_proxy="sometimes"))
    assert error.status_code == 400 and "tcp_proxy" in error.error_msg
    error = refused(lambda: update(admin, service.pk, description="<script>"))
    assert error.status_code == 400 and "description" in error.error_msg
    error = refused(lambda: update(admin, service.pk, ip="10.0.0.1"))
    assert error.status_code == 400 and "ip" in error.error_msg
    assert (
        refused(lambda: update(sdk("a-approver"), service.pk, description="x")).status_code == 403
    )
    assert refused(lambda: update(sdk("b-admin"), service.pk, description="x")).status_code == 404
    service.refresh_from_db()
    assert (service.description, service.tcp_proxy, service.load_balancer.name) == (
        "",
        "close",
        "elb-97rn",
    )


def test_create_with_a_description(sdk):
    b = sdk("b-admin")
    created = b.create_endpoint_service(
        CreateEndpointServiceRequest(
            body=CreateEndpointServiceRequestBody(
                port_id=str(LoadBalancer.objects.get(name="elb-2d6f").pk),
                vpc_id=str(VPC.objects.get(name="vpc-4e1c").pk),
                server_type="LB",
                service_name="shop",
                description="B's shop",
                ports=[PortList(client_port=80, server_port=80, protocol="TCP")],
            )
        )
    )
    assert created.description == "B's shop"
    assert EndpointService.objects.get(pk=created.id).description == "B's shop"


def test_rename_and_verify_by_the_old_name_no_longer_finds_it(sdk):
    service = web()
    old = service.service_name
    b = sdk("b-admin")
    describe = ListServiceDescribeDetailsRequest
    assert b.list_service_describe_details(describe(endpoint_service_name=old)).id == str(
        service.pk
    )
    answer = sdk("a-admin").update_endpoint_service_name(
        UpdateEndpointServiceNameRequest(
            vpc_endpoint_service_id=str(service.pk),
            body=UpdateEndpointServiceNameRequestBody(endpoint_service_name="shop"),
        )
    )
    assert answer.endpoint_service_name == f"cn-gzt.shop.{service.pk}"
    error = refused(lambda: b.list_service_describe_details(describe(endpoint_service_name=old)))
    assert error.status_code == 404
    found = b.list_service_describe_details(
        describe(endpoint_service_name=answer.endpoint_service_name)
    )
    assert found.id == str(service.pk)
    # its endpoints keep working: still accepted, still this service
    assert Endpoint.objects.filter(service=service, status=EndpointStatus.ACCEPTED).count() == 1
    error = refused(
        lambda: sdk("a-admin").update_endpoint_service_name(
            UpdateEndpointServiceNameRequest(
                vpc_endpoint_service_id=str(service.pk),
                body=UpdateEndpointServiceNameRequestBody(endpoint_service_name="no.dots"),
            )
        )
    )
    assert error.status_code == 400 and error.error_msg.startswith("endpoint_service_name")
    error = refused(
        lambda: sdk("a-approver").update_endpoint_service_name(
            UpdateEndpointServiceNameRequest(
                vpc_endpoint_service_id=str(service.pk),
                body=UpdateEndpointServiceNameRequestBody(endpoint_service_name="x"),
            )
        )
    )
    assert error.status_code == 403


def test_reject_an_accepted_connection_with_approval_off_and_accept_it_again(sdk):
    service = web()
    EndpointService.objects.filter(pk=service.pk).update(approval_enabled=False)
    endpoint = service.endpoints.get(status=EndpointStatus.ACCEPTED)
    a = sdk("a-approver")

    def decide(action):
        return a.accept_or_reject_endpoint(
            AcceptOrRejectEndpointRequest(
                vpc_endpoint_service_id=str(service.pk),
                body=AcceptOrRejectEndpointRequestBody(action=action, endpoints=[str(endpoint.pk)]),
            )
        )

    assert [c.status for c in decide("reject").connections] == ["rejected"]
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.REJECTED
    assert [c.status for c in decide("receive").connections] == ["accepted"]


def test_connection_descriptions(sdk):
    service = web()
    endpoint = service.endpoints.get(status=EndpointStatus.ACCEPTED)

    def describe(client, text):
        return client.update_endpoint_connections_desc(
            UpdateEndpointConnectionsDescRequest(
                vpc_endpoint_service_id=str(service.pk),
                body=UpdateEndpointConnectionsDescRequestBody(
                    connections=[ConnectionsDesc(id=str(endpoint.pk), description=text)]
                ),
            )
        )

    answer = describe(sdk("a-approver"), "B's shop")
    assert [(c.id, c.description) for c in answer.connections] == [(str(endpoint.pk), "B's shop")]
    listed = sdk("a-admin").list_service_connections(
        ListServiceConnectionsRequest(vpc_endpoint_service_id=str(service.pk))
    )
    assert {c.id: c.description for c in listed.connections}[str(endpoint.pk)] == "B's shop"
    error = refused(lambda: describe(sdk("a-approver"), "x" * 513))
    assert error.status_code == 400 and "connections[0].description" in error.error_msg
    assert refused(lambda: describe(sdk("a-member"), "m")).status_code == 403
    assert refused(lambda: describe(sdk("b-admin"), "b")).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.connection_description == "B's shop"


def test_whitelist_descriptions_in_batch_create_and_per_record(sdk):
    service = web()
    a = sdk("a-approver")
    principal = f"iam:domain::{'c' * 32}"
    added = a.batch_add_endpoint_service_permissions(
        BatchAddEndpointServicePermissionsRequest(
            vpc_endpoint_service_id=str(service.pk),
            body=BatchAddEndpointServicePermissionsRequestBody(
                permissions=[EpsAddPermissionRequest(permission=principal, description="partner")]
            ),
        )
    )
    assert [(p.permission, p.description) for p in added.permissions] == [(principal, "partner")]

    def describe(client, permission_id, text):
        return client.update_endpoint_service_permission_desc(
            UpdateEndpointServicePermissionDescRequest(
                vpc_endpoint_service_id=str(service.pk),
                permission_id=str(permission_id),
                body=UpdateEndpointServicePermissionDescRequestBody(
                    permission=EpsUpdatePermissionDesc(description=text)
                ),
            )
        )

    record = added.permissions[0]
    answer = describe(a, record.id, "former partner")
    assert [(p.id, p.description) for p in answer.permissions] == [(record.id, "former partner")]
    listed = a.list_service_permissions_details(
        ListServicePermissionsDetailsRequest(vpc_endpoint_service_id=str(service.pk))
    )
    assert principal in {p.permission for p in listed.permissions}
    assert refused(lambda: describe(a, record.id, "<b>")).status_code == 400
    assert refused(lambda: describe(a, "999999", "x")).status_code == 404
    assert refused(lambda: describe(sdk("a-member"), record.id, "m")).status_code == 403
    assert refused(lambda: describe(sdk("b-admin"), record.id, "b")).status_code == 404
    assert Permission.objects.get(pk=record.id).description == "former partner"


def test_server_resources_add_known_availability_zones_only(sdk):
    service = web()
    elb = str(service.load_balancer_id)

    def add(client, *resources):
        return client.add_endpoint_service_server_resource(
            AddEndpointServiceServerResourceRequest(
                vpc_endpoint_service_id=str(service.pk),
                body=AddEndpointServiceServerResourceRequestBody(
                    server_resources=[
                        ServerResource(resource_id=r, availability_zone_id=z) for r, z in resources
                    ]
                ),
            )
        )

    admin = sdk("a-admin")
    add(admin, (elb, "cn-gzt-az1"))
    assert list(service.availability_zones.values_list("code", flat=True)) == ["cn-gzt-az1"]
    error = refused(lambda: add(admin, (elb, "cn-sh-az1")))
    assert error.status_code == 400
    assert "server_resources[0].availability_zone_id" in error.error_msg
    error = refused(lambda: add(admin, (str(Server.objects.first().pk), "cn-gzt-az2")))
    assert error.status_code == 400 and "server_resources[0].resource_id" in error.error_msg
    assert refused(lambda: add(sdk("a-approver"), (elb, "cn-gzt-az2"))).status_code == 403
    assert refused(lambda: add(sdk("b-admin"), (elb, "cn-gzt-az2"))).status_code == 404
    assert list(service.availability_zones.values_list("code", flat=True)) == ["cn-gzt-az1"]


def test_upgrade_endpoint_service_says_it_is_current(sdk):
    service = web()
    admin = sdk("a-admin")
    before = AuditRecord.objects.count()
    admin.upgrade_endpoint_service(
        UpgradeEndpointServiceRequest(vpc_endpoint_service_id=str(service.pk))
    )
    assert AuditRecord.objects.count() == before  # nothing changed
    error = refused(
        lambda: sdk("a-member").upgrade_endpoint_service(
            UpgradeEndpointServiceRequest(vpc_endpoint_service_id=str(service.pk))
        )
    )
    assert error.status_code == 403
    error = refused(
        lambda: sdk("b-admin").upgrade_endpoint_service(
            UpgradeEndpointServiceRequest(vpc_endpoint_service_id=str(service.pk))
        )
    )
    assert error.status_code == 404
