"""The linux driver on this host (issue 14): namespaces, responders and HAProxy."""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

from console.network.dataplane import desired_state
from console.network.dataplane.state import (
    SOURCE_RANGE,
    DesiredState,
    Frontend,
    Host,
    NodeAddress,
    SubnetBridge,
    VPCNamespace,
)
from endpoints.models import Endpoint, EndpointStatus
from services.models import EndpointService
from services.operations import decide_connections
from tests.services.conftest import user

from .conftest import PREFIX, answer, fetch

A_VPC, B_VPC = "aaaaaaaa-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000001"
A_NET, B_NET = "aaaaaaaa-0000-0000-0000-000000000002", "bbbbbbbb-0000-0000-0000-000000000002"
A_ECS, B_ECS = "aaaaaaaa-0000-0000-0000-000000000003", "bbbbbbbb-0000-0000-0000-000000000003"


def two_tenants() -> DesiredState:
    """tenant-a and tenant-b, both 192.168.0.0/20, each reaching the other's ECS through an
    endpoint at .100 of its own subnet; a's endpoint carries the PROXY protocol."""
    state = DesiredState()
    for vpc, subnet, ecs, name in ((A_VPC, A_NET, A_ECS, "ecs-a"), (B_VPC, B_NET, B_ECS, "ecs-b")):
        state.vpcs[vpc] = VPCNamespace(vpc, name, "192.168.0.0/20")
        state.subnets[subnet] = SubnetBridge(subnet, vpc, name, "192.168.0.0/24", "192.168.0.1")
        state.hosts[ecs] = Host(ecs, vpc, subnet, name, "192.168.0.10", ports=(80,))
        state.node_addresses.add(NodeAddress(vpc, subnet, "192.168.0.100"))
    for key, consumer, provider, proxy in (
        ("ep-a:80", A_VPC, B_VPC, True),
        ("ep-b:80", B_VPC, A_VPC, False),
    ):
        state.frontends[key] = Frontend(
            key, consumer, "192.168.0.100", 80, provider, "192.168.0.10", 80, "198.19.128.7", proxy
        )
    return state


def test_two_tenants_with_the_same_range_reach_each_other(linux):
    done = linux.converge(two_tenants())
    assert f"namespace {linux.vpc_ns(A_VPC)} added" in done
    a_ecs, b_ecs = linux.host_ns(A_ECS), linux.host_ns(B_ECS)
    # From a's ECS (its own 192.168.0.10) to b's ECS (also 192.168.0.10), and back.
    seen = answer(fetch(linux, a_ecs, "192.168.0.100", 80))
    assert seen["server"] == "ecs-b"
    assert seen["client"].startswith("198.19.128.7:")  # the transit range (§5.2)
    assert seen["proxy-source"].startswith("192.168.0.10:")  # the consumer's own address
    seen = answer(fetch(linux, b_ecs, "192.168.0.100", 80))
    assert seen["server"] == "ecs-a" and "proxy-source" not in seen
    # Each ECS still answers inside its own VPC, under its own name.
    assert answer(fetch(linux, linux.vpc_ns(A_VPC), "192.168.0.10", 80))["server"] == "ecs-a"


def test_converging_twice_changes_nothing_the_second_time(linux):
    state = two_tenants()
    assert linux.converge(state)
    assert linux.converge(state) == []
    pid = linux.observe().haproxy_pid
    assert linux.converge(state) == [] and linux.observe().haproxy_pid == pid


def test_a_frontend_removed_is_refused_and_a_whitelist_holds(linux):
    state = two_tenants()
    linux.converge(state)
    del state.frontends["ep-b:80"]
    state.frontends["ep-a:80"] = replace(
        state.frontends["ep-a:80"], allowed_sources=("10.0.0.0/8",), restricted=True
    )
    assert "haproxy reloaded (1 frontends)" in linux.converge(state)
    # b's endpoint lost its frontend: its node IP refuses at once.
    assert fetch(linux, linux.host_ns(B_ECS), "192.168.0.100", 80) == "ConnectionRefusedError"
    # a's whitelist admits 10.0.0.0/8 only: 192.168.0.10 is cut off.
    assert "server" not in answer(fetch(linux, linux.host_ns(A_ECS), "192.168.0.100", 80))
    state.frontends["ep-a:80"] = replace(
        state.frontends["ep-a:80"], allowed_sources=("192.168.0.0/24",), restricted=True
    )
    linux.converge(state)
    assert answer(fetch(linux, linux.host_ns(A_ECS), "192.168.0.100", 80))["server"] == "ecs-b"


