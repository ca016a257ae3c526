"""A NUL byte in any text that comes in is refused with a message, never stored and never a 500
(issue 9, defect 3). PostgreSQL refuses a NUL in a query parameter with an error (a 500 to the
user); SQLite would store it. So every test here runs with the database refusing such a
parameter as PostgreSQL does: a value that slips past the forms fails the test on SQLite too."""

import re

import pytest
from django.db import DataError, connection
from django.urls import reverse

from console.audit.models import AuditRecord
from console.quotas.models import QuotaRequest, RequestStatus
from console.tenancy.models import AccessKey
from services.models import EndpointService
from tests.services.conftest import project, user, whitelist_rows
from tests.services.test_views import form_data

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


@pytest.fixture(autouse=True)
def database_refuses_nul_like_postgresql(db):
    """A NUL in a text parameter (or as \\u0000 in JSON, which jsonb refuses) raises, as on
    PostgreSQL."""

    def refuse(execute, sql, params, many, context):
        if any("\x00" in s or "\\u0000" in s for s in _strings(params)):
            raise DataError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def test_the_tests_database_refuses_nul_as_postgresql_does(demo_data):
    with pytest.raises(DataError):
        EndpointService.objects.filter(name=NUL).exists()


def text(response) -> str:
    return response.content.decode()


NUL_MESSAGE = "不能包含空字符（NUL）。"


# --- forms with a field -----------------------------------------------------------------------


def test_an_access_key_description_is_refused_at_the_field(login, demo_data):
    client = login("a-admin")
    response = client.post(reverse("access_key_create"), {"description": NUL})
    assert response.status_code == 422 and NUL_MESSAGE in text(response)
    assert response.context["form"].errors["description"]
    assert not AccessKey.objects.filter(user__username="a-admin").exists()
    response = client.post(reverse("access_key_create"), {"description": "ci"})
    assert response.status_code == 302  # to the page that shows the secret once
    assert AccessKey.objects.get(user__username="a-admin").description == "ci"


def test_a_cloud_service_description_edit_is_refused_with_a_message(login, dns):
    client = login("operator")
    url = reverse("operator:system_services")
    response = client.post(
        url, {"_action": "edit", "service": dns.pk, "description": NUL}, follow=True
    )
    assert response.status_code == 200 and f"说明：{NUL_MESSAGE}" in text(response)
    dns.refresh_from_db()
    assert "\x00" not in dns.description
    assert not AuditRecord.objects.filter(action="service.edit").exists()
    client.post(url, {"_action": "edit", "service": dns.pk, "description": "DNS"})
    dns.refresh_from_db()
    assert dns.description == "DNS"


@pytest.mark.parametrize("service", ["\x00", "not-a-uuid"])
def test_a_forged_cloud_service_id_is_a_message(login, demo_data, service):
    response = login("operator").post(
        reverse("operator:system_services"),
        {"_action": "retire", "service": service},
        follow=True,
    )
    assert response.status_code == 200 and "alert-danger" in text(response)


def test_a_quota_decision_answer_is_refused_with_a_message(login, demo_data):
    from console.quotas import operations as quota_ops

    asked = quota_ops.request_increase(
        user("a-admin"), project("tenant-a").project_id, "endpoint", 80, "load test"
    )
    client = login("operator")
    url = reverse("operator:quota_requests")
    response = client.post(
        url, {"request": asked.pk, "decision": "approve", "answer": NUL}, follow=True
    )
    assert response.status_code == 200 and NUL_MESSAGE in text(response)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.PENDING
    client.post(url, {"request": asked.pk, "decision": "approve", "answer": "ok"})
    asked.refresh_from_db()
    assert asked.status == RequestStatus.APPROVED and asked.decision_reason == "ok"


