"""The demo's endpoints (registered with console.demo.seed() as a DemoBuilder, after the
services'): tenant-b's two endpoints to tenant-a's `web` in 华南-广州, one waiting (待接受)
and one accepted (已接受), so an approver sees work on first login."""

from __future__ import annotations

from console.demo.data import PLANS, TENANTS, host, stable_uuid
from console.network import models as net
from console.tenancy.models import Project
from services.demo import web_service

from .models import Endpoint, EndpointStatus


def build() -> None:
    b = Project.objects.get(account__name=TENANTS["b"], region__code="cn-gzt")
    plan_b = PLANS[("b", "cn-gzt")]
    web = web_service()
    vpc_b = net.VPC.objects.get(project=b, name=plan_b.vpc)
    subnet_b = net.Subnet.objects.get(project=b, name=plan_b.subnets[0][0])
    for n, status in ((100, EndpointStatus.PENDING), (101, EndpointStatus.ACCEPTED)):
        Endpoint.objects.update_or_create(
            pk=stable_uuid("endpoint", b.project_id, str(n)),
            defaults={
                "project": b,
                "service": web,
                "vpc": vpc_b,
                "subnet": subnet_b,
                "node_ip": host(subnet_b.cidr, n),
                "packet_id": 16777000 + n,
                "status": status,
            },
        )


def counts() -> dict[str, int]:
    return {"endpoints": Endpoint.objects.count()}
