"""The network inventory's part of the desired state: every VPC, subnet, ECS and ELB, each
ECS and ELB with its security groups' and its subnet's network ACL's inbound rules."""

from __future__ import annotations

from django.conf import settings

from console.network import models as net

from .firewall import ACLRule, Firewall, SGRule
from .state import DesiredState, Host, SubnetBridge, VPCNamespace


def firewall(backend) -> Firewall:
    """Its security groups' inbound rules (none: nothing is admitted, as §5.2's check says)
    and its subnet's ACL."""
    groups = list(backend.security_groups.all())
    rules = sorted(
        (
            SGRule(rule.protocol, rule.remote_cidr, rule.port_min, rule.port_max)
            for group in groups
            for rule in group.rules.all()
            if rule.direction == net.Direction.INGRESS
        ),
        key=repr,
    )
    acl = backend.subnet.network_acl
    acl_rules = None
    if acl is not None and acl.enabled:
        acl_rules = tuple(
            ACLRule(rule.protocol, rule.cidr, rule.action == net.RuleAction.ALLOW)
            for rule in sorted(acl.rules.all(), key=lambda rule: rule.priority)
            if rule.direction == net.Direction.INGRESS
        )
    return Firewall(tuple(rules), acl_rules)


def build() -> DesiredState:
    """A fixed number of queries. Each ECS and ELB answers on settings.DATAPLANE_RESPONDER_PORTS; the
    resource apps add the ports their services map to (endpoints/dataplane.py)."""
    state = DesiredState()
    for vpc in net.VPC.objects.only("id", "name", "cidr"):
        state.vpcs[str(vpc.pk)] = VPCNamespace(str(vpc.pk), vpc.name, vpc.cidr)
    for subnet in net.Subnet.objects.only("id", "vpc_id", "name", "cidr", "gateway_ip"):
        key = str(subnet.pk)
        state.subnets[key] = SubnetBridge(
            key, str(subnet.vpc_id), subnet.name, subnet.cidr, subnet.gateway_ip
        )
    ports = tuple(settings.DATAPLANE_RESPONDER_PORTS)
    for model, kind in ((net.Server, "ecs"), (net.LoadBalancer, "elb")):
        backends = model.objects.select_related("subnet__network_acl").prefetch_related(
            "security_groups__rules", "subnet__network_acl__rules"
        )
        for backend in backends:
            key = str(backend.pk)
            state.hosts[key] = Host(
                key,
                str(backend.vpc_id),
                str(backend.subnet_id),
                backend.name,
                backend.ip_address,
                kind,
                ports,
                firewall(backend),
            )
    for record in net.DNSRecord.objects.filter(type="A").select_related("zone"):
        state.dns_records.setdefault(str(record.zone.vpc_id), set()).add(
            (record.name, record.value)
        )
    return state
