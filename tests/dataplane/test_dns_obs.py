"""Private DNS and gateway endpoints on the linux driver (issue 14): names resolve inside the
consumer VPC, the DNS cloud service's endpoint answers at its node IP, and OBS is reachable only
through a gateway endpoint, from the subnets of the route tables it was given."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from console.network import dataplane
from console.network.models import VPC, RouteTable, Server, Subnet
from endpoints import operations as ops
from endpoints.models import EndpointStatus
from services.models import EndpointService
from tests.services.conftest import project, user

from .conftest import answer, fetch

pytestmark = pytest.mark.django_db

QUERY = """
import socket, struct, sys
server, name, qid = sys.argv[1], sys.argv[2], int(sys.argv[3])
question = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\\0"
packet = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + question + struct.pack("!HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(packet, (server, 53))
data = s.recv(2048)
count = struct.unpack("!H", data[6:8])[0]
print(".".join(map(str, data[-4:])) if count else "NXDOMAIN")
"""


def resolve(driver, ns: str, server: str, name: str) -> str:
    """Ask `server` for `name`'s A record from inside namespace `ns` (stdlib, UDP)."""
    result = subprocess.run(
        [
            "ip",
            "netns",
            "exec",
            ns,
            sys.executable,
            "-c",
            QUERY,
            server,
            name,
            str(random.randint(1, 65535)),
        ],
        capture_output=True,
        text=True,
        timeout=20,
    )
    if result.returncode:
        return result.stderr.strip().splitlines()[-1].split(":")[0]
    return result.stdout.strip()


@pytest.fixture
def host(linux, settings):
    settings.DATAPLANE, settings.DATAPLANE_PREFIX = "linux", linux.prefix
    settings.DATAPLANE_RUN_DIR = str(linux.run_dir)
    return linux


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what commits enqueue (the converge too: the driver is linux here)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def create(run_tasks, **kwargs):
    with run_tasks():
        endpoint = ops.create_endpoint(user("a-admin"), project("tenant-a"), **kwargs)
    endpoint.refresh_from_db()
    return endpoint


def test_names_resolve_inside_the_vpc_and_the_dns_endpoint_answers(host, demo_data, run_tasks):
    vpc, subnet = VPC.objects.get(name="vpc-638b"), Subnet.objects.get(name="subnet-71cf")
    dns = EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.dns")
    endpoint = create(
        run_tasks, service_id=dns.pk, vpc_id=vpc.pk, subnet_id=subnet.pk, private_dns=True
    )
    assert endpoint.status == EndpointStatus.ACCEPTED and endpoint.domain_name
    assert dataplane.converge() == []  # the endpoint's commit converged the host already
    ecs = host.host_ns(str(Server.objects.get(name="ecs-66a6").pk))
    # The VPC's resolver, at the subnet's gateway, knows the endpoint's name...
    assert resolve(host, ecs, subnet.gateway_ip, endpoint.domain_name) == endpoint.node_ip
    # ...and so does the DNS endpoint, at its node IP (§2.4.4: telnet <node IP> 53).
    assert resolve(host, ecs, endpoint.node_ip, endpoint.domain_name) == endpoint.node_ip
    assert resolve(host, ecs, endpoint.node_ip, "vpcep-nobody.example") == "NXDOMAIN"
    # tenant-b's VPC has its own resolver, which does not know tenant-a's names.
    b_ecs = host.host_ns(str(Server.objects.get(name="ecs-8b14").pk))
    b_gateway = Subnet.objects.get(name="subnet-c8a1").gateway_ip
    assert resolve(host, b_ecs, b_gateway, endpoint.domain_name) != endpoint.node_ip
    assert dataplane.converge() == []
    # 内网域名 off: the name goes from the resolver.
    ops.update_endpoint(user("a-admin"), endpoint.pk, private_dns=False)
    dataplane.converge()
    assert resolve(host, ecs, subnet.gateway_ip, endpoint.domain_name) == "NXDOMAIN"


def test_obs_is_reached_only_through_a_gateway_endpoint_on_the_chosen_route_table(
    host, demo_data, run_tasks
):
    vpc = VPC.objects.get(name="vpc-638b")
    second = Subnet.objects.get(name="subnet-9d2e")
    assert second.route_table == RouteTable.objects.get(name="rtb-638b-2")  # the demo's
    other = Server.objects.create(
        project=vpc.project, name="ecs-in-9d2e", vpc=vpc, subnet=second, ip_address="192.168.1.20"
    )
    ecs = host.host_ns(str(Server.objects.get(name="ecs-66a6").pk))
    other_ns = host.host_ns(str(other.pk))
    dataplane.converge()
    assert "server" not in answer(fetch(host, ecs, "100.125.0.10", 80))  # no endpoint: no route

    obs = EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.obs")
    default = RouteTable.objects.get(name="rtb-638b")
    endpoint = create(run_tasks, service_id=obs.pk, vpc_id=vpc.pk, route_table_ids=[default.pk])
    assert endpoint.status == EndpointStatus.ACCEPTED
    dataplane.converge()
    [stand_in] = [h for h in dataplane.desired_state().resolved().hosts.values() if h.name == "obs"]
    assert host.host_ns(stand_in.key) in host.namespaces()
    seen = answer(fetch(host, ecs, "100.125.0.10", 80))
    assert seen["server"] == "obs" and seen["client"].startswith("192.168.0.")
    # subnet-9d2e uses rtb-638b-2, which did not get the route.
    assert "server" not in answer(fetch(host, other_ns, "100.125.0.10", 80))
    assert dataplane.converge() == []

    with run_tasks():
        ops.delete_endpoint(user("a-admin"), endpoint.pk)
    dataplane.converge()
    assert "server" not in answer(fetch(host, ecs, "100.125.0.10", 80))
    assert host.host_ns(stand_in.key) not in host.namespaces()  # the stand-in went with it
