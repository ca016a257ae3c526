"""Tag operations shared by every taggable resource (add, edit, delete, the API's batch; at
most 10), and an account's predefined tags."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from console.audit.log import record
from console.tenancy.models import Account
from console.tenancy.querysets import CHANGE
from console.ui.objects import get_object_for

from .models import MAX_TAGS, PredefinedTag, validate_key, validate_value


def clean_tags(pairs: list[tuple[str, str]], existing: int = 0) -> list[tuple[str, str]]:
    """Validate new (key, value) pairs: format, no key twice, at most 10 with the existing ones.

    Errors are keyed "tags.<row>.key" / "tags.<row>.value" so a form can show them at the field."""
    errors: dict[str, list] = {}
    seen: set[str] = set()
    cleaned = []
    for row, (key, value) in enumerate(pairs):
        key, value = key.strip(), (value or "").strip()
        for field, messages in pair_errors(key, value).items():
            errors.setdefault(f"tags.{row}.{field}", []).extend(messages)
        if key in seen:
            errors.setdefault(f"tags.{row}.key", []).append(
                ValidationError(_("The key %(key)s is used twice."), params={"key": key})
            )
        seen.add(key)
        cleaned.append((key, value))
    if existing + len(cleaned) > MAX_TAGS:
        errors.setdefault("tags", []).append(
            ValidationError(_("A resource has at most %(max)d tags."), params={"max": MAX_TAGS})
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def pair_errors(key: str, value: str) -> dict[str, list[ValidationError]]:
    """The provider's rules for one tag: {"key": [...], "value": [...]}, empty when it is valid."""
    errors: dict[str, list[ValidationError]] = {}
    for field, validator, text in (("key", validate_key, key), ("value", validate_value, value)):
        try:
            validator(text)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.error_list)
    return errors


def tag_snapshot(obj) -> dict[str, str]:
    return {tag.key: tag.value for tag in obj.tags.all()}


def _locked(user, queryset: models.QuerySet, pk):
    return get_object_for(
        user, queryset.select_for_update(no_key=True, of=("self",)), CHANGE, pk=pk
    )


@transaction.atomic
def add_tag(user, queryset: models.QuerySet, pk, key: str, value: str):
    obj = _locked(user, queryset, pk)
    before = tag_snapshot(obj)
    [(key, value)] = clean_tags([(key, value)], existing=len(before))
    if key in before:
        raise ValidationError({"tags.0.key": _("The key %(key)s is used already.") % {"key": key}})
    tag = obj.tags.create(key=key, value=value)
    record(user, "tag.add", obj, before={"tags": before}, after={"tags": {**before, key: value}})
    return tag


@transaction.atomic
def edit_tag(user, queryset: models.QuerySet, pk, tag_id: int, value: str):
    obj = _locked(user, queryset, pk)
    tag = obj.tags.filter(pk=tag_id).first()
    if tag is None:
        raise ValidationError(_("That tag no longer exists."))
    before = tag_snapshot(obj)
    [(_key, value)] = clean_tags([(tag.key, value)])
    tag.value = value
    tag.save(update_fields=["value"])
    record(
        user, "tag.edit", obj, before={"tags": before}, after={"tags": {**before, tag.key: value}}
    )
    return tag


@transaction.atomic
def delete_tag(user, queryset: models.QuerySet, pk, tag_id: int) -> None:
    obj = _locked(user, queryset, pk)
    tag = obj.tags.filter(pk=tag_id).first()
    if tag is None:
        raise ValidationError(_("That tag no longer exists."))
    before = tag_snapshot(obj)
    tag.delete()
    after = {k: v for k, v in before.items() if k != tag.key}
    record(user, "tag.delete", obj, before={"tags": before}, after={"tags": after})


