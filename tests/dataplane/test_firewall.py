"""Security groups and network ACLs as nftables rules (issue 14): the §5.2 check is the truth.
Without a rule admitting 198.19.128.0/20 traffic through an endpoint is dropped; with it the
backend answers; a network ACL's deny decides before a security group's allow."""

from __future__ import annotations

from dataclasses import replace

from console.network.dataplane import desired_state, firewall
from console.network.dataplane.firewall import ACLRule, Firewall, SGRule
from console.network.models import LoadBalancer, Server

from .conftest import answer, fetch
from .test_linux import A_ECS, B_ECS, B_VPC, two_tenants

ENDPOINTS = SGRule("any", "198.19.128.0/20")
SSH_ONLY = SGRule("tcp", "192.168.0.0/20", 22, 22)


def with_firewall(state, wall: Firewall | None):
    """tenant-b's ECS (reached by tenant-a's endpoint) behind `wall`."""
    state.hosts[B_ECS] = replace(state.hosts[B_ECS], firewall=wall)
    return state


def test_the_rules_render_as_the_check_reads_them():
    text = firewall.render(
        Firewall(
            (ENDPOINTS, SGRule("tcp", "10.0.0.0/8", 8000, 8080)),
            (ACLRule("tcp", "198.19.130.0/24", False), ACLRule("any", "0.0.0.0/0", True)),
        )
    )
    assert "policy drop" in text and "ct state established,related accept" in text
    assert "ip saddr 198.19.128.0/20 accept" in text
    assert "ip saddr 10.0.0.0/8 meta l4proto tcp tcp dport 8000-8080 accept" in text
    deny, allow = text.index("198.19.130.0/24 meta l4proto tcp drop"), text.index("0/0 return")
    assert deny < allow  # priority order: the first match decides


def test_the_demo_backends_carry_what_the_backend_check_reads(demo_data):
    """elb-97rn's group admits 198.19.128.0/20 (its service's check is OK); ecs-3f0c's lacks
    it (the `app` service's check says so): the hosts get those very rules."""
    state = desired_state()
    for backend, admits in (
        (LoadBalancer.objects.get(name="elb-97rn"), True),
        (Server.objects.get(name="ecs-3f0c"), False),
    ):
        wall = state.hosts[str(backend.pk)].firewall
        assert wall is not None and wall.acl is not None  # the subnet's ACL is enabled
        assert any(rule.cidr == "198.19.128.0/20" for rule in wall.security_group) is admits


def test_without_the_source_range_rule_traffic_through_an_endpoint_is_dropped(linux):
    a_ecs = linux.host_ns(A_ECS)
    linux.converge(with_firewall(two_tenants(), Firewall((SSH_ONLY,))))
    assert "server" not in answer(fetch(linux, a_ecs, "192.168.0.100", 80))  # dropped: timeout
    done = linux.converge(with_firewall(two_tenants(), Firewall((SSH_ONLY, ENDPOINTS))))
    assert done == [f"{linux.host_ns(B_ECS)}: firewall loaded"]
    assert answer(fetch(linux, a_ecs, "192.168.0.100", 80))["server"] == "ecs-b"
    assert linux.converge(with_firewall(two_tenants(), Firewall((SSH_ONLY, ENDPOINTS)))) == []


def test_a_network_acl_deny_decides_before_the_security_group(linux):
    a_ecs = linux.host_ns(A_ECS)
    deny_first = (ACLRule("any", "198.19.128.0/20", False), ACLRule("any", "0.0.0.0/0", True))
    linux.converge(with_firewall(two_tenants(), Firewall((ENDPOINTS,), deny_first)))
    assert "server" not in answer(fetch(linux, a_ecs, "192.168.0.100", 80))
    allow = (ACLRule("any", "0.0.0.0/0", True),)
    linux.converge(with_firewall(two_tenants(), Firewall((ENDPOINTS,), allow)))
    assert answer(fetch(linux, a_ecs, "192.168.0.100", 80))["server"] == "ecs-b"
    # No security group at all: nothing filters, and the table goes.
    done = linux.converge(with_firewall(two_tenants(), None))
    assert done == [f"{linux.host_ns(B_ECS)}: firewall removed"]
    assert answer(fetch(linux, a_ecs, "192.168.0.100", 80))["server"] == "ecs-b"


def test_the_backend_check_connects_from_the_source_range_through_the_real_path(linux):
    """基本信息's connection check (driver.probe): dropped → timeout, nothing listening →
    refused, admitted → reachable, each within about a second."""
    linux.converge(with_firewall(two_tenants(), Firewall((SSH_ONLY,))))
    assert linux.probe(B_VPC, "192.168.0.10", 80) == "timeout"
    linux.converge(with_firewall(two_tenants(), Firewall((SSH_ONLY, ENDPOINTS))))
    assert linux.probe(B_VPC, "192.168.0.10", 80) == "reachable"
    assert linux.probe(B_VPC, "192.168.0.10", 81) == "refused"
