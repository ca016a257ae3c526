"""Grow the demo data to N rows per kind for tenant-a (the account measured) and tenant-b (a
second, busy account), in bulk: rows shaped exactly as the operations and the demo make them
(a service cloned from the demo's `web` with its port mappings, endpoints with an address in
a subnet of their own, whitelist records, connection records, activity records), written with
bulk_create in batches so that 10,000 of each take seconds, not the hours that 60,000
operations with their background tasks would (the benchmark measures reads; writes are
measured by the create latencies). Used by bench/run.py and tests/perf."""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass

from django.db import transaction

from console.audit.models import AuditRecord
from console.demo.data import PLANS, TENANTS
from console.network import models as net
from console.quotas.limits import ENDPOINT, ENDPOINT_SERVICE
from console.quotas.models import Quota
from console.quotas.usage import used
from console.sweep import refresh_statistics
from console.tenancy.models import Project, User
from endpoints.models import (
    ConnectionEvent,
    ConnectionEventKind,
    Endpoint,
    EndpointStatus,
    PacketIdSequence,
)
from services.demo import web_service
from services.models import EndpointService, Permission, PortMapping

BATCH = 1000
BENCH_CIDR = {"a": "10.128.0.0/16", "b": "10.129.0.0/16"}  # room for 65,000 endpoints each


@dataclass
class Grown:
    services: int = 0
    endpoints: int = 0
    connections: int = 0
    permissions: int = 0
    activity: int = 0


def project(tenant: str) -> Project:
    return Project.objects.select_related("account", "region").get(
        account__name=TENANTS[tenant], region__code="cn-gzt"
    )


def bench_subnet(tenant: str) -> net.Subnet:
    """A /16 in the tenant's demo VPC, for endpoints by the thousand."""
    p = project(tenant)
    vpc = net.VPC.objects.get(project=p, name=PLANS[(tenant, "cn-gzt")].vpc)
    cidr = ipaddress.ip_network(BENCH_CIDR[tenant])
    subnet, _ = net.Subnet.objects.get_or_create(
        project=p,
        name=f"subnet-bench-{tenant}",
        defaults={"vpc": vpc, "cidr": str(cidr), "gateway_ip": str(cidr[1])},
    )
    return subnet


def services(p: Project, n: int) -> list[EndpointService]:
    """n services in the project, each a copy of `web` (backend, VPC, port mappings)."""
    web = web_service()
    ports = list(web.ports.all())
    made = []
    for start in range(0, n, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, n)):
            pk = uuid.uuid4()
            name = f"b{i}"
            batch.append(
                EndpointService(
                    pk=pk,
                    project=p,
                    name=name,
                    service_name=EndpointService.full_name(p.region.code, name, pk),
                    vpc_id=web.vpc_id,
                    approval_enabled=web.approval_enabled,
                    backend_type=web.backend_type,
                    load_balancer_id=web.load_balancer_id,
                    server_id=web.server_id,
                    status=web.status,
                    description=f"bench service {i}",
                )
            )
        EndpointService.objects.bulk_create(batch)
        PortMapping.objects.bulk_create(
            PortMapping(
                service=s,
                protocol=m.protocol,
                service_port=m.service_port,
                terminal_port=m.terminal_port,
            )
            for s in batch
            for m in ports
        )
        made += batch
    return made


