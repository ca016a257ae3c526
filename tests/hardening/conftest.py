"""Issue 9's hardening tests use the services' and endpoints' fixtures."""

from tests.endpoints.conftest import dns  # noqa: F401 - shared fixture
from tests.services.conftest import a_network, web  # noqa: F401 - shared fixtures
