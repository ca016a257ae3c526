"""Filtering by tag, for every taggable list (the pages' filter bar and the API's queries)."""

from __future__ import annotations

from collections.abc import Sequence

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import MAX_TAGS, validate_key, validate_value


def has_tag(
    model: type[models.Model], key: str | None = None, values: Sequence[str] = ()
) -> models.Exists:
    """A condition on `model`'s rows: they carry the tag `key` (any tag without one), with one
    of `values` if any are given. A subquery: filtering adds no query and no duplicate rows."""
    tags = model._meta.get_field("tags").related_model.objects.filter(
        resource=models.OuterRef("pk")
    )
    if key is not None:
        tags = tags.filter(key=key)
    return models.Exists(tags.filter(value__in=values) if values else tags)


def parse_tag_query(text: str) -> list[tuple[str, str | None]]:
    """Terms separated by commas, "env=prod, team" -> [("env", "prod"), ("team", None)]: a
    key, which any value matches, or key=value (key= is the empty value). Errors name the term."""
    terms = [term.strip() for term in text.split(",") if term.strip()]
    if len(terms) > MAX_TAGS:
        raise ValidationError(
            _("Filter by at most %(max)d tags."), code="too_many", params={"max": MAX_TAGS}
        )
    parsed = []
    for term in terms:
        key, equals, value = term.partition("=")
        key, value = key.strip(), value.strip()
        try:
            validate_key(key)
            validate_value(value)
        except ValidationError as exc:
            raise ValidationError(
                _("%(term)s: %(error)s"),
                code="invalid_tag",
                params={"term": term, "error": " ".join(exc.messages)},
            ) from None
        parsed.append((key, value if equals else None))
    return parsed


class TagQueryField(forms.CharField):
    def clean(self, value):
        return parse_tag_query(super().clean(value) or "")


class TagFilter(django_filters.CharFilter):
    """The filter bar's 标签 field: `key` or `key=value`; several, separated by commas, all
    apply."""

    field_class = TagQueryField

    def __init__(self, **kwargs):
        kwargs.setdefault("label", pgettext_lazy("list filter", "Tag"))
        kwargs.setdefault(
            "help_text", _("key or key=value; separate several with commas: all must match.")
        )
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "search",
                    "class": "form-control",
                    "placeholder": _("key=value"),
                    "autocomplete": "off",
                }
            ),
        )
        super().__init__(**kwargs)

    def filter(self, qs, value):
        for key, tag_value in value or ():
            qs = qs.filter(has_tag(qs.model, key, () if tag_value is None else [tag_value]))
        return qs
