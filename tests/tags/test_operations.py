"""The batch tag operation the API uses (issue 10): create overwrites, delete by key or by key
and value, at most 10, one audit record, the 标签 tab's roles."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from console.audit.models import AuditRecord
from console.tags.operations import batch_tags, tag_snapshot
from services.models import EndpointService

from .conftest import tag, user

pytestmark = pytest.mark.django_db

SERVICES = EndpointService.objects.all()


def test_create_adds_and_overwrites_in_one_record(web):
    tag(web, env="dev")
    after = batch_tags(user("a-admin"), SERVICES, web.pk, "create", [("env", "prod"), ("team", "")])
    assert after == tag_snapshot(web) == {"env": "prod", "team": ""}
    entry = AuditRecord.objects.get(action="tag.add")
    assert entry.before == {"tags": {"env": "dev"}} and entry.after == {"tags": after}


def test_delete_by_key_or_by_key_and_value(web):
    tag(web, env="prod", team="shop", owner="x")
    after = batch_tags(
        user("a-admin"),
        SERVICES,
        web.pk,
        "delete",
        [("env", ""), ("team", "other"), ("owner", "x"), ("missing", "")],
    )
    assert after == tag_snapshot(web) == {"team": "shop"}
    assert AuditRecord.objects.filter(action="tag.delete").count() == 1


def test_nothing_changed_is_not_recorded(web):
    tag(web, env="prod")
    batch_tags(user("a-admin"), SERVICES, web.pk, "create", [("env", "prod")])
    batch_tags(user("a-admin"), SERVICES, web.pk, "delete", [("nothing", "")])
    assert not AuditRecord.objects.filter(action__startswith="tag.").exists()


def test_at_most_ten_in_the_end(web):
    tag(web, **{f"k{i}": "" for i in range(9)})
    with pytest.raises(ValidationError) as excinfo:
        batch_tags(user("a-admin"), SERVICES, web.pk, "create", [("a", ""), ("b", "")])
    assert "tags" in excinfo.value.message_dict
    # Overwriting keeps the number: allowed.
    batch_tags(user("a-admin"), SERVICES, web.pk, "create", [("k0", "x"), ("a", "")])
    assert len(tag_snapshot(web)) == 10


def test_bad_tags_and_actions_name_the_field_and_save_nothing(web):
    for action, pairs, field in (
        ("create", [("ok", ""), ("bad key", "")], "tags.1.key"),
        ("create", [("env", "a b")], "tags.0.value"),
        ("create", [("env", "a"), ("env", "b")], "tags.1.key"),
        ("rename", [("env", "")], "action"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            batch_tags(user("a-admin"), SERVICES, web.pk, action, pairs)
        assert field in excinfo.value.message_dict
    assert tag_snapshot(web) == {} and not AuditRecord.objects.filter(action__startswith="tag.")


def test_roles_and_accounts(web):
    with pytest.raises(PermissionDenied):
        batch_tags(user("a-member"), SERVICES, web.pk, "create", [("env", "")])
    with pytest.raises(PermissionDenied):
        batch_tags(user("a-approver"), SERVICES, web.pk, "create", [("env", "")])
    with pytest.raises(Http404):
        batch_tags(user("b-admin"), SERVICES, web.pk, "create", [("env", "")])
    assert tag_snapshot(web) == {}
