"""预定义标签 (issue 10, Tags): an account's administrators create, edit and delete them; every
tag form suggests them and links to their page."""

import pytest
from django.urls import reverse

from console.audit.models import AuditRecord
from console.tags import operations as ops
from console.tags.models import PredefinedTag
from console.tenancy.models import Account

from .conftest import user

pytestmark = pytest.mark.django_db

PAGE = "/tags/predefined/"


def html(response) -> str:
    return response.content.decode()


def predefine(account: str, key: str, value: str = "") -> PredefinedTag:
    return PredefinedTag.objects.create(
        account=Account.objects.get(name=account), key=key, value=value
    )


def test_the_page_and_its_navigation_entry_are_for_administrators(login, demo_data):
    assert reverse("tags:predefined") == PAGE
    page = html(login("a-admin").get(reverse("services:list")))
    assert f'href="{PAGE}"' in page and "预定义标签" in page
    response = login("a-admin").get(PAGE)
    assert response.status_code == 200 and "<h1" in html(response)
    assert 'aria-current="page" href="/tags/predefined/"' in html(response)
    for name in ("a-member", "a-approver"):
        assert f'href="{PAGE}"' not in html(login(name).get(reverse("services:list")))
        assert login(name).get(PAGE).status_code == 403
        assert login(name).post(PAGE, {"key": "env", "value": "x"}).status_code == 403
    assert not PredefinedTag.objects.exists()


def test_an_administrator_creates_one_and_it_is_listed_and_audited(login, demo_data):
    client = login("a-admin")
    response = client.post(PAGE, {"key": " env ", "value": "prod"}, follow=True)
    page = html(response)
    assert "预定义标签 env=prod 已创建。" in page
    assert "<td>env</td>" in page and "<td>prod</td>" in page
    tag = PredefinedTag.objects.get()
    assert (tag.account.name, tag.key, tag.value) == ("tenant-a", "env", "prod")
    entry = AuditRecord.objects.get(action="predefined_tag.create")
    assert entry.actor_name == "a-admin" and entry.after == {"key": "env", "value": "prod"}
    assert entry.project is None and entry.account == tag.account
    # Another value of the same key is another predefined tag; an empty value is one too.
    client.post(PAGE, {"key": "env", "value": "dev"})
    client.post(PAGE, {"key": "env", "value": ""})
    assert PredefinedTag.objects.count() == 3
    # The activity log names it.
    assert "创建预定义标签" in html(client.get(reverse("activity")))


def test_another_account_sees_none_of_them(login, demo_data):
    predefine("tenant-a", "secret-key", "v")
    assert "secret-key" not in html(login("b-admin").get(PAGE))
    assert "secret-key" not in html(login("b-admin").get(reverse("services:create")))


