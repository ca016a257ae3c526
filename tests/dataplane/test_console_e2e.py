"""The data plane end to end (issue 14): operations from the official SDK and the console's
own pages change what packets can do on this host, with the linux driver. §2.3 with approval
on: before 接受 the consumer's request to the node IP is refused, after it the backend's name
comes back; 拒绝 cuts it; deleting frees the address. Two tenants on the same 192.168.0.0/20
reach each other's services; the PROXY protocol carries the consumer's address; a restarted
reconciler brings back what a killed HAProxy carried."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpcep.v1 import (
    AcceptOrRejectEndpointRequest,
    AcceptOrRejectEndpointRequestBody,
    AddOrRemoveServicePermissionsRequest,
    AddOrRemoveServicePermissionsRequestBody,
    CreateEndpointRequest,
    CreateEndpointRequestBody,
    CreateEndpointServiceRequest,
    CreateEndpointServiceRequestBody,
    DeleteEndpointRequest,
    PortList,
    UpdateEndpointServiceRequest,
    UpdateEndpointServiceRequestBody,
)

from console import demo
from console.network import dataplane
from console.network.models import VPC, LoadBalancer, Server
from console.tenancy.models import Account
from endpoints.models import Endpoint, EndpointStatus
from endpoints.operations import create_endpoint
from services.models import EndpointService
from tests.api.conftest import keys, sdk, site  # noqa: F401 (fixtures)
from tests.services.conftest import project, user

from .conftest import PREFIX, answer, fetch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def host(linux, settings):
    """The console with the linux driver on this host (the test prefix), converged once, as
    `make run`'s reconciler does when it starts."""
    settings.DATAPLANE = "linux"
    settings.DATAPLANE_PREFIX = PREFIX
    settings.DATAPLANE_RUN_DIR = str(linux.run_dir)
    return linux


def web_and_consumer():
    web = EndpointService.objects.get(name="web", is_system=False)
    pending = Endpoint.objects.get(status=EndpointStatus.PENDING, service=web)
    return web, pending


def create(client, service_id: str, vpc_id, subnet_id) -> Endpoint:
    made = client.create_endpoint(
        CreateEndpointRequest(
            body=CreateEndpointRequestBody(
                endpoint_service_id=str(service_id), vpc_id=str(vpc_id), subnet_id=str(subnet_id)
            )
        )
    )
    return Endpoint.objects.get(pk=made.id)


def decide(client, service_id, endpoint_id, action: str) -> None:
    client.accept_or_reject_endpoint(
        AcceptOrRejectEndpointRequest(
            vpc_endpoint_service_id=str(service_id),
            body=AcceptOrRejectEndpointRequestBody(action=action, endpoints=[str(endpoint_id)]),
        )
    )


def test_section_2_3_through_the_sdk_changes_what_packets_can_do(host, sdk):  # noqa: F811
    web, pending = web_and_consumer()
    dataplane.converge()
    consumer, approver = sdk("b-admin"), sdk("a-approver")
    endpoint = create(consumer, web.pk, pending.vpc_id, pending.subnet_id)
    assert endpoint.status == EndpointStatus.PENDING and endpoint.node_ip
    ns = host.vpc_ns(str(endpoint.vpc_id))
    # 待接受: the node IP is there, and refuses.
    assert fetch(host, ns, endpoint.node_ip, 80) == "ConnectionRefusedError"

    decide(approver, web.pk, endpoint.pk, "receive")  # 接受
    assert answer(fetch(host, ns, endpoint.node_ip, 80))["server"] == "elb-97rn"
    assert answer(fetch(host, ns, endpoint.node_ip, 443))["server"] == "elb-97rn"

    decide(approver, web.pk, endpoint.pk, "reject")  # 拒绝
    assert fetch(host, ns, endpoint.node_ip, 80) == "ConnectionRefusedError"

    consumer.delete_endpoint(DeleteEndpointRequest(vpc_endpoint_id=str(endpoint.pk)))
    assert not Endpoint.objects.filter(pk=endpoint.pk).exists()
    held = host.observe().namespaces[ns].addresses
    assert not [a for a in held if a[1] == f"{endpoint.node_ip}/32"]  # the address is freed
    assert fetch(host, ns, endpoint.node_ip, 80) != "ConnectionRefusedError"  # nobody answers
    assert dataplane.converge() == []  # the operations left the host converged


def test_two_tenants_on_the_same_range_reach_each_others_services(host, sdk):  # noqa: F811
    web, pending = web_and_consumer()
    a_vpc, b_vpc = web.vpc, pending.vpc
    assert a_vpc.cidr == b_vpc.cidr  # both tenants use the same range (§5.3)
    dataplane.converge()
    b, a = sdk("b-admin"), sdk("a-admin")
    shop = b.create_endpoint_service(
        CreateEndpointServiceRequest(
            body=CreateEndpointServiceRequestBody(
                port_id=str(LoadBalancer.objects.get(name="elb-2d6f").pk),
                vpc_id=str(b_vpc.pk),
                service_type="interface",
                server_type="LB",
                approval_enabled=False,
                service_name="shop",
                # 终端端口 8080 (client_port) → 服务端口 80 (server_port) on the ELB
                ports=[PortList(client_port=8080, server_port=80, protocol="TCP")],
            )
        )
    )
    b.add_or_remove_service_permissions(
        AddOrRemoveServicePermissionsRequest(
            vpc_endpoint_service_id=shop.id,
            body=AddOrRemoveServicePermissionsRequestBody(
                permissions=[Account.objects.get(name="tenant-a").principal], action="add"
            ),
        )
    )
    a_subnet = Server.objects.filter(vpc=a_vpc).first().subnet
    to_b = create(a, shop.id, a_vpc.pk, a_subnet.pk)
    assert to_b.status == EndpointStatus.ACCEPTED  # approval off
    decide(sdk("a-approver"), web.pk, pending.pk, "receive")
    pending.refresh_from_db()
    # From tenant-a's VPC to tenant-b's ELB, and from tenant-b's VPC to tenant-a's.
    seen = answer(fetch(host, host.vpc_ns(str(a_vpc.pk)), to_b.node_ip, 8080))
    assert seen["server"] == "elb-2d6f"
    seen = answer(fetch(host, host.vpc_ns(str(b_vpc.pk)), pending.node_ip, 80))
    assert seen["server"] == "elb-97rn"


