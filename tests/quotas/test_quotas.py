"""我的配额 and increase requests (Q1, Q2, S5, E3): figures, lifecycle, roles."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from console.audit.models import AuditRecord
from console.quotas import operations as ops
from console.quotas.models import Quota, QuotaRequest
from console.quotas.usage import used
from services import operations as service_ops
from tests.services.conftest import project, user

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def ask(
    username="a-admin", wanted=21, resource="endpoint_service", region="cn-gzt", reason="more shops"
):
    return ops.request_increase(
        user(username), project("tenant-a", region).project_id, resource, wanted, reason
    )


def test_my_quotas_shows_quota_and_use_per_region(login, demo_data):
    page = html(login("a-member").get(reverse("quotas")))
    assert page.count("<meter") == 4  # two regions, two resources
    assert 'max="20" value="2"' in page and 'max="50" value="0"' in page
    assert "华东-上海" in page and "华南-广州" in page


def test_the_quota_page_runs_a_fixed_number_of_queries(login, demo_data, django_assert_num_queries):
    client = login("a-admin")
    client.get(reverse("quotas"))
    # session, user, roles, projects, service counts, endpoint counts, overrides, requests
    with django_assert_num_queries(8):
        client.get(reverse("quotas"))


def test_the_request_lifecycle_approved(login, client, demo_data, create_kwargs):
    client = login("a-admin")
    Quota.objects.create(
        project=project("tenant-a"), resource="endpoint_service", limit=2
    )  # used up
    response = client.post(
        reverse("quotas"),
        {
            "project_id": project("tenant-a").project_id,
            "resource": "endpoint_service",
            "wanted": 3,
            "reason": "shops",
        },
    )
    assert response.status_code == 302
    request = QuotaRequest.objects.get()
    assert request.status == "pending" and request.requested_by.username == "a-admin"
    assert "等待运维人员处理" in html(client.get(reverse("quotas")))
    # At the quota: a create is refused...
    with pytest.raises(ValidationError):
        service_ops.create_service(user("a-admin"), project("tenant-a"), **create_kwargs)
    # ...the operator approves, and the next creation goes through at once.
    ops.decide_request(user("operator"), request.pk, approve=True)
    assert Quota.objects.get(project=project("tenant-a"), resource="endpoint_service").limit == 3
    service_ops.create_service(user("a-admin"), project("tenant-a"), **create_kwargs)
    page = html(client.get(reverse("quotas")))
    assert "已批准" in page and 'max="3" value="3"' in page
    assert AuditRecord.objects.filter(action="quota.approve", actor_name="operator").exists()


def test_a_declined_request_shows_the_reason(login, demo_data):
    request = ask()
    with pytest.raises(ValidationError):
        ops.decide_request(user("operator"), request.pk, approve=False, answer="")
    ops.decide_request(user("operator"), request.pk, approve=False, answer="Use the other region")
    page = html(login("a-member").get(reverse("quotas")))
    assert "已拒绝" in page and "Use the other region" in page
    with pytest.raises(ValidationError):  # decided once
        ops.decide_request(user("operator"), request.pk, approve=True)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"wanted": 20}, "wanted"),
        ({"wanted": 5}, "wanted"),
        ({"reason": " "}, "reason"),
        ({"resource": "disks"}, "resource"),
    ],
)
def test_bad_requests_are_refused_at_the_field(demo_data, kwargs, field):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        ask(**kwargs)
    assert field in excinfo.value.message_dict
    assert not QuotaRequest.objects.exists()


def test_one_waiting_request_per_quota(demo_data):
    ask()
    with pytest.raises(ValidationError) as excinfo:
        ask(wanted=30)
    assert "resource" in excinfo.value.message_dict
    ask(resource="endpoint", wanted=60)  # another quota is fine


def test_only_admins_ask_and_only_operators_decide(demo_data):
    with pytest.raises(PermissionDenied):
        ask(username="a-member")
    with pytest.raises(Http404):  # another account's project
        ops.request_increase(user("a-admin"), project("tenant-b").project_id, "endpoint", 60, "x")
    request = ask()
    for name in ("a-admin", "b-admin"):
        with pytest.raises(PermissionDenied):
            ops.decide_request(user(name), request.pk, approve=True)


def test_an_operators_quota_change_applies_to_the_next_creation(demo_data, create_kwargs):
    p = project("tenant-a")
    ops.set_limit(user("operator"), p, "endpoint_service", 2)
    with pytest.raises(ValidationError):
        service_ops.create_service(user("a-admin"), p, **create_kwargs)
    ops.set_limit(user("operator"), p, "endpoint_service", 3)
    service_ops.create_service(user("a-admin"), p, **create_kwargs)
    assert used(p, "endpoint_service") == 3
    with pytest.raises(PermissionDenied):
        ops.set_limit(user("a-admin"), p, "endpoint_service", 100)