def endpoints(p: Project, service: EndpointService, n: int, status: str) -> list[Endpoint]:
    """n endpoints of the project to `service`, each with an address in the bench subnet."""
    tenant = next(k for k, v in TENANTS.items() if v == p.account.name)
    subnet = bench_subnet(tenant)
    hosts = ipaddress.ip_network(subnet.cidr).hosts()
    next(hosts)  # the gateway
    taken = set(Endpoint.objects.filter(subnet=subnet).values_list("node_ip", flat=True))
    packet = PacketIdSequence.next()  # n identifiers from the sequence create_endpoint uses
    PacketIdSequence.objects.filter(pk=1).update(last=packet + n - 1)
    made = []
    for start in range(0, n, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, n)):
            ip = next(str(h) for h in hosts if str(h) not in taken)
            batch.append(
                Endpoint(
                    project=p,
                    service=service,
                    provider_project_id=service.project_id,
                    vpc_id=subnet.vpc_id,
                    subnet=subnet,
                    node_ip=ip,
                    packet_id=packet + i,
                    status=status,
                    description=f"bench endpoint {i}",
                )
            )
        Endpoint.objects.bulk_create(batch)
        made += batch
    return made


def connection_events(endpoints_made: list[Endpoint], actor: User) -> int:
    """One 连接记录 (requested) per endpoint, as create_endpoint records it."""
    for start in range(0, len(endpoints_made), BATCH):
        ConnectionEvent.objects.bulk_create(
            ConnectionEvent(
                endpoint=e,
                endpoint_ref=str(e.pk),
                service=e.service,
                service_name=e.service.service_name,
                consumer_project_id=e.project_id,
                provider_project_id=e.service.project_id,
                kind=ConnectionEventKind.REQUESTED,
                status=e.status,
                actor=actor,
                actor_name=actor.get_username(),
            )
            for e in endpoints_made[start : start + BATCH]
        )
    return len(endpoints_made)


def permissions(service: EndpointService, n: int) -> int:
    """n whitelist records (授权账号) on the service."""
    for start in range(0, n, BATCH):
        Permission.objects.bulk_create(
            Permission(service=service, principal=f"iam:domain::{uuid.uuid4().hex}")
            for _ in range(start, min(start + BATCH, n))
        )
    return n


def activity(actor: User, objects: list, action: str) -> int:
    """One activity record per object, as record() writes it for a creation."""
    for start in range(0, len(objects), BATCH):
        AuditRecord.objects.bulk_create(
            AuditRecord(
                actor=actor,
                actor_name=actor.get_username(),
                account_id=obj.project.account_id,
                project=obj.project,
                action=action,
                resource_type=obj._meta.model_name,
                resource_id=str(obj.pk),
                resource_name=str(obj)[:255],
                after={"status": obj.status},
            )
            for obj in objects[start : start + BATCH]
        )
    return len(objects)


@transaction.atomic
def grow(n: int) -> Grown:
    """tenant-a: n services, n endpoints (accepted) to its `web`, n whitelist records on `web`;
    tenant-b: n services and n endpoints (pending) to tenant-a's `web`: 2n connections on one
    service, each with its 连接记录; an activity record for every row made. Returns the count."""
    a, b = project("a"), project("b")
    web = web_service()
    admin_a = User.objects.get(username="a-admin")
    admin_b = User.objects.get(username="b-admin")
    grown = Grown()
    for p in (a, b):  # room to go on creating, as an operator would grant (运维管理 → 配额)
        for resource in (ENDPOINT, ENDPOINT_SERVICE):
            Quota.objects.update_or_create(
                project=p,
                resource=resource,
                defaults={"limit": min(used(p, resource) + 3 * n + 100, 100_000)},
            )
    for p, admin in ((a, admin_a), (b, admin_b)):
        made = services(p, n)
        grown.services += len(made)
        grown.activity += activity(admin, made, "service.create")
    own = endpoints(a, web, n, EndpointStatus.ACCEPTED)
    theirs = endpoints(b, web, n, EndpointStatus.PENDING)
    grown.endpoints = len(own) + len(theirs)
    grown.connections = connection_events(own, admin_a) + connection_events(theirs, admin_b)
    grown.activity += activity(admin_a, own, "endpoint.create")
    grown.activity += activity(admin_b, theirs, "endpoint.create")
    grown.permissions = permissions(web, n)
    refresh_statistics()  # SQLite's, as the sweep leaves them within a minute
    return grown
