"""The demo data of `make run`: idempotent, and shaped for the walkthroughs of the manual."""

import ipaddress

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from console import demo
from console.demo.data import ENDPOINT_SOURCE_RANGE
from console.network import models as net
from console.tenancy.models import Account, Membership, Project, Region, User

pytestmark = pytest.mark.django_db

MODELS = [
    Region,
    Account,
    Project,
    User,
    Membership,
    net.VPC,
    net.Subnet,
    net.RouteTable,
    net.Route,
    net.SecurityGroup,
    net.SecurityGroupRule,
    net.NetworkACL,
    net.NetworkACLRule,
    net.LoadBalancer,
    net.Server,
    net.PrivateZone,
]


def snapshot():
    return {m.__name__: sorted(map(str, m.objects.values_list("pk", flat=True))) for m in MODELS}


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert "Demo data ready" in capsys.readouterr().out
    assert first["Region"] and first["VPC"] and first["Server"]


def test_demo_users_log_in_with_the_demo_password_and_hold_their_roles():
    call_command("seed_demo")
    for name in [
        "operator",
        "a-admin",
        "a-approver",
        "a-member",
        "b-admin",
        "b-approver",
        "b-member",
    ]:
        assert authenticate(username=name, password=settings.DEMO_PASSWORD) is not None, name
    operator = User.objects.get(username="operator")
    assert operator.is_operator and operator.account.is_platform
    roles = dict(
        Membership.objects.filter(
            user__username__startswith="b-", project__region__code="cn-gzt"
        ).values_list("user__username", "role")
    )
    assert roles == {"b-admin": "admin", "b-approver": "approver", "b-member": "member"}


def test_two_regions_with_zones_and_one_default():
    call_command("seed_demo")
    assert list(Region.objects.values_list("code", flat=True)) == ["cn-gzt", "cn-sh"]
    assert Region.objects.get(is_default=True).code == "cn-gzt"
    assert all(region.zones.count() >= 2 for region in Region.objects.all())


def test_tenant_vpcs_overlap_between_accounts():
    """§5.3: endpoints work between VPCs whose CIDRs overlap, unlike peering."""
    call_command("seed_demo")
    a = net.VPC.objects.get(project__account__name="tenant-a", name="vpc-638b")
    b = net.VPC.objects.get(project__account__name="tenant-b", name="vpc-4e1c")
    assert a.project.region.code == b.project.region.code == "cn-gzt"
    assert ipaddress.ip_network(a.cidr).overlaps(ipaddress.ip_network(b.cidr))


def test_one_backend_lacks_the_endpoint_source_rule_for_the_backend_check():
    call_command("seed_demo")

    def admits(server):
        return any(
            rule.remote_cidr == ENDPOINT_SOURCE_RANGE
            for group in server.security_groups.all()
            for rule in group.rules.all()
        )

    servers = net.Server.objects.filter(
        project__account__name="tenant-a", project__region__code="cn-gzt"
    )
    assert {admits(s) for s in servers} == {True, False}


def test_each_tenant_has_two_vpcs_with_a_subnet_in_every_region():
    """§2.2: an endpoint in another VPC of the same account can be followed literally."""
    call_command("seed_demo")
    for project in Project.objects.exclude(account__is_platform=True):
        vpcs = list(net.VPC.objects.filter(project=project))
        assert len(vpcs) == 2, project
        assert all(vpc.subnets.exists() for vpc in vpcs), project
    assert Project.objects.filter(account__is_platform=False).count() == 4  # 2 tenants x 2 regions
    first = net.VPC.objects.filter(
        project__account__name="tenant-a", project__region__code="cn-gzt"
    )
    assert [vpc.name for vpc in first] == ["vpc-638b", "vpc-d5a2"]  # the first is offered first


def test_seed_reports_what_the_resource_apps_built():
    counts = demo.seed()
    assert counts["vpcs"] == 8
    assert counts["endpoint services"] == 5 and counts["endpoints"] == 2
