import pytest

from console.network.models import VPC, RouteTable, Subnet
from services.models import EndpointService
from tests.services.conftest import project, user  # noqa: F401 - shared helpers


@pytest.fixture
def dns(demo_data) -> EndpointService:
    return EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.dns")


@pytest.fixture
def obs(demo_data) -> EndpointService:
    return EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.obs")


@pytest.fixture
def web(demo_data) -> EndpointService:
    return EndpointService.objects.get(name="web")


@pytest.fixture
def a_request(demo_data):
    """Valid create_endpoint arguments for tenant-a in cn-gzt (service left to the test)."""
    vpc = VPC.objects.get(name="vpc-638b")
    return {"vpc_id": vpc.pk, "subnet_id": Subnet.objects.get(name="subnet-71cf").pk}


@pytest.fixture
def a_route_table(demo_data) -> RouteTable:
    return RouteTable.objects.get(name="rtb-638b")
