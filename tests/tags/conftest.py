import pytest

from services.models import EndpointService
from tests.endpoints.conftest import a_request, dns  # noqa: F401 - shared fixtures
from tests.services.conftest import a_network, create_kwargs, project, user  # noqa: F401


@pytest.fixture
def web(demo_data) -> EndpointService:
    return EndpointService.objects.get(name="web", is_system=False)


@pytest.fixture
def app(demo_data) -> EndpointService:
    return EndpointService.objects.get(name="app", is_system=False)


def tag(obj, **pairs) -> None:
    for key, value in pairs.items():
        obj.tags.create(key=key, value=value)