def test_what_is_no_longer_desired_is_removed_and_others_objects_are_left(linux):
    subprocess.run(["ip", "netns", "add", "vpcq-not-ours"], check=True)
    try:
        linux.converge(two_tenants())
        state = two_tenants()
        del state.hosts[B_ECS]
        done = linux.converge(state)
        assert f"namespace {linux.host_ns(B_ECS)} removed" in done
        assert linux.host_ns(B_ECS) not in linux.namespaces()
        linux.teardown()
        assert linux.namespaces() == [] and not linux.observe().haproxy_pid
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert "vpcq-not-ours" in listed and PREFIX not in listed
        links = json.loads(
            subprocess.run(["ip", "-j", "link"], capture_output=True, text=True).stdout
        )
        assert not [link["ifname"] for link in links if link["ifname"].startswith(PREFIX)]
    finally:
        subprocess.run(["ip", "netns", "del", "vpcq-not-ours"], check=False)


def test_the_demo_accepted_endpoint_answers_and_a_decision_changes_it(linux, demo_data):
    """tenant-b's accepted endpoint to tenant-a's `web` (elb-97rn) answers from tenant-b's VPC;
    the pending one is refused; 拒绝 cuts the accepted one off, 接受 brings it back."""
    accepted = Endpoint.objects.get(status=EndpointStatus.ACCEPTED, service__name="web")
    pending = Endpoint.objects.get(status=EndpointStatus.PENDING, service__name="web")
    linux.converge(desired_state())
    consumer = linux.vpc_ns(str(accepted.vpc_id))
    seen = answer(fetch(linux, consumer, accepted.node_ip, 80))
    assert seen["server"] == "elb-97rn"
    assert ipaddress.ip_address(seen["client"].split(":")[0]) in SOURCE_RANGE
    assert fetch(linux, consumer, pending.node_ip, 80) == "ConnectionRefusedError"
    assert linux.converge(desired_state()) == []

    web = EndpointService.objects.get(name="web", is_system=False)
    decide_connections(user("a-approver"), web.pk, [accepted.pk], "reject")
    linux.converge(desired_state())
    assert fetch(linux, consumer, accepted.node_ip, 80) == "ConnectionRefusedError"
    decide_connections(user("a-approver"), web.pk, [accepted.pk, pending.pk], "accept")
    linux.converge(desired_state())
    assert answer(fetch(linux, consumer, accepted.node_ip, 80))["server"] == "elb-97rn"
    assert answer(fetch(linux, consumer, pending.node_ip, 80))["server"] == "elb-97rn"


def test_a_killed_haproxy_and_responder_come_back_on_the_next_converge(linux):
    state = two_tenants()
    linux.converge(state)
    observed = linux.observe()
    os.kill(observed.haproxy_pid, signal.SIGKILL)
    os.kill(observed.responders[linux.host_ns(B_ECS)]["pid"], signal.SIGKILL)
    time.sleep(0.5)
    done = linux.converge(state)
    assert "haproxy started (2 frontends)" in done
    assert answer(fetch(linux, linux.host_ns(A_ECS), "192.168.0.100", 80))["server"] == "ecs-b"
    haproxies = subprocess.run(["pgrep", "-f", str(linux.run_dir)], capture_output=True, text=True)
    assert len(haproxies.stdout.split()) == 2  # one master, one worker: nothing left over


HOLD = """
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(b"GET / HTTP/1.0\\r\\n")
print("open", flush=True)
sys.stdin.readline()  # the test reloads HAProxy meanwhile
s.sendall(b"Host: x\\r\\n\\r\\n")
data = b""
while chunk := s.recv(4096):
    data += chunk
print(data.decode().split("\\r\\n\\r\\n", 1)[1], end="")
"""


def hold(linux, ns: str) -> subprocess.Popen:
    """A request begun through the endpoint at 192.168.0.100:80 from `ns`, left half-sent."""
    held = subprocess.Popen(
        ["ip", "netns", "exec", ns, sys.executable, "-c", HOLD, "192.168.0.100", "80"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert held.stdout.readline().strip() == "open"
    return held


def test_a_reload_keeps_other_connections_and_cuts_a_rejected_endpoints(linux):
    """HAProxy reloads when an endpoint is accepted, rejected or changed. A connection open
    through another endpoint finishes on the old worker (nothing dropped); one open through
    the endpoint that lost its frontend is cut at once, not left for an hour."""
    state = two_tenants()
    linux.converge(state)
    kept, cut = hold(linux, linux.host_ns(A_ECS)), hold(linux, linux.host_ns(B_ECS))
    del state.frontends["ep-b:80"]  # tenant-b's endpoint rejected
    done = linux.converge(state)
    assert "haproxy reloaded (1 frontends)" in done
    assert "haproxy: connections of ep-ep-b-80 cut" in done
    out, _err = kept.communicate("go\n", timeout=20)
    assert answer(out)["server"] == "ecs-b"
    out, _err = cut.communicate("go\n", timeout=20)
    assert "server" not in answer(out)
