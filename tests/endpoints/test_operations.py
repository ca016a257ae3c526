"""Endpoint operations and provisioning: every rule accepted and refused (E1-E8)."""

import ipaddress
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from console.audit.models import AuditRecord
from console.network.models import DNSRecord, Route, Server, Subnet
from console.quotas.models import Quota
from endpoints import operations as ops
from endpoints.models import Endpoint, EndpointStatus
from endpoints.provisioning import free_addresses
from endpoints.tasks import provision_endpoint
from services.models import Permission

from .conftest import project, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def create(username="a-admin", account="tenant-a", **kwargs):
    return ops.create_endpoint(user(username), project(account), **kwargs)


def test_an_interface_endpoint_gets_an_address_and_a_domain_name(dns, a_request, run_tasks):
    with run_tasks():
        endpoint = create(service_id=dns.pk, private_dns=True, tags=[("env", "prod")], **a_request)
        assert endpoint.status == EndpointStatus.CREATING
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.ACCEPTED  # the DNS service needs no approval
    subnet = Subnet.objects.get(pk=a_request["subnet_id"])
    assert ipaddress.ip_address(endpoint.node_ip) in ipaddress.ip_network(subnet.cidr)
    assert endpoint.node_ip not in {"192.168.0.0", "192.168.0.1", "192.168.0.255"}
    assert endpoint.node_ip not in set(Server.objects.values_list("ip_address", flat=True))
    record = DNSRecord.objects.get(pk=endpoint.dns_record_id)
    assert record.name == endpoint.domain_name == f"vpcep-{endpoint.pk}.cn-gzt.vpcep.internal"
    assert (record.type, record.value, record.status) == ("A", endpoint.node_ip, "normal")
    assert endpoint.packet_id > 0 and endpoint.tags.get().key == "env"
    actions = set(
        AuditRecord.objects.filter(resource_id=str(endpoint.pk)).values_list("action", flat=True)
    )
    assert actions == {"endpoint.create", "endpoint.provision"}


def test_two_endpoints_never_share_an_address(dns, a_request, run_tasks):
    with run_tasks():
        first = create(service_id=dns.pk, **a_request)
    with run_tasks():
        second = create(service_id=dns.pk, **a_request)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.node_ip != second.node_ip and first.packet_id != second.packet_id


def test_a_gateway_endpoint_adds_the_service_route(obs, a_request, a_route_table, run_tasks):
    with run_tasks():
        endpoint = create(
            service_id=obs.pk,
            vpc_id=a_request["vpc_id"],
            route_table_ids=[a_route_table.pk],
            private_dns=True,
        )
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.ACCEPTED and endpoint.node_ip is None
    assert not endpoint.private_dns  # no domain name for gateway services
    route = a_route_table.routes.get(destination="100.125.0.0/16")
    assert (route.next_hop_type, route.next_hop) == ("vpcep", str(endpoint.pk))


def test_a_service_with_approval_leaves_the_endpoint_pending(web, a_request, run_tasks):
    with run_tasks():
        endpoint = create(service_id=web.pk, **a_request)
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.PENDING and endpoint.node_ip


def test_a_failing_step_fails_the_endpoint_and_leaves_nothing_behind(
    obs, a_request, a_route_table, run_tasks
):
    with run_tasks():
        create(service_id=obs.pk, vpc_id=a_request["vpc_id"], route_table_ids=[a_route_table.pk])
    other = a_route_table.vpc.route_tables.exclude(pk=a_route_table.pk).get()
    second = create(service_id=obs.pk, vpc_id=a_request["vpc_id"], route_table_ids=[other.pk])
    # Meanwhile someone routes the prefix in `other` by hand: provisioning's step fails.
    Route.objects.create(route_table=other, destination=obs.route_prefix, next_hop_type="peering")
    provision_endpoint.call(str(second.pk))
    second.refresh_from_db()
    assert second.status == EndpointStatus.FAILED
    assert "already has a route for 100.125.0.0/16" in second.error
    assert not Route.objects.filter(next_hop=str(second.pk)).exists()  # nothing left behind


