from tests.services.conftest import a_network, create_kwargs  # noqa: F401 - shared fixtures