@pytest.mark.parametrize(
    ("key", "value", "field", "message"),
    [
        ("", "x", "key", "这个字段是必填项。"),
        ("bad key", "x", "key", "标签键"),
        ("env", "a b", "value", "标签值"),
        ("env", "prod", "key", "标签 env=prod 已是预定义标签。"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_what_was_typed_is_kept(
    login, demo_data, key, value, field, message
):
    predefine("tenant-a", "env", "prod")
    response = login("a-admin").post(PAGE, {"key": key, "value": value})
    page = html(response)
    assert response.status_code == 422
    assert f'id="id_{field}_error"' in page and message in page
    assert f'name="value" value="{value}"' in page
    assert (
        PredefinedTag.objects.count() == 1
        and not AuditRecord.objects.filter(action__startswith="predefined_tag").exists()
    )


def test_an_account_has_at_most_the_limit(login, demo_data, monkeypatch):
    monkeypatch.setattr(ops, "MAX_PREDEFINED_TAGS", 1)
    predefine("tenant-a", "env", "prod")
    response = login("a-admin").post(PAGE, {"key": "team", "value": "x"})
    assert response.status_code == 422 and "每个帐号最多 1 个预定义标签。" in html(response)
    assert PredefinedTag.objects.count() == 1
    # Another account has its own.
    assert login("b-admin").post(PAGE, {"key": "team"}).status_code == 302


def test_edit_changes_key_and_value(login, demo_data):
    tag = predefine("tenant-a", "env", "prod")
    predefine("tenant-a", "env", "dev")
    client = login("a-admin")
    edit = reverse("tags:predefined_edit", args=[tag.pk])
    assert f'href="{edit}"' in html(client.get(PAGE))
    form = html(client.get(edit))
    assert 'value="env"' in form and 'value="prod"' in form and "确定" in form and "取消" in form
    # A clash with another predefined tag: at the field, what was typed kept.
    response = client.post(edit, {"key": "env", "value": "dev"})
    assert response.status_code == 422 and "标签 env=dev 已是预定义标签。" in html(response)
    assert 'value="dev"' in html(response)
    response = client.post(edit, {"key": "stage", "value": "live"}, follow=True)
    assert "预定义标签 stage=live 已保存。" in html(response)
    tag.refresh_from_db()
    assert (tag.key, tag.value) == ("stage", "live")
    entry = AuditRecord.objects.get(action="predefined_tag.edit")
    assert entry.before == {"key": "env", "value": "prod"} and entry.after["key"] == "stage"


def test_delete(login, demo_data):
    tag = predefine("tenant-a", "env", "prod")
    response = login("a-admin").post(reverse("tags:predefined_delete", args=[tag.pk]), follow=True)
    assert "预定义标签已删除。" in html(response) and not PredefinedTag.objects.exists()
    assert AuditRecord.objects.get(action="predefined_tag.delete").before["key"] == "env"
    assert login("a-admin").get(reverse("tags:predefined_delete", args=[tag.pk])).status_code == 405


def test_another_accounts_tag_is_a_404_and_a_members_post_a_403(login, demo_data):
    tag = predefine("tenant-b", "env", "prod")
    edit = reverse("tags:predefined_edit", args=[tag.pk])
    delete = reverse("tags:predefined_delete", args=[tag.pk])
    client = login("a-admin")
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"key": "x", "value": ""}).status_code == 404
    assert client.post(delete).status_code == 404
    client = login("b-member")
    assert client.post(edit, {"key": "x", "value": ""}).status_code == 403
    assert client.post(delete).status_code == 403
    tag.refresh_from_db()
    assert tag.key == "env"


def test_the_operations_refuse_members_and_other_accounts(demo_data):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    a = Account.objects.get(name="tenant-a")
    with pytest.raises(PermissionDenied):
        ops.create_predefined_tag(user("a-member"), a.pk, "env", "x")
    with pytest.raises(Http404):
        ops.create_predefined_tag(user("b-admin"), a.pk, "env", "x")
    assert not PredefinedTag.objects.exists()


def test_tag_forms_suggest_them_and_link_here(login, demo_data, web):
    predefine("tenant-a", "env", "prod")
    client = login("a-admin")
    for url in (
        reverse("services:create"),
        reverse("endpoints:create"),
        reverse("services:tags", args=[web.pk]),
    ):
        page = html(client.get(url))
        assert '<datalist id="predefined-tag-keys"><option value="env"></option></datalist>' in page
        assert '<option value="prod">env=prod</option>' in page
        assert f'<a href="{PAGE}" target="_blank" rel="noopener">查看预定义标签' in page


def test_the_page_in_english(login, demo_data):
    page = html(login("a-admin").get(PAGE, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Predefined tags" in page and "Create predefined tag" in page


def test_an_operator_keeps_the_platforms_own(login, demo_data):
    predefine("tenant-a", "tenant-key", "v")
    client = login("operator")
    assert f'href="{PAGE}"' in html(client.get(reverse("services:list")))
    assert client.post(PAGE, {"key": "platform", "value": "x"}).status_code == 302
    page = html(client.get(PAGE))
    assert "<td>platform</td>" in page and "tenant-key" not in page
    assert PredefinedTag.objects.get(key="platform").account.is_platform
    tenant_tag = PredefinedTag.objects.get(key="tenant-key")
    assert client.post(reverse("tags:predefined_delete", args=[tenant_tag.pk])).status_code == 403
