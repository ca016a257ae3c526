"""编辑 a tag on the 标签 tab of a service and of an endpoint: a refused value leaves the row in
edit mode with what was typed and the message at it, nothing saved; a good one is saved."""

import html
import re

import pytest
from django.urls import reverse

from console.audit.models import AuditRecord
from endpoints.models import EndpointStatus

pytestmark = pytest.mark.django_db

VALUE_RULE = "标签值最多 43 个字母、数字、“_”、“-”或“.”。"


@pytest.fixture(params=["services", "endpoints"])
def tagged(request, web):
    """(namespace, object, its administrator, its tag env=prod) on either kind of resource."""
    if request.param == "services":
        obj, admin = web, "a-admin"
    else:
        obj, admin = web.endpoints.get(status=EndpointStatus.PENDING), "b-admin"
    return request.param, obj, admin, obj.tags.create(key="env", value="prod")


def value_input(page: str, tag) -> str:
    return re.search(rf'<input[^>]*id="tag-value-{tag.pk}"[^>]*>', page).group(0)


@pytest.mark.parametrize("typed", ["<x>", "ok val"])
def test_a_refused_value_keeps_the_row_in_edit_mode_with_the_message(login, tagged, typed):
    kind, obj, admin, tag = tagged
    response = login(admin).post(
        reverse(f"{kind}:tag_edit", args=[obj.pk]), {"tag": tag.pk, "key": "env", "value": typed}
    )
    assert response.status_code == 422
    page = response.content.decode()
    field = value_input(page, tag)
    assert f'value="{html.escape(typed)}"' in field and "is-invalid" in field
    error = re.search(rf'id="tag-value-{tag.pk}-error"[^>]*>([^<]*)<', page).group(1)
    assert html.unescape(error).strip() == VALUE_RULE
    assert f'form="tag-{tag.pk}"' in page  # its 保存 button: still in edit mode
    tag.refresh_from_db()
    assert tag.value == "prod"
    assert not AuditRecord.objects.filter(action="tag.edit").exists()


def test_a_good_value_is_saved_and_the_tab_shown_again(login, tagged):
    kind, obj, admin, tag = tagged
    client = login(admin)
    response = client.post(
        reverse(f"{kind}:tag_edit", args=[obj.pk]),
        {"tag": tag.pk, "key": "env", "value": "test-1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(f"{kind}:tags", args=[obj.pk])
    page = response.content.decode()
    assert "标签已保存。" in page and f'id="tag-value-{tag.pk}"' not in page  # edit mode closed
    tag.refresh_from_db()
    assert tag.value == "test-1"
    assert AuditRecord.objects.filter(action="tag.edit").count() == 1


def test_only_administrators_edit_whatever_the_value(login, tagged):
    kind, obj, admin, tag = tagged
    member = admin.replace("admin", "member")
    url = reverse(f"{kind}:tag_edit", args=[obj.pk])
    for value in ("<x>", "fine"):
        response = login(member).post(url, {"tag": tag.pk, "key": "env", "value": value})
        assert response.status_code == 403
    tag.refresh_from_db()
    assert tag.value == "prod"


def test_editing_a_deleted_tag_says_so_at_the_top(login, tagged):
    kind, obj, admin, tag = tagged
    pk = tag.pk
    tag.delete()
    response = login(admin).post(
        reverse(f"{kind}:tag_edit", args=[obj.pk]),
        {"tag": pk, "key": "env", "value": "<x>"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(f"{kind}:tags", args=[obj.pk])
    assert "该标签已不存在。" in response.content.decode()
    assert not obj.tags.exists()
