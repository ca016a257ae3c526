"""The demo's endpoint services (registered with console.demo.seed() as a DemoBuilder).

The system services of §1.6.1 (OBS gateway, DNS interface; which exist differs per region),
and in 华南-广州 two services of tenant-a: `web` behind elb-97rn with connection approval on,
whitelisting tenant-b (whose endpoints endpoints/demo.py adds); and `app` behind the ECS whose
security group lacks the 198.19.128.0/20 rule.
"""

from __future__ import annotations

from console.demo.data import PLANS, PLATFORM, TENANTS, stable_uuid
from console.network import models as net
from console.tenancy.models import Project

from .models import (
    BackendType,
    EndpointService,
    Permission,
    PortMapping,
    ServiceStatus,
    ServiceType,
)

# §1.6.1 tables 1-3 and 1-4: (short name, type, description, route prefix) per region.
SYSTEM_SERVICES = {
    "cn-gzt": [
        ("obs", ServiceType.GATEWAY, "obs: 实现通过终端节点访问 OBS 内网地址。", "100.125.0.0/16"),
        ("dns", ServiceType.INTERFACE, "dns: 实现通过终端节点访问内网 DNS。", ""),
    ],
    "cn-sh": [
        ("dns", ServiceType.INTERFACE, "dns: 实现通过终端节点访问内网 DNS。", ""),
    ],
}


def build() -> None:
    for project in Project.objects.filter(account__name=PLATFORM).select_related("region"):
        seed_system_services(project)
    seed_tenant_services()


def counts() -> dict[str, int]:
    return {"endpoint services": EndpointService.objects.count()}


def seed_system_services(project: Project) -> None:
    for short, service_type, description, prefix in SYSTEM_SERVICES.get(project.region.code, []):
        EndpointService.objects.update_or_create(
            pk=stable_uuid("system-service", project.region.code, short),
            defaults={
                "project": project,
                "name": short,
                "is_system": True,
                "service_name": EndpointService.system_name(project.region.code, short),
                "service_type": service_type,
                "description": description,
                "route_prefix": prefix,
                "status": ServiceStatus.AVAILABLE,
            },
        )
    dns = EndpointService.objects.filter(project=project, is_system=True, name="dns").first()
    if dns:
        for protocol in ("UDP", "TCP"):
            PortMapping.objects.get_or_create(
                service=dns, protocol=protocol, service_port=53, terminal_port=53
            )
        Permission.objects.get_or_create(service=dns, principal="*")


def seed_tenant_services() -> EndpointService:
    """tenant-a's `web` (returned: tenant-b's demo endpoints connect to it) and `app`."""
    a = Project.objects.get(account__name=TENANTS["a"], region__code="cn-gzt")
    b = Project.objects.get(account__name=TENANTS["b"], region__code="cn-gzt")
    plan_a = PLANS[("a", "cn-gzt")]
    vpc_a = net.VPC.objects.get(project=a, name=plan_a.vpc)
    web = service(
        a,
        "web",
        vpc_a,
        BackendType.LB,
        net.LoadBalancer.objects.get(project=a, name=plan_a.elb),
        approval=True,
        ports=[("TCP", 80, 80), ("TCP", 443, 443)],
    )
    service(
        a,
        "app",
        vpc_a,
        BackendType.VM,
        net.Server.objects.get(project=a, name=plan_a.ecs_closed),
        approval=False,
        ports=[("TCP", 8080, 8080)],
    )
    Permission.objects.get_or_create(service=web, principal=b.account.principal)
    return web


def service(project, name, vpc, backend_type, backend, approval, ports) -> EndpointService:
    pk = stable_uuid("service", project.project_id, name)
    obj, _ = EndpointService.objects.update_or_create(
        pk=pk,
        defaults={
            "project": project,
            "name": name,
            "vpc": vpc,
            "approval_enabled": approval,
            "service_name": EndpointService.full_name(project.region.code, name, pk),
            "backend_type": backend_type,
            "load_balancer": backend if backend_type == BackendType.LB else None,
            "server": backend if backend_type == BackendType.VM else None,
            "status": ServiceStatus.AVAILABLE,
        },
    )
    for protocol, service_port, terminal_port in ports:
        PortMapping.objects.update_or_create(
            service=obj,
            protocol=protocol,
            terminal_port=terminal_port,
            defaults={"service_port": service_port},
        )
    return obj


def web_service() -> EndpointService:
    """tenant-a's `web` in 华南-广州, the service the demo's endpoints connect to."""
    a = Project.objects.get(account__name=TENANTS["a"], region__code="cn-gzt")
    return EndpointService.objects.get(pk=stable_uuid("service", a.project_id, "web"))