def test_a_route_table_already_routing_the_service_is_refused_at_once(
    obs, a_request, a_route_table, run_tasks
):
    with run_tasks():
        first = create(
            service_id=obs.pk, vpc_id=a_request["vpc_id"], route_table_ids=[a_route_table.pk]
        )
    other = a_route_table.vpc.route_tables.exclude(pk=a_route_table.pk).get()
    before = Endpoint.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        create(
            service_id=obs.pk,
            vpc_id=a_request["vpc_id"],
            route_table_ids=[other.pk, a_route_table.pk],
        )
    assert excinfo.value.message_dict["route_tables"] == [
        f"Route table {a_route_table.name} already has a route for 100.125.0.0/16."
    ]
    assert Endpoint.objects.count() == before  # nothing saved, nothing to fail later
    # Only the free table: accepted. Once the first endpoint failed, its table is free too.
    assert create(service_id=obs.pk, vpc_id=a_request["vpc_id"], route_table_ids=[other.pk])
    Endpoint.objects.filter(pk=first.pk).update(status=EndpointStatus.FAILED)
    Route.objects.filter(next_hop=str(first.pk)).delete()
    third = create(
        service_id=obs.pk, vpc_id=a_request["vpc_id"], route_table_ids=[a_route_table.pk]
    )
    assert third.status == EndpointStatus.CREATING


def test_a_full_subnet_is_refused_up_front_and_fails_cleanly_in_a_race(dns, run_tasks):
    b = project("tenant-b")
    subnet = Subnet.objects.get(name="subnet-50b7")  # a /28: 13 free addresses
    request = {
        "service_id": dns.pk,
        "vpc_id": subnet.vpc_id,
        "subnet_id": subnet.pk,
        "private_dns": True,
    }
    for _ in range(13):
        with run_tasks():
            ops.create_endpoint(user("b-admin"), b, **request)
    assert next(free_addresses(subnet), None) is None
    with pytest.raises(ValidationError) as excinfo:
        ops.create_endpoint(user("b-admin"), b, **request)
    assert "no free IP address" in excinfo.value.message_dict["subnet"][0]
    # A freed address is the next creation's at once, under the account lock (issue 13)...
    endpoint = Endpoint.objects.filter(subnet=subnet).first()
    address = endpoint.node_ip
    Endpoint.objects.filter(pk=endpoint.pk).update(node_ip=None)
    late = ops.create_endpoint(user("b-admin"), b, **request)
    assert late.status == EndpointStatus.CREATING and late.node_ip == address
    # ...and one provisioned without an address (made before that) that finds the subnet full
    # fails, holding nothing.
    Endpoint.objects.filter(pk=late.pk).update(node_ip=None)
    Endpoint.objects.filter(pk=endpoint.pk).update(node_ip=address)
    provision_endpoint.call(str(late.pk))
    late.refresh_from_db()
    assert late.status == EndpointStatus.FAILED and "no free IP address" in late.error
    assert late.node_ip is None and late.dns_record_id is None


def test_submitting_the_same_request_twice_creates_one_endpoint(dns, a_request):
    request_id = uuid.uuid4()
    first = create(service_id=dns.pk, request_id=request_id, **a_request)
    again = create(service_id=dns.pk, request_id=request_id, **a_request)
    assert first.pk == again.pk and Endpoint.objects.filter(request_id=request_id).count() == 1


# --- refusals --------------------------------------------------------------------------------


def test_the_quota_of_fifty_holds_and_can_be_raised(dns, a_request):
    p = project("tenant-a")
    Quota.objects.create(project=p, resource="endpoint", limit=1)
    create(service_id=dns.pk, **a_request)
    with pytest.raises(ValidationError) as excinfo:
        create(service_id=dns.pk, **a_request)
    assert "quota of 1 endpoints" in excinfo.value.message_dict["__all__"][0]
    Quota.objects.filter(project=p).update(limit=50)
    create(service_id=dns.pk, **a_request)
    assert Endpoint.objects.filter(project=p).count() == 2


def test_a_service_of_another_region_is_refused(a_request, demo_data):
    from services.models import EndpointService

    sh_dns = EndpointService.objects.get(service_name="cn.ctyun.cn-sh.dns")
    with pytest.raises(ValidationError) as excinfo:
        create(service_id=sh_dns.pk, **a_request)
    assert "another region" in excinfo.value.message_dict["service"][0]


def test_a_service_that_is_not_available_is_refused(web, a_request):
    web.status = "creating"
    web.save()
    with pytest.raises(ValidationError) as excinfo:
        create(service_id=web.pk, **a_request)
    assert "only when it is available" in excinfo.value.message_dict["service"][0]


