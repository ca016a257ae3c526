"""Tag operations shared by every taggable resource: add, edit, delete; at most 10."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from console.audit.log import record
from console.tenancy.querysets import CHANGE
from console.ui.objects import get_object_for

from .models import MAX_TAGS, validate_key, validate_value


def clean_tags(pairs: list[tuple[str, str]], existing: int = 0) -> list[tuple[str, str]]:
    """Validate new (key, value) pairs: format, no key twice, at most 10 with the existing ones.

    Errors are keyed "tags.<row>.key" / "tags.<row>.value" so a form can show them at the field."""
    errors: dict[str, list] = {}
    seen: set[str] = set()
    cleaned = []
    for row, (key, value) in enumerate(pairs):
        key, value = key.strip(), (value or "").strip()
        for field, validator, text in (
            ("key", validate_key, key),
            ("value", validate_value, value),
        ):
            try:
                validator(text)
            except ValidationError as exc:
                errors.setdefault(f"tags.{row}.{field}", []).extend(exc.error_list)
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
