"""Forged and garbage input is refused with a message, never a 500 (found in review)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from endpoints.models import Endpoint, EndpointStatus
from services import operations as ops
from services.models import EndpointService
from tests.services.conftest import user

pytestmark = pytest.mark.django_db

GARBAGE = ["²", "9" * 5000, "1" * 30, "-1", "abc", ""]


@pytest.fixture
def web(demo_data):
    return EndpointService.objects.get(name="web")


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_whitelist_ids(login, web, value):
    client = login("a-approver")
    assert (
        client.post(
            reverse("services:permissions_remove", args=[web.pk]), {"permission": value}
        ).status_code
        == 302
    )
    assert (
        client.get(
            reverse("services:permissions_remove_confirm", args=[web.pk]), {"permission": value}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_row_counts_and_row_numbers(login, demo_data, value):
    client = login("a-admin")
    for url, action in (
        (reverse("services:create"), "add_port"),
        (reverse("services:create"), f"remove_port-{value}"),
        (reverse("endpoints:create"), "add_tag"),
        (reverse("endpoints:create"), f"remove_tag-{value}"),
    ):
        data = {
            "_action": action,
            "ports-TOTAL_FORMS": value,
            "ports-INITIAL_FORMS": "0",
            "tags-TOTAL_FORMS": value,
            "tags-INITIAL_FORMS": "0",
        }
        assert client.post(url, data).status_code == 200


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_quota_request_ids(login, demo_data, value):
    response = login("operator").post(
        reverse("operator:quota_requests"), {"request": value, "decision": "approve"}
    )
    assert response.status_code == 302


def test_a_gateway_cloud_service_with_ports_is_refused_at_the_field(login, demo_data):
    response = login("operator").post(
        reverse("operator:system_services"),
        {
            "_action": "create",
            "region": EndpointService.objects.get(name="web").project.region.pk,
            "name": "obs2",
            "service_type": "gateway",
            "route_prefix": "100.126.0.0/16",
            "port_mappings": "TCP 0:0",
        },
    )
    assert response.status_code == 422 and response.context["form"].errors["port_mappings"]
    assert not EndpointService.objects.filter(name="obs2").exists()


def test_duplicate_cloud_service_ports_are_refused(login, demo_data):
    response = login("operator").post(
        reverse("operator:system_services"),
        {
            "_action": "create",
            "region": EndpointService.objects.get(name="web").project.region.pk,
            "name": "ntp",
            "service_type": "interface",
            "port_mappings": "UDP 123:123, UDP 123:123",
        },
    )
    assert response.status_code == 422 and not EndpointService.objects.filter(name="ntp").exists()


def test_no_decisions_or_whitelist_changes_while_the_service_is_deleting(web):
    from django.core.exceptions import ValidationError

    Endpoint.objects.filter(service=web, status=EndpointStatus.ACCEPTED).update(
        status=EndpointStatus.REJECTED
    )
    ops.delete_service(user("a-admin"), web.pk)
    pending = web.endpoints.filter(status=EndpointStatus.PENDING).first()
    with pytest.raises(ValidationError, match="可连接"):
        ops.decide_connections(user("a-approver"), web.pk, [pending.pk], "accept")
    with pytest.raises(ValidationError, match="可连接"):
        ops.add_permissions(user("a-approver"), web.pk, ["*"])


def test_reconcile_enqueues_stuck_work_again(web, capsys):
    EndpointService.objects.filter(pk=web.pk).update(
        status="creating", updated_at="2000-01-01T00:00:00Z"
    )
    call_command("reconcile")
    web.refresh_from_db()
    assert web.status == "available"  # the immediate backend ran the provisioning again
    assert "Enqueued 1" in capsys.readouterr().out


def test_connection_checkboxes_are_labelled(login, web):
    page = login("a-approver").get(reverse("services:connections", args=[web.pk])).content.decode()
    for endpoint in web.endpoints.all():
        assert f'aria-label="选择 {endpoint.pk}"' in page
