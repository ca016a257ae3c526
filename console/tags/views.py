"""The 标签 tab every taggable resource's detail page has (list, add, edit, delete; max 10), and
the account's 预定义标签 page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View

from console.tenancy.querysets import CHANGE, VIEW, allowed_project_ids
from console.ui.forms import apply_errors
from console.ui.objects import get_object_for
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
    edit_form = None  # a refused edit's form (TagEditView), shown in its row

    def refused_edit(self, form: TagForm) -> HttpResponse:
        """The tab with the refused edit's row still in edit mode: the value typed, the
        message at it."""
        self.edit_form = form
        return self.render(status=422)

    def get_tab_context(self) -> dict:
        # The tag whose 编辑 was chosen; or whose edit was refused, with what was typed.
        edit = self.edit_form
        return {
            "tag_list": self.object.tags.all(),
            "form": getattr(self, "form", None) or TagForm(button=_("Add")),
            "editing": edit.tag_id if edit else _int(self.request.GET.get("edit")),
            "edit_value": edit["value"].value() if edit else None,
            "edit_errors": [m for errors in edit.errors.values() for m in errors] if edit else [],
            "predefined_tags": predefined_tags(self.request.user, self.object.project.account_id),
            "max_tags": MAX_TAGS,
            "tag_add_url": reverse(self.tags_url_name, args=[self.object.pk]),
            "tag_edit_url": reverse(self.tag_edit_url_name, args=[self.object.pk]),
        }

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        self.form = TagForm(request.POST, button=_("Add"))
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
    """POST: change a tag's value, or delete it (`delete` in the form). A refused value is
    answered with the tags tab (`tab_view`), that row still in edit mode: the value typed
    and the message at it, nothing saved."""

    model = None
    tab_view = None  # the TagsTabMixin view of the same object

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        if "delete" in request.POST:
            return super().post(request, pk)
        tab = self.tab_view()
        tab.setup(request, pk=pk)
        if not tab.can(CHANGE):  # before saying anything about the value
            raise PermissionDenied
        form = TagForm(request.POST)
        form.tag_id = _int(request.POST.get("tag"))
        if not tab.object.tags.filter(pk=form.tag_id).exists():  # no row to show it in
            messages.error(request, _("That tag no longer exists."))
            return HttpResponseRedirect(self.get_redirect_url(pk, succeeded=False))
        if form.is_valid():
            try:
                operations.edit_tag(
                    request.user,
                    self.model.objects.all(),
                    pk,
                    form.tag_id,
                    form.cleaned_data["value"],
                )
            except ValidationError as exc:
                apply_errors(exc, form, {}, strip_prefix="tags.0.")
            else:
                messages.success(request, _("Tag saved."))
                return HttpResponseRedirect(self.get_redirect_url(pk, succeeded=True))
        if form.non_field_errors():  # about no field (the tag deleted meanwhile): at the top
            for text in form.non_field_errors():
                messages.error(request, text)
            return HttpResponseRedirect(self.get_redirect_url(pk, succeeded=False))
        return tab.refused_edit(form)

    def perform(self, pk) -> str:
        tag_id = _int(self.request.POST.get("tag"))
        operations.delete_tag(self.request.user, self.model.objects.all(), pk, tag_id)
        return _("Tag deleted.")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --- 预定义标签: the account's predefined tags (account administrators) ------------------------


def may_predefine(user) -> bool:
    """Administrators of any of the account's projects keep its predefined tags (operators:
    the platform account's, whose projects they administer)."""
    return user.is_authenticated and (user.is_operator or bool(allowed_project_ids(user, CHANGE)))


class PredefinedTagsMixin:
    def dispatch(self, request, *args, **kwargs):
        if not may_predefine(request.user):
            raise PermissionDenied(_("Only the account's administrators keep its predefined tags."))
        return super().dispatch(request, *args, **kwargs)

    def account_tags(self):
        user = self.request.user
        return PredefinedTag.objects.restrict(user, CHANGE).filter(account_id=user.account_id)


CREATE = pgettext_lazy("predefined tag", "Create")


class PredefinedTagsView(PredefinedTagsMixin, View):
    """The list, and a form to add one. Every tag form suggests them and links here."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(TagForm(button=CREATE))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TagForm(request.POST, button=CREATE)
        if form.is_valid():
            try:
                tag = operations.create_predefined_tag(
                    request.user,
                    request.user.account_id,
                    form.cleaned_data["key"],
                    form.cleaned_data["value"],
                )
            except ValidationError as exc:
                apply_errors(exc, form, {})
            else:
                messages.success(request, _("Predefined tag %(tag)s created.") % {"tag": tag})
                return redirect("tags:predefined")
        return self.render(form, status=422)

    def render(self, form: TagForm, status: int = 200) -> HttpResponse:
        tags = list(self.account_tags())
        context = {"form": form, "tag_list": tags, "predefined_tags": tags}
        return render(self.request, "tags/predefined.html", context, status=status)


class PredefinedTagEditView(PredefinedTagsMixin, View):
    """修改: one predefined tag's key and value; errors at the field, what was typed kept."""

    model = PredefinedTag

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        tag = self.tag(pk)
        return self.render(tag, TagForm(initial={"key": tag.key, "value": tag.value}))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        tag = self.tag(pk)
        form = TagForm(request.POST)
        if form.is_valid():
            try:
                tag = operations.edit_predefined_tag(
                    request.user, tag.pk, form.cleaned_data["key"], form.cleaned_data["value"]
                )
            except ValidationError as exc:
                apply_errors(exc, form, {})
            else:
                messages.success(request, _("Predefined tag %(tag)s saved.") % {"tag": tag})
                return redirect("tags:predefined")
        return self.render(tag, form, status=422)

    def tag(self, pk: int) -> PredefinedTag:
        return get_object_for(self.request.user, PredefinedTag.objects.all(), CHANGE, pk=pk)

    def render(self, tag, form: TagForm, status: int = 200) -> HttpResponse:
        context = {"tag": tag, "form": form, "predefined_tags": list(self.account_tags())}
        return render(self.request, "tags/predefined_edit.html", context, status=status)


class PredefinedTagDeleteView(OperationView):
    model = PredefinedTag

    def perform(self, pk) -> str:
        operations.delete_predefined_tag(self.request.user, pk)
        return _("Predefined tag deleted.")

    def get_redirect_url(self, pk, succeeded: bool) -> str:
        return reverse("tags:predefined")
