"""Access keys on 我的凭证 (T4): at most two, your own only, the secret shown once."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from console.audit.models import AuditRecord
from console.tenancy import operations as ops
from console.tenancy.models import AccessKey, User

pytestmark = pytest.mark.django_db


def user(name):
    return User.objects.get(username=name)


def test_the_secret_is_shown_once_and_kept_encrypted(login):
    client = login("a-member")
    response = client.post(reverse("access_key_create"), {"description": "ci"}, follow=True)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = re.search(r'data-testid="secret">([A-Za-z0-9]{40})<', response.content.decode()).group(
        1
    )
    key = AccessKey.objects.get(user__username="a-member")
    assert key.secret == secret and secret not in key.secret_encrypted
    assert re.fullmatch(r"[A-Z0-9]{20}", key.access_key_id)
    page = client.get(reverse("credentials")).content.decode()
    assert key.access_key_id in page and secret not in page  # never again
    assert AuditRecord.objects.filter(
        action="access_key.create", resource_id=str(key.pk), project__isnull=True
    ).exists()


def test_at_most_two_keys_per_user(login, demo_data):
    ops.create_access_key(user("a-admin"))
    ops.create_access_key(user("a-admin"))
    with pytest.raises(ValidationError, match="2"):
        ops.create_access_key(user("a-admin"))
    response = login("a-admin").post(reverse("access_key_create"), follow=True)
    assert "已达上限" in response.content.decode()
    assert AccessKey.objects.filter(user__username="a-admin").count() == 2
    ops.create_access_key(user("a-member"))  # the limit is per user


def test_disable_enable_delete_your_own_key(login, demo_data):
    key, _secret = ops.create_access_key(user("a-admin"))
    client = login("a-admin")
    client.post(reverse("access_key_status", args=[key.pk]), {"enabled": "0"})
    key.refresh_from_db()
    assert not key.is_active
    client.post(reverse("access_key_status", args=[key.pk]), {"enabled": "1"})
    key.refresh_from_db()
    assert key.is_active
    client.post(reverse("access_key_delete", args=[key.pk]))
    assert not AccessKey.objects.filter(pk=key.pk).exists()


def test_nobody_touches_another_users_key(login, demo_data):
    key, _secret = ops.create_access_key(user("a-admin"))
    client = login("a-member")  # same account, another user
    assert client.post(reverse("access_key_delete", args=[key.pk])).status_code == 404
    assert (
        client.post(reverse("access_key_status", args=[key.pk]), {"enabled": "0"}).status_code
        == 404
    )
    page = client.get(reverse("credentials")).content.decode()
    assert key.access_key_id not in page
    # a member creating "for" someone else still creates their own
    client.post(reverse("access_key_create"), {"user": user("a-admin").pk})
    assert AccessKey.objects.filter(user__username="a-member").count() == 1
    assert AccessKey.objects.filter(user__username="a-admin").count() == 1


def test_the_secret_is_not_in_the_page_title(login):
    response = login("a-admin").post(reverse("access_key_create"), follow=True)
    page = response.content.decode()
    secret = re.search(r'data-testid="secret">([A-Za-z0-9]{40})<', page).group(1)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert secret not in title and page.count(secret) == 1


def test_a_reload_after_creating_a_key_creates_no_other_and_hides_the_secret(login):
    """Post/redirect/get: the POST answers with a redirect; the page it leads to shows the
    secret once; reloading that page (a GET) shows it no more and creates nothing."""
    client = login("a-member")
    response = client.post(reverse("access_key_create"), {"description": "ci"})
    assert response.status_code == 302
    assert response["Location"] == reverse("credentials") + "#access-keys"
    key = AccessKey.objects.get(user__username="a-member")
    shown = client.get(reverse("credentials"))
    page = shown.content.decode()
    assert 'data-testid="new-secret"' in page and key.secret in page
    assert shown["Cache-Control"] == "no-store"
    reloaded = client.get(reverse("credentials"))
    page = reloaded.content.decode()
    assert 'data-testid="new-secret"' not in page and key.secret not in page
    assert key.access_key_id in page  # the key is listed, without its secret
    assert AccessKey.objects.filter(user__username="a-member").count() == 1
    assert AuditRecord.objects.filter(action="access_key.create").count() == 1


def test_a_refused_key_description_is_answered_with_the_form_and_no_redirect(login):
    client = login("a-member")
    response = client.post(reverse("access_key_create"), {"description": "x" * 1000})
    assert response.status_code == 422 and response.context["form"].errors["description"]
    assert 'data-testid="new-secret"' not in response.content.decode()
    assert not AccessKey.objects.filter(user__username="a-member").exists()
