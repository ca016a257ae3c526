"""The network inventory keeps its own shape: subnets inside VPCs, links within a project (N1)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from console.network.models import RouteTable, Server, Subnet, validate_cidr
from tests.conftest import first_vpc

pytestmark = pytest.mark.usefixtures("demo_data")


vpc = first_vpc


def test_cidr_must_be_a_network():
    validate_cidr("192.168.0.0/24")
    for bad in ("192.168.0.1/24", "300.1.1.0/24", "vpc-638b"):
        with pytest.raises(ValidationError, match="CIDR"):
            validate_cidr(bad)


def test_a_subnet_inside_its_vpc_is_accepted_and_one_outside_refused():
    v = vpc("tenant-a")
    Subnet(
        project=v.project, vpc=v, name="subnet-ok", cidr="192.168.5.0/24", gateway_ip="192.168.5.1"
    ).full_clean()
    outside = Subnet(
        project=v.project, vpc=v, name="subnet-x", cidr="10.9.0.0/24", gateway_ip="10.9.0.1"
    )
    with pytest.raises(ValidationError) as excinfo:
        outside.full_clean()
    assert "cidr" in excinfo.value.message_dict


def test_a_gateway_outside_the_subnet_is_refused():
    v = vpc("tenant-a")
    subnet = Subnet(
        project=v.project, vpc=v, name="s", cidr="192.168.5.0/24", gateway_ip="192.168.6.1"
    )
    with pytest.raises(ValidationError) as excinfo:
        subnet.full_clean()
    assert "gateway_ip" in excinfo.value.message_dict


def test_a_subnet_cannot_join_another_accounts_vpc():
    a, b = vpc("tenant-a"), vpc("tenant-b")
    subnet = Subnet(
        project=a.project, vpc=b, name="s", cidr="192.168.5.0/24", gateway_ip="192.168.5.1"
    )
    with translation.override("en"), pytest.raises(ValidationError, match="another project"):
        subnet.full_clean()


def test_a_backend_must_sit_in_a_subnet_of_its_vpc():
    a = vpc("tenant-a")
    subnet = a.subnets.order_by("name").first()
    ok = Server(
        project=a.project,
        vpc=a,
        subnet=subnet,
        name="ecs-new",
        ip_address=str(subnet.gateway_ip)[:-1] + "99",
    )
    ok.full_clean()
    elsewhere = Server(
        project=a.project, vpc=a, subnet=subnet, name="ecs-far", ip_address="10.1.1.1"
    )
    with pytest.raises(ValidationError) as excinfo:
        elsewhere.full_clean()
    assert "ip_address" in excinfo.value.message_dict


def test_a_subnet_takes_a_route_table_of_its_own_vpc_only():
    """Issue 14: a gateway endpoint's routes reach the subnets of its route tables."""
    v = vpc("tenant-a")
    own = RouteTable.objects.filter(vpc=v).exclude(is_default=True).first()
    subnet = Subnet(
        project=v.project,
        vpc=v,
        name="s",
        cidr="192.168.5.0/24",
        gateway_ip="192.168.5.1",
        route_table=own,
    )
    subnet.full_clean()
    # The demo gives each tenant a second VPC per region, with its own route tables.
    subnet.route_table = RouteTable.objects.filter(vpc__project=v.project).exclude(vpc=v).first()
    with pytest.raises(ValidationError) as excinfo:
        subnet.full_clean()
    assert "route_table" in excinfo.value.message_dict
