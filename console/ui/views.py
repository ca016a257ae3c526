"""The handful of base views every resource page is made of.

- ObjectListView: restricted queryset -> filterset -> table; htmx swaps only the table.
- ObjectView: one object fetched for an action (404 across accounts, 403 without the role),
  with tabs declared on the class; every tab is its own URL and htmx swaps only the tabs.
- OperationView: POST-only; calls an operation, says what happened, redirects.
  Errors become messages, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View

from console.quotas.usage import quota_state
from console.tenancy.querysets import CHANGE, VIEW, can

from .htmx import render_page_or_partial
from .objects import get_object_for
from .urls import safe_next


def in_current_region(request: HttpRequest, queryset):
    """Tenants see their project in the selected region; operators every account's there."""
    tenancy = request.tenancy
    if tenancy.project is None:
        return queryset.none()
    if request.user.is_operator:
        return queryset.filter(project__region=tenancy.region)
    return queryset.filter(project=tenancy.project)


class CreateInProjectMixin:
    """A create page for the current project: its administrators only (403 for others)."""

    def dispatch(self, request, *args, **kwargs):
        project = request.tenancy.project
        if project is None or not can(request.user, CHANGE, project.pk):
            raise PermissionDenied
        self.project = project
        return super().dispatch(request, *args, **kwargs)


class ObjectListView(View):
    queryset = None
    filterset_class = None
    table_class = None
    template_name = "ui/object_list.html"
    title = ""
    # The quota whose usage the page shows by its create button. Its rows are exactly what the
    # unfiltered list shows a tenant, so then the paginator's count is the usage (issue 13).
    quota_resource = None

    def get_queryset(self):
        return in_current_region(self.request, self.queryset.restrict(self.request.user, VIEW))

    def get_extra_context(self) -> dict:
        return {}

    def get_table_kwargs(self) -> dict:
        return {}

    def counted_usage(self, filterset, table) -> int | None:
        """The quota usage the paginator counted: a tenant's list with no filter; else None."""
        if self.request.user.is_operator or not filterset.is_valid():
            return None
        if any(value not in (None, "", []) for value in filterset.form.cleaned_data.values()):
            return None
        return table.paginator.count

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        table = self.table_class(
            filterset.qs if filterset.is_valid() else filterset.queryset.none(),
            request=request,  # orders and pages it (RequestConfig); BaseTable bounds the size
            **self.get_table_kwargs(),
        )
        context = {
            "title": self.title,
            "filterset": filterset,
            "table": table,
            **self.get_extra_context(),
        }
        if self.quota_resource:
            context.update(
                quota_state(request, self.quota_resource, self.counted_usage(filterset, table))
            )
        return render_page_or_partial(
            request, self.template_name, "ui/object_list.html#table", context
        )


@dataclass(frozen=True)
class Tab:
    name: str
    label: str
    url_name: str
    action: str = VIEW  # shown only to users who may do this on the object


class ObjectView(View):
    """One object; subclasses name their tab and add its context."""

    queryset = None
    action = VIEW
    template_name = ""
    tabs: tuple[Tab, ...] = ()
    tab = ""
    tab_template = ""  # default: tabs/<tab>.html beside template_name

    @cached_property
    def object(self):
        return get_object_for(
            self.request.user, self.get_queryset(), self.action, pk=self.kwargs["pk"]
        )

    def get_queryset(self):
        return self.queryset

    def can(self, action: str) -> bool:
        return can(self.request.user, action, self.object.project_id)

    def get_tab_context(self) -> dict:
        return {}

    def get_context(self, **extra) -> dict:
        tabs = [
            {
                "tab": tab,
                "url": reverse(tab.url_name, args=[self.object.pk]),
                "active": tab.name == self.tab,
            }
            for tab in self.tabs
            if self.can(tab.action)
        ]
        return {
            "object": self.object,
            "tabs": tabs,
            "tab": self.tab,
            "tab_template": self.tab_template
            or f"{self.template_name.rsplit('/', 1)[0]}/tabs/{self.tab}.html",
            **self.get_tab_context(),
            **extra,
        }

    def render(self, status: int = 200, **extra) -> HttpResponse:
        return render_page_or_partial(
            self.request,
            self.template_name,
            "ui/object_detail.html#tabs",
            self.get_context(**extra),
            status=status,
        )

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        return self.render()


class OperationView(View):
    """POST-only state change (the shape of 接受 / 拒绝 / 删除): run `perform()`, say what
    happened, redirect back (post/redirect/get). The operation itself fetches, locks and
    checks the object: another account's is a 404, a missing role a 403. A refused operation
    (ValidationError) comes back as an error message, with nothing changed."""

    http_method_names = ["post"]
    success_url_name = ""  # where to go afterwards, unless the form says `next`

    def perform(self, pk) -> str:
        """Run the operation; return the success message."""
        raise NotImplementedError

    def get_redirect_url(self, pk, succeeded: bool) -> str:
        return safe_next(self.request, resolve_url(self.success_url_name, pk))

    def refused(self, error: ValidationError, redirect_url: str) -> None:
        """Say why the operation was refused, before redirecting to `redirect_url`."""
        for text in error.messages:
            messages.error(self.request, text)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        try:
            message = self.perform(pk)
        except ValidationError as exc:
            url = self.get_redirect_url(pk, succeeded=False)
            self.refused(exc, url)
            return HttpResponseRedirect(url)
        messages.success(request, message)
        return HttpResponseRedirect(self.get_redirect_url(pk, succeeded=True))


class ConfirmView(ObjectView):
    """GET: the confirmation of an irreversible step, as a modal (htmx) or a page (no script).
    Its form POSTs to the operation's own URL."""

    template_name = "ui/confirm.html"
    title = ""
    confirm_label = ""
    danger = True

    def get_confirm_context(self) -> dict:
        """{"message": ..., "items": [...], "action": url, "values": [(name, value), ...]}"""
        raise NotImplementedError

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        context = {
            "object": self.object,
            "title": self.title,
            "confirm_label": self.confirm_label,
            "danger": self.danger,
            "cancel_url": self.get_cancel_url(),
            # A platform operator acting in a tenant's account, for support (issue 9, defect 10).
            "for_support": request.user.is_operator
            and self.object.project.account_id != request.user.account_id,
            **self.get_confirm_context(),
        }
        return render_page_or_partial(request, self.template_name, "#modal", context)

    def get_cancel_url(self) -> str:
        return resolve_url(self.tabs[0].url_name, self.object.pk) if self.tabs else "/"