def test_the_proxy_protocol_carries_the_consumers_address(host, sdk):  # noqa: F811
    web, pending = web_and_consumer()
    dataplane.converge()
    decide(sdk("a-approver"), web.pk, pending.pk, "receive")
    ecs = Server.objects.filter(vpc=pending.vpc).first()
    ecs_ns = host.host_ns(str(ecs.pk))
    assert "proxy-source" not in answer(fetch(host, ecs_ns, pending.node_ip, 80))
    sdk("a-admin").update_endpoint_service(
        UpdateEndpointServiceRequest(
            vpc_endpoint_service_id=str(web.pk),
            body=UpdateEndpointServiceRequestBody(tcp_proxy="proxy_open"),
        )
    )
    seen = answer(fetch(host, ecs_ns, pending.node_ip, 80))
    assert seen["server"] == "elb-97rn" and seen["proxy-source"].startswith(f"{ecs.ip_address}:")
    # TOA needs a kernel module this data plane does not load: refused, with what to choose.
    with pytest.raises(ClientRequestException) as refused:
        sdk("a-admin").update_endpoint_service(
            UpdateEndpointServiceRequest(
                vpc_endpoint_service_id=str(web.pk),
                body=UpdateEndpointServiceRequestBody(tcp_proxy="toa_open"),
            )
        )
    assert refused.value.status_code == 400
    assert refused.value.error_msg.startswith("tcp_proxy:") and "proxy_open" in (
        refused.value.error_msg
    )
    assert EndpointService.objects.get(pk=web.pk).tcp_proxy == "proxy_open"


def test_the_console_pages_drive_the_host_too(host, client, django_capture_on_commit_callbacks):
    demo.seed(password=settings.DEMO_PASSWORD)
    web, pending = web_and_consumer()
    dataplane.converge()
    ns = host.vpc_ns(str(pending.vpc_id))
    client.force_login(web.project.account.users.get(username="a-approver"))
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/services/{web.pk}/connections/accept/", {"endpoint": [pending.pk]})
    assert page.status_code == 302
    assert answer(fetch(host, ns, pending.node_ip, 80))["server"] == "elb-97rn"


def test_a_killed_haproxy_comes_back_with_the_reconciler(host, sdk):  # noqa: F811
    web, pending = web_and_consumer()
    decide(sdk("a-approver"), web.pk, pending.pk, "receive")
    ns = host.vpc_ns(str(pending.vpc_id))
    assert answer(fetch(host, ns, pending.node_ip, 80))["server"] == "elb-97rn"
    os.kill(host.observe().haproxy_pid, signal.SIGKILL)
    time.sleep(0.3)
    assert "server" not in answer(fetch(host, ns, pending.node_ip, 80))
    call_command("dataplane")  # the reconciler's next round
    assert answer(fetch(host, ns, pending.node_ip, 80))["server"] == "elb-97rn"
    assert dataplane.converge() == []
    dataplane.teardown()
    assert host.namespaces() == [] and not host.observe().haproxy_pid
    assert not host.lock_file.exists() and not host.run_dir.exists()  # nothing left over
    assert VPC.objects.filter(pk=pending.vpc_id).exists()  # the database is untouched


def test_a_backend_without_the_source_range_rule_times_out_and_the_check_says_so(
    host,
    client,
    django_capture_on_commit_callbacks,
):
    """§5.2: tenant-a's `app` runs on ecs-3f0c, whose security group lacks 198.19.128.0/20.
    An accepted endpoint to it carries nothing, and 基本信息 says why; `web` answers."""
    demo.seed(password=settings.DEMO_PASSWORD)
    app = EndpointService.objects.get(name="app", is_system=False)
    web, _pending = web_and_consumer()
    subnet = Server.objects.get(name="ecs-3f0c").subnet
    with django_capture_on_commit_callbacks(execute=True):
        made = create_endpoint(
            user("a-admin"),
            project("tenant-a"),
            service_id=app.pk,
            vpc_id=app.vpc_id,
            subnet_id=subnet.pk,
        )
    made.refresh_from_db()
    assert made.status == EndpointStatus.ACCEPTED
    ns = host.vpc_ns(str(made.vpc_id))
    assert "server" not in answer(fetch(host, ns, made.node_ip, 8080))  # dropped: timed out
    client.force_login(user("a-admin"))
    page = client.get(f"/services/{app.pk}/").content.decode()
    assert 'data-check="connection"' in page and f"/services/{app.pk}/backend-probe/" in page
    probe = client.get(f"/services/{app.pk}/backend-probe/").content.decode()
    assert 'data-result="timeout"' in probe and "超时" in probe
    probe = client.get(f"/services/{web.pk}/backend-probe/").content.decode()
    assert 'data-port="80" data-result="reachable"' in probe and "成功" in probe
    # Another account's service is not found, as everywhere.
    client.force_login(user("b-admin"))
    assert client.get(f"/services/{app.pk}/backend-probe/").status_code == 404
