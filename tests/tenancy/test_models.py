"""Account IDs, operators and roles: the rules the data itself keeps (T1, T2)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from console.tenancy.models import Account, Membership, Project, Region, Role, User


@pytest.mark.django_db
def test_account_ids_are_32_lowercase_hex_digits():
    account = Account.objects.create(name="acme")
    assert len(account.domain_id) == 32 and account.domain_id == account.domain_id.lower()
    assert account.principal == f"iam:domain::{account.domain_id}"
    account.full_clean()

    bad = Account(name="bad", domain_id="XYZ")
    with pytest.raises(ValidationError) as excinfo:
        bad.full_clean()
    assert "domain_id" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(name="bad", domain_id="G" * 32)


@pytest.mark.django_db
def test_there_is_one_platform_account():
    Account.objects.create(name="platform", is_platform=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(name="another-platform", is_platform=True)


@pytest.mark.django_db
def test_only_platform_users_can_be_operators():
    tenant = Account.objects.create(name="acme")
    platform = Account.objects.create(name="platform", is_platform=True)
    with pytest.raises(ValidationError) as excinfo:
        User(username="eve", account=tenant, is_staff=True).clean()
    assert "is_staff" in excinfo.value.message_dict
    User(username="olga", account=platform, is_staff=True).clean()


@pytest.mark.django_db
def test_roles_are_given_only_in_the_users_own_account():
    region = Region.objects.create(code="cn-x", name_zh="测试", name_en="Test")
    a, b = Account.objects.create(name="a"), Account.objects.create(name="b")
    user = User.objects.create_user("u", account=a)
    ok = Membership(
        user=user, project=Project.objects.create(account=a, region=region), role=Role.ADMIN
    )
    ok.full_clean()
    foreign = Membership(
        user=user, project=Project.objects.create(account=b, region=region), role=Role.ADMIN
    )
    with pytest.raises(ValidationError) as excinfo:
        foreign.full_clean()
    assert "project" in excinfo.value.message_dict


@pytest.mark.django_db
def test_an_account_has_one_project_per_region():
    region = Region.objects.create(code="cn-x", name_zh="测试", name_en="Test")
    account = Account.objects.create(name="a")
    Project.objects.create(account=account, region=region)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(account=account, region=region)