def test_the_create_forms_refuse_it_at_the_field(login, a_network, web):
    client = login("a-admin")
    for field in ("name", "tags-0-key", "tags-0-value"):
        response = client.post(reverse("services:create"), form_data(a_network, **{field: NUL}))
        assert response.status_code == 422 and NUL_MESSAGE in text(response), field
    assert not EndpointService.objects.filter(project__account__name="tenant-a", name="shop")
    response = client.post(reverse("services:tags", args=[web.pk]), {"key": NUL, "value": "x"})
    assert response.status_code == 422 and NUL_MESSAGE in text(response)
    assert not web.tags.exists()
    response = login("a-approver").post(
        reverse("services:permissions", args=[web.pk]), whitelist_rows(NUL)
    )
    assert response.status_code == 422 and NUL_MESSAGE in text(response)


def test_a_quota_request_reason_is_refused_at_the_field(login, demo_data):
    response = login("a-admin").post(
        reverse("quotas"),
        {
            "project_id": project("tenant-a").project_id,
            "resource": "endpoint",
            "wanted": "80",
            "reason": NUL,
        },
    )
    assert response.status_code == 422 and NUL_MESSAGE in text(response)
    assert not QuotaRequest.objects.exists()


def test_a_login_name_with_nul_is_refused(client, demo_data):
    # (The login page shows no field errors, so no message: the login form is defect 6's.)
    response = client.post(reverse("login"), {"username": "a-admin\x00", "password": "x"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


# --- the endpoint wizard: a search term and the name to verify ------------------------------


def test_the_cloud_service_search_ignores_it(login, dns):
    client = login("a-admin")
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(reverse("endpoints:create"), {"q": NUL}, headers=headers)
        assert response.status_code == 200 and "\x00" not in text(response)
        assert dns.service_name in text(response)  # the term is ignored: every service listed
    response = client.get(reverse("endpoints:create"), {"q": "dns"}, headers={"HX-Request": "true"})
    assert dns.service_name in text(response) and "cn.ctyun.cn-gzt.obs" not in text(response)


def test_the_name_to_verify_is_refused_at_the_field(login, web):
    client = login("b-admin")
    name = web.service_name + "\x00"
    response = client.get(
        reverse("endpoints:create"),
        {"category": "name", "service_name": name},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    verify = {
        "category": "name",
        "service_name": name,
        "_action": "verify",
        "tags-TOTAL_FORMS": "0",
        "tags-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("endpoints:create"), verify, headers={"HX-Request": "true"})
    assert response.status_code == 200 and NUL_MESSAGE in text(response)
    assert response.context["form"].errors["service_name"] and response.context["verified"] is None
    response = client.post(reverse("endpoints:create"), {**verify, "_action": "confirm"})
    assert response.status_code == 422 and response.context["form"].errors["service_name"]
    response = client.post(
        reverse("endpoints:create"), {**verify, "service_name": web.service_name}
    )
    assert "已找到服务" in text(response) and not response.context["form"].errors


# --- list filters and links -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, username, params",
    [
        ("services:list", "a-admin", {"q": NUL}),
        ("services:list", "a-admin", {"status": NUL}),
        ("endpoints:list", "a-admin", {"q": NUL}),
        ("endpoints:list", "a-admin", {"status": NUL}),
        ("activity", "a-admin", {"who": NUL}),
        ("activity", "a-admin", {"resource": NUL}),
        ("activity", "operator", {"account": NUL}),
        ("activity", "a-admin", {"what": NUL}),
        ("activity", "a-admin", {"since": NUL}),
    ],
)
def test_a_list_filter_with_nul_lists_nothing_and_says_why(
    login, demo_data, url_name, username, params
):
    client = login(username)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(reverse(url_name), {**params, "sort": NUL}, headers=headers)
        assert response.status_code == 200
        assert 'data-testid="filter-errors"' in text(response)
        assert list(response.context["table"].page.object_list) == []


def test_a_list_filter_without_nul_says_nothing(login, web):
    response = login("a-admin").get(reverse("services:list"), {"q": "web"})
    assert 'data-testid="filter-errors"' not in text(response)
    assert web.service_name in text(response)


def test_a_next_with_nul_is_not_followed(login, demo_data):
    client = login("a-admin")
    target = project("tenant-a", "cn-sh").project_id
    response = client.post(
        reverse("select_project"), {"project_id": target, "next": "/services/\x00"}
    )
    assert response.status_code == 302 and not re.search(r"[\x00-\x1f]", response["Location"])
