import pytest

from console.network.models import VPC, LoadBalancer, Server
from console.tenancy.models import Project, User
from endpoints.models import Endpoint, EndpointStatus, PacketIdSequence
from services.models import EndpointService
from services.operations import Port


def user(name: str) -> User:
    return User.objects.get(username=name)


def project(account: str, region: str = "cn-gzt") -> Project:
    return Project.objects.get(account__name=account, region__code=region)


@pytest.fixture
def a_network(demo_data):
    """tenant-a's VPC, load balancer and servers in cn-gzt."""
    return {
        "project": project("tenant-a"),
        "vpc": VPC.objects.get(name="vpc-638b"),
        "elb": LoadBalancer.objects.get(name="elb-97rn"),
        "ecs": Server.objects.get(name="ecs-66a6"),
    }


@pytest.fixture
def create_kwargs(a_network):
    """Valid arguments for create_service as tenant-a in cn-gzt."""
    return {
        "vpc_id": a_network["vpc"].pk,
        "backend_type": "LB",
        "backend_id": a_network["elb"].pk,
        "ports": [Port("TCP", 80, 8080)],
    }


@pytest.fixture
def web(demo_data) -> EndpointService:
    return EndpointService.objects.get(name="web", is_system=False)


def connect(
    service: EndpointService, status: str = EndpointStatus.PENDING, account: str = "tenant-b"
) -> Endpoint:
    """An endpoint of `account` connected to `service` (the endpoints issue adds the wizard)."""
    p = project(account, service.project.region.code)
    vpc = VPC.objects.filter(project=p).first()
    return Endpoint.objects.create(
        project=p,
        service=service,
        vpc=vpc,
        subnet=vpc.subnets.first(),
        status=status,
        packet_id=PacketIdSequence.next(),
    )


def whitelist_rows(*principals: str, description: str = "", action: str = "save") -> dict:
    """The POST of 添加白名单记录: one row per account."""
    data = {
        "principals-TOTAL_FORMS": str(len(principals)),
        "principals-INITIAL_FORMS": "0",
        "description": description,
        "_action": action,
    }
    data.update({f"principals-{n}-principal": p for n, p in enumerate(principals)})
    return data
