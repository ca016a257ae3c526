"""Shared fixtures: the demo data (the same a user sees after `make run`) and its users."""

import threading

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from console import demo
from console.network.models import VPC
from console.tenancy.models import User


class OneRequestAtATimeOnSharedSQLite(ThreadedWSGIServer):
    """The live server, but on SQLite's in-memory test database every request thread uses the
    test's one connection (Django passes it over): two requests at once, as a browser makes
    them, then interleave statements on it ("bad parameter or other API misuse", a 500 in a
    browser test). Requests take turns there; on PostgreSQL each thread has its own connection
    and nothing changes. Connections stay persistent: the lock is per request, not per socket.
    The test's own thread does not take the lock: a test should read the database only once
    the page it waits for has answered."""

    turn = threading.Lock()

    def set_app(self, application):
        if self.connections_override:
            inner = application

            def application(environ, start_response):
                with self.turn:
                    return inner(environ, start_response)

        super().set_app(application)


LiveServerThread.server_class = OneRequestAtATimeOnSharedSQLite


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started once the test database exists. Started before, it
    saw the settings' database, not the in-memory test one, so it did not share the test's
    connection: each request thread opened its own to SQLite's shared-cache memory database,
    whose table locks do not wait ("database table is locked", a 500 in a browser test)."""
    return live_server


@pytest.fixture
def demo_data(db):
    return demo.seed(password=settings.DEMO_PASSWORD)


@pytest.fixture
def login(client, demo_data):
    """login("a-admin") -> the test client, logged in as that demo user."""

    def _login(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return _login


@pytest.fixture
def seeded(transactional_db):
    """The demo data, committed, so that every thread's own connection sees it."""
    return demo.seed(password=settings.DEMO_PASSWORD)


def first_vpc(account: str, region: str = "cn-gzt") -> VPC:
    """The account's first demo VPC in the region (the demo has two per region, §2.2)."""
    return VPC.objects.filter(
        project__account__name=account, project__region__code=region
    ).earliest("name")