@transaction.atomic
def batch_tags(user, queryset: models.QuerySet, pk, action: str, pairs: list[tuple[str, str]]):
    """The API's batch on one resource. create: add the tags, a key already there takes the new
    value; delete: remove by key, or by key and value when a value is given (a tag not there is
    no error). At most 10 tags in the end; one activity record when something changed."""
    obj = _locked(user, queryset, pk)
    if action not in ("create", "delete"):
        raise ValidationError({"action": _("The action is create or delete.")})
    before = tag_snapshot(obj)
    cleaned = clean_tags(pairs)
    if action == "create":
        after = {**before, **dict(cleaned)}
        if len(after) > MAX_TAGS:
            raise ValidationError(
                {"tags": _("A resource has at most %(max)d tags.") % {"max": MAX_TAGS}}
            )
        for key, value in cleaned:
            if key not in before:
                obj.tags.create(key=key, value=value)
            elif before[key] != value:
                obj.tags.filter(key=key).update(value=value)
    else:
        doomed = {k for k, v in cleaned if k in before and v in ("", before[k])}
        obj.tags.filter(key__in=doomed).delete()
        after = {k: v for k, v in before.items() if k not in doomed}
    if after != before:
        verb = "tag.add" if action == "create" else "tag.delete"
        record(user, verb, obj, before={"tags": before}, after={"tags": after})
    return after


# --- predefined tags (预定义标签): an account's list, offered in every tag form -----------------

MAX_PREDEFINED_TAGS = 500  # the provider's TMS limit per account


def _account_locked(user, account_id: int) -> Account:
    """The account, locked, for its administrators (404 for another account, 403 without it)."""
    return get_object_for(
        user, Account.objects.select_for_update(no_key=True), CHANGE, pk=account_id
    )


def _predefined_locked(user, tag_id: int) -> tuple[Account, PredefinedTag]:
    tag = get_object_for(user, PredefinedTag.objects.all(), CHANGE, pk=tag_id)
    account = _account_locked(user, tag.account_id)
    tag = PredefinedTag.objects.filter(pk=tag_id).first()  # read again under the account's lock
    if tag is None:
        raise ValidationError(_("That predefined tag no longer exists."))
    return account, tag


def _clean_predefined(account: Account, key: str, value: str, pk=None) -> tuple[str, str]:
    key, value = key.strip(), (value or "").strip()
    errors = pair_errors(key, value)
    if not errors and account.predefined_tags.filter(key=key, value=value).exclude(pk=pk).exists():
        errors["key"] = [
            ValidationError(
                _("The tag %(tag)s is predefined already."), params={"tag": f"{key}={value}"}
            )
        ]
    if errors:
        raise ValidationError(errors)
    return key, value


@transaction.atomic
def create_predefined_tag(user, account_id: int, key: str, value: str) -> PredefinedTag:
    account = _account_locked(user, account_id)
    key, value = _clean_predefined(account, key, value)
    if account.predefined_tags.count() >= MAX_PREDEFINED_TAGS:
        raise ValidationError(
            _("An account has at most %(max)d predefined tags.") % {"max": MAX_PREDEFINED_TAGS}
        )
    tag = PredefinedTag.objects.create(account=account, key=key, value=value)
    record(user, "predefined_tag.create", tag, after={"key": key, "value": value}, account=account)
    return tag


@transaction.atomic
def edit_predefined_tag(user, tag_id: int, key: str, value: str) -> PredefinedTag:
    account, tag = _predefined_locked(user, tag_id)
    before = {"key": tag.key, "value": tag.value}
    tag.key, tag.value = _clean_predefined(account, key, value, pk=tag.pk)
    tag.save(update_fields=["key", "value"])
    after = {"key": tag.key, "value": tag.value}
    record(user, "predefined_tag.edit", tag, before=before, after=after, account=account)
    return tag


@transaction.atomic
def delete_predefined_tag(user, tag_id: int) -> None:
    account, tag = _predefined_locked(user, tag_id)
    before = {"key": tag.key, "value": tag.value}
    record(user, "predefined_tag.delete", tag, before=before, account=account)
    tag.delete()
