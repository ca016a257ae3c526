"""The network inventory's part of the desired state: every VPC, subnet, ECS and ELB."""

from __future__ import annotations

from django.conf import settings

from console.network import models as net

from .state import DesiredState, Host, SubnetBridge, VPCNamespace


def build() -> DesiredState:
    """Four queries. Each ECS and ELB answers on settings.DATAPLANE_RESPONDER_PORTS; the
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
        for backend in model.objects.only("id", "vpc_id", "subnet_id", "name", "ip_address"):
            key = str(backend.pk)
            state.hosts[key] = Host(
                key,
                str(backend.vpc_id),
                str(backend.subnet_id),
                backend.name,
                backend.ip_address,
                kind,
                ports,
            )
    return state
