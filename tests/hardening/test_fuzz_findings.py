"""500s the fuzz suite (tests/fuzz) found beyond the issue's list, each kept found (issue 9)."""

import pytest
from django.test import Client
from django.urls import reverse

from console.network.models import SecurityGroup
from console.tenancy.models import Membership, Project, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(demo_data):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="operator"))
    return client


def test_a_bulk_admin_action_on_malformed_ids_says_so(operator):
    url = reverse("admin:network_securitygroup_changelist")
    before = SecurityGroup.objects.count()
    response = operator.post(
        url,
        {"action": "delete_selected", "index": "0", "_selected_action": "<script>"},
        follow=True,
    )
    assert response.status_code == 200
    assert "所选的部分项目不存在" in response.content.decode()
    assert SecurityGroup.objects.count() == before


def test_a_bulk_admin_action_on_real_ids_still_works(operator):
    group = SecurityGroup.objects.first()
    response = operator.post(
        reverse("admin:network_securitygroup_changelist"),
        {"action": "delete_selected", "index": "0", "_selected_action": str(group.pk)},
    )
    assert response.status_code == 200 and str(group) in response.content.decode()  # confirm


def test_a_malformed_project_in_a_users_roles_is_refused_at_the_field(operator):
    user = User.objects.get(username="a-member")
    roles = Membership.objects.filter(user=user).count()
    data = {
        "username": user.username,
        "account": user.account_id,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-project": "x<svg>",
        "memberships-0-role": "admin",
    }
    url = reverse("admin:tenancy_user_change", args=[user.pk])
    response = operator.post(url, data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert Membership.objects.filter(user=user).count() == roles
    data["memberships-0-project"] = str(
        Project.objects.get(account__name="tenant-b", region__code="cn-gzt").pk
    )
    response = operator.post(url, data)  # another account's project: refused too
    assert Membership.objects.filter(user=user).count() == roles


@pytest.mark.parametrize("next_url", ["80", "home", "><img src=x onerror=alert(1)>"])
def test_switching_region_with_an_odd_next_goes_home(login, next_url):
    client = login("a-admin")
    project = Project.objects.get(account__name="tenant-a", region__code="cn-sh")
    response = client.post(
        reverse("select_project"), {"project_id": project.project_id, "next": next_url}
    )
    assert response.status_code == 302
    assert "<" not in response["Location"] and "://" not in response["Location"]
    assert client.session["project_id"] == project.project_id


def test_switching_region_keeps_a_good_next(login):
    client = login("a-admin")
    project = Project.objects.get(account__name="tenant-a", region__code="cn-sh")
    response = client.post(
        reverse("select_project"), {"project_id": project.project_id, "next": "/services/"}
    )
    assert response["Location"] == "/services/"


def test_users_are_deactivated_not_deleted_in_the_admin(operator):
    """The fuzz suite deleted every user, the operator too, through the admin's bulk delete,
    and the admin's history went with them. Users are deactivated instead."""
    ids = [str(pk) for pk in User.objects.values_list("pk", flat=True)]
    response = operator.post(
        reverse("admin:tenancy_user_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert User.objects.count() == len(ids)
    change = operator.get(reverse("admin:tenancy_user_change", args=[ids[0]]))
    assert change.status_code == 200
    assert f"/admin/tenancy/user/{ids[0]}/delete/" not in change.content.decode()
