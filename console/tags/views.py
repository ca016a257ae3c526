"""The 标签 tab every taggable resource's detail page has: list, add, edit, delete (max 10)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from console.tenancy.querysets import VIEW
from console.ui.forms import apply_errors
from console.ui.views import OperationView

from . import operations
from .forms import TagForm
from .models import MAX_TAGS, PredefinedTag


def predefined_tags(user, account_id) -> list[PredefinedTag]:
    return list(PredefinedTag.objects.restrict(user, VIEW).filter(account_id=account_id))


class TagsTabMixin:
    """Mixed into an ObjectView: GET shows the tab, POST adds a tag (errors at the field)."""

    tab = "tags"
    tab_template = "ui/tabs/tags.html"
    tags_url_name = ""
    tag_edit_url_name = ""

    def get_tab_context(self) -> dict:
        return {
            "tag_list": self.object.tags.all(),
            "form": getattr(self, "form", None) or TagForm(),
            "predefined_tags": predefined_tags(self.request.user, self.object.project.account_id),
            "max_tags": MAX_TAGS,
            "tag_add_url": reverse(self.tags_url_name, args=[self.object.pk]),
            "tag_edit_url": reverse(self.tag_edit_url_name, args=[self.object.pk]),
        }

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        self.form = TagForm(request.POST)
        if self.form.is_valid():
            try:
                operations.add_tag(
                    request.user,
                    type(self.object).objects.all(),
                    self.object.pk,
                    self.form.cleaned_data["key"],
                    self.form.cleaned_data["value"],
                )
            except ValidationError as exc:
                apply_errors(exc, self.form, {}, strip_prefix="tags.0.")
            else:
                messages.success(request, _("Tag added."))
                return redirect(self.tags_url_name, self.object.pk)
        return self.render(status=422)


class TagEditView(OperationView):
    """POST: change a tag's value, or delete it (`delete` in the form)."""

    model = None

    def perform(self, pk) -> str:
        tag_id = _int(self.request.POST.get("tag"))
        if "delete" in self.request.POST:
            operations.delete_tag(self.request.user, self.model.objects.all(), pk, tag_id)
            return _("Tag deleted.")
        form = TagForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        operations.edit_tag(
            self.request.user, self.model.objects.all(), pk, tag_id, form.cleaned_data["value"]
        )
        return _("Tag saved.")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
