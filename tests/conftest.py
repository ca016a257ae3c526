"""Shared fixtures: the demo data (the same a user sees after `make run`) and its users."""

import pytest
from django.conf import settings

from console import demo
from console.network.models import VPC
from console.tenancy.models import User


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
