from tests.services.conftest import web  # noqa: F401 - shared fixture