def test_the_whitelist_decides_who_may_connect(web, demo_data):
    b = project("tenant-b")
    subnet = Subnet.objects.get(name="subnet-c8a1")
    request = {"service_id": web.pk, "vpc_id": subnet.vpc_id, "subnet_id": subnet.pk}
    assert ops.create_endpoint(user("b-admin"), b, **request)  # tenant-b is on the whitelist
    Permission.objects.filter(service=web).delete()  # removed before the next creation
    with pytest.raises(ValidationError) as excinfo:
        ops.create_endpoint(user("b-admin"), b, **request)
    assert "Service not found" in excinfo.value.message_dict["service"][0]
    Permission.objects.create(service=web, principal="*")  # * admits every account
    assert ops.create_endpoint(user("b-admin"), b, **request)


def test_verify_answers_alike_for_missing_and_not_whitelisted_names(web, demo_data):
    b = project("tenant-b")
    assert ops.find_service(user("b-admin"), b, web.service_name) == web
    assert (
        ops.find_service(user("a-admin"), project("tenant-a"), web.service_name) == web
    )  # own account
    Permission.objects.filter(service=web).delete()
    hidden = ops.find_service(user("b-admin"), b, web.service_name)
    missing = ops.find_service(
        user("b-admin"), b, "cn-gzt.nothing.00000000-0000-0000-0000-000000000000"
    )
    assert hidden is None and missing is None
    assert ops.find_service(user("b-admin"), project("tenant-b", "cn-sh"), web.service_name) is None


def test_the_subnet_must_belong_to_the_vpc_and_be_the_accounts(dns, a_request):
    for subnet in (Subnet.objects.get(name="subnet-c8a1"), Subnet.objects.get(name="subnet-6c3d")):
        with pytest.raises(ValidationError) as excinfo:
            create(service_id=dns.pk, **{**a_request, "subnet_id": subnet.pk})
        assert "subnet" in excinfo.value.message_dict


def test_another_accounts_vpc_is_refused(dns, a_request):
    from console.network.models import VPC

    with pytest.raises(ValidationError) as excinfo:
        create(service_id=dns.pk, **{**a_request, "vpc_id": VPC.objects.get(name="vpc-4e1c").pk})
    assert "vpc" in excinfo.value.message_dict


def test_a_gateway_endpoint_needs_route_tables_of_its_vpc(obs, a_request, demo_data):
    from console.network.models import RouteTable

    for ids in ([], [RouteTable.objects.get(name="rtb-4e1c").pk]):
        with pytest.raises(ValidationError) as excinfo:
            create(service_id=obs.pk, vpc_id=a_request["vpc_id"], route_table_ids=ids)
        assert "route_tables" in excinfo.value.message_dict


@pytest.mark.parametrize("username", ["a-member", "a-approver"])
def test_only_admins_create(dns, a_request, username):
    with pytest.raises(PermissionDenied):
        create(username=username, service_id=dns.pk, **a_request)


# --- delete (E8) -----------------------------------------------------------------------------


def test_delete_releases_the_address_the_record_and_the_routes(
    dns, obs, a_request, a_route_table, run_tasks
):
    with run_tasks():
        interface = create(service_id=dns.pk, private_dns=True, **a_request)
        gateway = create(
            service_id=obs.pk, vpc_id=a_request["vpc_id"], route_table_ids=[a_route_table.pk]
        )
    interface.refresh_from_db()
    record_id, address = interface.dns_record_id, interface.node_ip
    with run_tasks():
        assert ops.delete_endpoint(user("a-admin"), interface.pk).status == EndpointStatus.DELETING
        ops.delete_endpoint(user("a-admin"), gateway.pk)
    assert not Endpoint.objects.filter(pk__in=[interface.pk, gateway.pk]).exists()
    assert not DNSRecord.objects.filter(pk=record_id).exists()
    assert not a_route_table.routes.filter(destination="100.125.0.0/16").exists()
    assert address in set(free_addresses(Subnet.objects.get(pk=a_request["subnet_id"])))
    assert AuditRecord.objects.filter(
        resource_id=str(interface.pk), action="endpoint.deleted"
    ).exists()


def test_delete_is_refused_while_creating_and_for_others(dns, a_request):
    endpoint = create(service_id=dns.pk, **a_request)  # tasks not run: still creating
    with pytest.raises(ValidationError, match="cannot become"):
        ops.delete_endpoint(user("a-admin"), endpoint.pk)
    with pytest.raises(PermissionDenied):
        ops.delete_endpoint(user("a-member"), endpoint.pk)
    with pytest.raises(Http404):
        ops.delete_endpoint(user("b-admin"), endpoint.pk)
    b_endpoint = Endpoint.objects.filter(project__account__name="tenant-b").first()
    with pytest.raises(Http404):  # the service's owner sees connections, not the endpoint
        ops.delete_endpoint(user("a-admin"), b_endpoint.pk)
