"""restrict(user, action) and get_object_for: what each kind of user may see and do (T1, T2)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from console.network.models import VPC, Subnet
from console.tenancy.models import Account, Membership, Project, Region, User
from console.tenancy.querysets import APPROVE, CHANGE, CONNECT, SUPPORT, VIEW, can
from console.ui.objects import get_object_for
from tests.conftest import first_vpc

pytestmark = pytest.mark.usefixtures("demo_data")


def user(name: str) -> User:
    return User.objects.get(username=name)


vpc_of = first_vpc


def test_a_tenant_sees_only_its_own_account_resources():
    visible = set(
        VPC.objects.restrict(user("a-member"), VIEW).values_list(
            "project__account__name", flat=True
        )
    )
    assert visible == {"tenant-a"}
    assert (
        Subnet.objects.restrict(user("b-member"), VIEW)
        .exclude(project__account__name="tenant-b")
        .count()
        == 0
    )


def test_an_operator_sees_every_account_and_may_take_things_down_there():
    """Issue 9, defect 10: view and support (take down) everywhere."""
    for action in (VIEW, SUPPORT):
        visible = set(
            VPC.objects.restrict(user("operator"), action).values_list(
                "project__account__name", flat=True
            )
        )
        assert {"tenant-a", "tenant-b"} <= visible, action


@pytest.mark.parametrize("action", [CHANGE, APPROVE, CONNECT])
def test_an_operator_changes_decides_and_connects_only_as_the_platform_account(action):
    """Issue 9, defect 10: an operator used to pass every check in every tenant's project."""
    operator = user("operator")
    tenants = VPC.objects.restrict(operator, action).exclude(project__account__is_platform=True)
    assert not tenants.exists()
    tenant_project = vpc_of("tenant-a").project_id
    platform_project = Project.objects.get(account__is_platform=True, region__code="cn-gzt").pk
    assert not can(operator, action, tenant_project)
    assert can(operator, action, platform_project)
    assert can(operator, VIEW, tenant_project) and can(operator, SUPPORT, tenant_project)


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("a-admin", {VIEW, CHANGE, APPROVE}),
        ("a-approver", {VIEW, APPROVE}),
        ("a-member", {VIEW}),
    ],
)
def test_roles_allow_their_actions_and_refuse_the_others(username, allowed):
    u = user(username)
    for action in (VIEW, CHANGE, APPROVE):
        count = VPC.objects.restrict(u, action).count()
        assert (count > 0) == (action in allowed), action
        assert can(u, action, vpc_of("tenant-a").project_id) == (action in allowed)


def test_roles_are_granted_per_project():
    """A role in one region gives nothing in another (T2: per region/project)."""
    u = user("a-admin")
    Membership.objects.filter(user=u, project__region__code="cn-sh").delete()
    u = user("a-admin")  # fresh object: roles are cached per user object
    regions = set(VPC.objects.restrict(u, VIEW).values_list("project__region__code", flat=True))
    assert regions == {"cn-gzt"}
    assert not can(u, VIEW, vpc_of("tenant-a", "cn-sh").project_id)


def test_anonymous_and_inactive_users_see_nothing():
    assert VPC.objects.restrict(AnonymousUser(), VIEW).count() == 0
    u = user("a-admin")
    u.is_active = False
    assert VPC.objects.restrict(u, VIEW).count() == 0
    assert not can(u, VIEW, vpc_of("tenant-a").project_id)


def test_accounts_regions_and_projects_are_restricted_through_projects():
    u = user("b-approver")
    assert list(Account.objects.restrict(u, VIEW).values_list("name", flat=True)) == ["tenant-b"]
    assert Account.objects.restrict(u, CHANGE).count() == 0
    assert set(Project.objects.restrict(u, VIEW).values_list("account__name", flat=True)) == {
        "tenant-b"
    }
    assert Region.objects.restrict(u, VIEW).count() == 2


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown action"):
        VPC.objects.restrict(user("a-admin"), "delete-everything")


def test_another_accounts_object_is_a_404_and_a_missing_role_a_403():
    mine, theirs = vpc_of("tenant-a"), vpc_of("tenant-b")
    assert get_object_for(user("a-admin"), VPC.objects.all(), CHANGE, pk=mine.pk) == mine
    assert get_object_for(user("a-member"), VPC.objects.all(), VIEW, pk=mine.pk) == mine
    with pytest.raises(PermissionDenied):
        get_object_for(user("a-member"), VPC.objects.all(), CHANGE, pk=mine.pk)
    for action in (VIEW, CHANGE):
        with pytest.raises(Http404):
            get_object_for(user("a-admin"), VPC.objects.all(), action, pk=theirs.pk)
    with pytest.raises(Http404):
        get_object_for(
            user("a-admin"), VPC.objects.all(), VIEW, pk="00000000-0000-0000-0000-000000000000"
        )
