"""A cloud service's whitelist is the platform's: anyone may connect to a cloud service whatever
it lists, so changing it would change nothing; it is refused as 修改 is (API probe, 2026-11-29)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from services import operations as ops
from services.models import EndpointService

from .conftest import user

pytestmark = pytest.mark.django_db

REFUSAL = "云服务由平台提供，不能修改。"


@pytest.fixture
def dns(demo_data):
    return EndpointService.objects.filter(name="dns", is_system=True).first()


def test_the_operator_cannot_change_a_cloud_services_whitelist(dns):
    before = list(dns.permissions.values_list("principal", "description"))
    record = dns.permissions.first()
    for change in (
        lambda: ops.add_permissions(user("operator"), dns.pk, ["iam:domain::" + "c" * 32]),
        lambda: ops.remove_permissions(user("operator"), dns.pk, [record.pk]),
        lambda: ops.update_permission_description(user("operator"), dns.pk, record.pk, "x"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            change()
        assert excinfo.value.messages == [REFUSAL]
    assert list(dns.permissions.values_list("principal", "description")) == before


def test_the_tab_offers_no_whitelist_controls_on_a_cloud_service(login, dns, demo_data):
    page = login("operator").get(reverse("services:permissions", args=[dns.pk]))
    assert page.status_code == 200
    assert "添加白名单记录" not in page.content.decode()
    web = EndpointService.objects.get(name="web", is_system=False)
    page = login("a-approver").get(reverse("services:permissions", args=[web.pk]))
    assert "添加白名单记录" in page.content.decode()  # a tenant's service: offered
    assert ops.add_permissions(user("a-approver"), web.pk, ["iam:domain::" + "c" * 32])
