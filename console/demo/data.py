"""Demo data for `make run` and the browser tests: idempotent, keyed by natural keys.

Two regions; the platform account (CTC) with user `operator`; tenants A and B with an admin,
an approver and a member each; per tenant and region two VPCs, each with a subnet (§2.2: an
endpoint in another VPC of the same account), the first one's CIDRs overlapping between A and
B (§5.3: endpoints don't mind), with one backend whose security group lacks the
198.19.128.0/20 rule so that the backend check (N2) has something to find.

The resource apps add their own rows through the builders they registered
(console.registry.DemoBuilder, e.g. services/demo.py and endpoints/demo.py): the system
services of §1.6.1, tenant-a's services, tenant-b's endpoints. `manage.py seed_demo` runs it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from console.network import models as net
from console.registry import registry
from console.tenancy.models import (
    Account,
    AvailabilityZone,
    Membership,
    Project,
    Region,
    Role,
    User,
)

from . import stable_hex, stable_uuid

ENDPOINT_SOURCE_RANGE = "198.19.128.0/20"  # where VPCEP traffic reaches a backend from (§5.2)


REGIONS = [
    # code, Chinese name, English name, default, zones
    ("cn-gzt", "华南-广州", "South China - Guangzhou", True, 2),
    ("cn-sh", "华东-上海", "East China - Shanghai", False, 2),
]
PLATFORM = "CTC"
TENANTS = {"a": "tenant-a", "b": "tenant-b"}


@dataclass(frozen=True)
class NetworkPlan:
    vpc: str
    cidr: str
    subnets: tuple[tuple[str, str], ...]  # (name, cidr)
    elb: str = ""  # "": a VPC without backends (and without a private zone until an endpoint
    ecs: str = ""  # asks for one)
    ecs_closed: str = ""  # its security group lacks the 198.19.128.0/20 rule


# Short suffixes as the provider's console shows them (vpc-638b, subnet-71cf, elb-97rn, ecs-66a6).
PLANS = {
    ("a", "cn-gzt"): NetworkPlan(
        "vpc-638b",
        "192.168.0.0/20",
        (("subnet-71cf", "192.168.0.0/24"), ("subnet-9d2e", "192.168.1.0/24")),
        "elb-97rn",
        "ecs-66a6",
        "ecs-3f0c",
    ),
    ("b", "cn-gzt"): NetworkPlan(
        "vpc-4e1c",
        "192.168.0.0/20",
        (("subnet-c8a1", "192.168.0.0/24"), ("subnet-50b7", "192.168.2.0/28")),
        "elb-2d6f",
        "ecs-8b14",
        "ecs-e7a9",
    ),
    ("a", "cn-sh"): NetworkPlan(
        "vpc-1a7e",
        "10.0.0.0/16",
        (("subnet-6c3d", "10.0.1.0/24"),),
        "elb-4f8a",
        "ecs-0b9e",
        "ecs-d2c5",
    ),
    ("b", "cn-sh"): NetworkPlan(
        "vpc-7b2f",
        "10.0.0.0/16",
        (("subnet-e41a", "10.0.1.0/24"),),
        "elb-a63c",
        "ecs-5e71",
        "ecs-92fd",
    ),
}


# §2.2: a second VPC of the same account in each region, with one subnet, for an endpoint in
# another VPC than the service's. Named to sort after the first, which forms keep offering first.
SECOND_PLANS = {
    ("a", "cn-gzt"): NetworkPlan("vpc-d5a2", "172.16.0.0/20", (("subnet-e3b6", "172.16.0.0/24"),)),
    ("b", "cn-gzt"): NetworkPlan("vpc-f3b8", "172.16.0.0/20", (("subnet-f4d9", "172.16.0.0/24"),)),
    ("a", "cn-sh"): NetworkPlan("vpc-c81d", "172.17.0.0/20", (("subnet-d8a4", "172.17.0.0/24"),)),
    ("b", "cn-sh"): NetworkPlan("vpc-e29a", "172.17.0.0/20", (("subnet-f7c2", "172.17.0.0/24"),)),
}


def host(cidr: str, n: int) -> str:
    return str(ipaddress.ip_network(cidr)[n])


@transaction.atomic
def seed(password: str | None = None) -> dict[str, int]:
    """Create or refresh the demo data. Returns how many rows of each kind exist afterwards."""
    password = password or settings.DEMO_PASSWORD
    regions = seed_regions()
    platform = seed_account(PLATFORM, is_platform=True)
    for region in regions:
        seed_project(platform, region)
    seed_user("operator", platform, staff=True, password=password)
    for key, account_name in TENANTS.items():
        account = seed_account(account_name)
        for region in regions:
            project = seed_project(account, region)
            for role in Role:
                user = seed_user(f"{key}-{role.value}", account, password=password)
                Membership.objects.update_or_create(
                    user=user, project=project, defaults={"role": role}
                )
            seed_network(project, PLANS[(key, region.code)])
            seed_network(project, SECOND_PLANS[(key, region.code)])
    counts = {
        "regions": Region.objects.count(),
        "accounts": Account.objects.count(),
        "users": User.objects.count(),
        "vpcs": net.VPC.objects.count(),
    }
    for builder in registry.ordered(registry.demo_builders):  # the resource apps' rows
        builder.build()
        counts.update(builder.counts())
    return counts


def seed_regions() -> list[Region]:
    regions = []
    for position, (code, zh, en, default, zones) in enumerate(REGIONS):
        region, _ = Region.objects.update_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "is_default": default, "position": position},
        )
        for n in range(1, zones + 1):
            AvailabilityZone.objects.update_or_create(
                code=f"{code}-az{n}", defaults={"region": region, "name": f"{code}-az{n}"}
            )
        regions.append(region)
    return regions


def seed_account(name: str, is_platform: bool = False) -> Account:
    account, _ = Account.objects.update_or_create(
        name=name, defaults={"domain_id": stable_hex("account", name), "is_platform": is_platform}
    )
    return account


def seed_project(account: Account, region: Region) -> Project:
    project, _ = Project.objects.update_or_create(
        account=account,
        region=region,
        defaults={"project_id": stable_hex("project", account.name, region.code)},
    )
    return project


def seed_user(username: str, account: Account, password: str, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"account": account, "email": f"{username}@example.com"}
    )
    user.account = account
    user.is_staff = user.is_superuser = staff
    user.is_active = True
    if created or not user.check_password(password):
        user.set_password(password)
    user.save()
    return user


def resource(model, project: Project, name: str, **fields):
    """update_or_create by a stable primary key, so a rerun changes nothing."""
    obj, _ = model.objects.update_or_create(
        pk=stable_uuid(model.__name__, project.project_id, name),
        defaults={"project": project, "name": name, **fields},
    )
    return obj


def seed_network(project: Project, plan: NetworkPlan) -> None:
    zones = list(project.region.zones.all())
    vpc = resource(net.VPC, project, plan.vpc, cidr=plan.cidr)
    acl = resource(net.NetworkACL, project, f"acl-{plan.vpc[4:]}", enabled=True)
    for direction in net.Direction.values:
        net.NetworkACLRule.objects.update_or_create(
            acl=acl,
            direction=direction,
            priority=100,
            defaults={
                "action": net.RuleAction.ALLOW,
                "protocol": net.Protocol.ANY,
                "cidr": "0.0.0.0/0",
            },
        )
    subnets = [
        resource(
            net.Subnet,
            project,
            name,
            vpc=vpc,
            cidr=cidr,
            gateway_ip=host(cidr, 1),
            availability_zone=zones[i % len(zones)],
            network_acl=acl,
        )
        for i, (name, cidr) in enumerate(plan.subnets)
    ]
    table = resource(net.RouteTable, project, f"rtb-{plan.vpc[4:]}", vpc=vpc, is_default=True)
    net.Route.objects.update_or_create(
        route_table=table,
        destination=plan.cidr,
        defaults={"next_hop_type": "local", "next_hop": ""},
    )
    second = resource(net.RouteTable, project, f"rtb-{plan.vpc[4:]}-2", vpc=vpc, is_default=False)
    # The second subnet uses the second route table: a gateway endpoint on the default one
    # reaches the first subnet only (issue 14, §2.2).
    for subnet in subnets[1:]:
        if subnet.route_table_id != second.pk:
            subnet.route_table = second
            subnet.save(update_fields=["route_table"])

    open_sg = resource(
        net.SecurityGroup,
        project,
        f"sg-{plan.vpc[4:]}-web",
        description="Allows VPC endpoint traffic (198.19.128.0/20)",
    )
    closed_sg = resource(
        net.SecurityGroup,
        project,
        f"sg-{plan.vpc[4:]}-app",
        description="Lacks the 198.19.128.0/20 rule",
    )
    rules = [
        (open_sg, net.Protocol.ANY, None, None, ENDPOINT_SOURCE_RANGE),
        (open_sg, net.Protocol.TCP, 22, 22, plan.cidr),
        (closed_sg, net.Protocol.TCP, 22, 22, plan.cidr),
        (closed_sg, net.Protocol.TCP, 8080, 8080, plan.cidr),
    ]
    for group, protocol, port_min, port_max, cidr in rules:
        net.SecurityGroupRule.objects.get_or_create(
            group=group,
            direction=net.Direction.INGRESS,
            protocol=protocol,
            port_min=port_min,
            port_max=port_max,
            remote_cidr=cidr,
        )

    if not plan.elb:
        return
    subnet = subnets[0]
    backends = [
        (net.LoadBalancer, plan.elb, 10, open_sg),
        (net.Server, plan.ecs, 20, open_sg),
        (net.Server, plan.ecs_closed, 21, closed_sg),
    ]
    for model, name, n, group in backends:
        backend = resource(
            model, project, name, vpc=vpc, subnet=subnet, ip_address=host(subnet.cidr, n)
        )
        backend.security_groups.set([group])

    resource(net.PrivateZone, project, f"{project.region.code}.vpcep.internal", vpc=vpc)
