"""Pages of 终端节点: list, the create wizard (configure -> 规格确认), detail, delete."""

from __future__ import annotations

import ipaddress

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from console.network import dataplane
from console.network.monitoring import MonitoringTabMixin
from console.quotas.limits import ENDPOINT
from console.quotas.usage import quota_state
from console.tags.forms import TagFormSet
from console.tags.models import MAX_TAGS
from console.tags.views import TagsTabMixin, predefined_tags
from console.tenancy.querysets import APPROVE, CHANGE, SUPPORT, VIEW
from console.ui.forms import (
    add_formset_row,
    apply_errors,
    filled_rows,
    remove_formset_row,
    row_index,
    with_errors_of,
    without_errors,
)
from console.ui.htmx import render_page_or_partial
from console.ui.views import (
    ConfirmView,
    CreateInProjectMixin,
    ObjectListView,
    ObjectView,
    OperationView,
    Tab,
)
from notifications.views import NotificationsTabMixin
from services.models import EndpointService, ServiceType

from . import operations as ops
from .dataplane import backend_key
from .filters import EndpointFilterSet
from .forms import BY_NAME, EndpointEditForm, EndpointForm, PolicyForm
from .models import MAX_CONNECTIONS, ConnectionEvent, Endpoint
from .policy import policy_text
from .tables import EndpointTable

SIGNING_SALT = "endpoints.create"


def connection_events(user, endpoint: Endpoint) -> list[ConnectionEvent]:
    """The 连接记录 of one connection, newest first, in one query; both sides read the same."""
    return list(ConnectionEvent.objects.restrict(user).filter(endpoint_ref=str(endpoint.pk)))


class EndpointListView(ObjectListView):
    queryset = Endpoint.objects.select_related("service", "vpc")
    filterset_class = EndpointFilterSet
    table_class = EndpointTable
    template_name = "endpoints/list.html"
    title = gettext_lazy("Endpoints")
    quota_resource = ENDPOINT

    def get_queryset(self):
        queryset = super().get_queryset()
        return (
            queryset.select_related("project__account")
            if self.request.user.is_operator
            else queryset
        )

    def get_table_kwargs(self) -> dict:
        return {} if self.request.user.is_operator else {"exclude": ["owner"]}


class EndpointCreateView(CreateInProjectMixin, View):
    """创建终端节点 (§4.2): one page of choices, then 规格确认 with 上一步 and 提交.

    The choices travel to the confirmation and back signed, so nothing is kept on the server
    between the steps and nothing typed is lost; the form's one-time request_id makes a
    double 提交 create one endpoint."""

    template_name = "endpoints/create.html"
    TAG_FIELDS = ["key", "value"]

    def forms(self, data=None):
        kwargs = {"user": self.request.user, "project": self.project}
        if data is None:
            return EndpointForm(**kwargs), TagFormSet(prefix="tags")
        return EndpointForm(data, **kwargs), TagFormSet(data, prefix="tags")

    def render_form(self, form, tags, sections=None, status=200, verified=None):
        context = {
            "form": form,
            "tags": tags,
            "sections": sections or {},
            "verified": verified,
            "tags_left": MAX_TAGS - tags.total_form_count(),
            "predefined_tags": predefined_tags(self.request.user, self.project.account_id),
            "service_types": ServiceType.choices,
            **quota_state(self.request, ENDPOINT),
        }
        return render_page_or_partial(
            self.request, self.template_name, "#form", context, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.htmx:  # a choice changed: re-render the fields with the values so far
            return self.render_form(*without_errors(*self.forms(request.GET)))
        return self.render_form(*self.forms())

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("_action", "confirm")
        data = request.POST
        if action in ("back", "submit"):
            data = self.unsign(request.POST.get("payload", ""))
            if data is None:
                messages.error(
                    request, _("The confirmation expired or was changed. Check your choices again.")
                )
                return self.render_form(*self.forms())
        elif action == "add_tag":
            data = add_formset_row(data, "tags", MAX_TAGS)
        elif action.startswith("remove_tag-"):
            data = remove_formset_row(data, "tags", row_index(action), self.TAG_FIELDS, keep=0)
        elif action == "clear":  # 清除: the cloud services' type filter and name search
            data = data.copy()
            data["service_type"] = data["q"] = ""
        form, tags = self.forms(data)
        if action == "verify":
            # 验证: 已找到服务 or 未找到服务, the same for "missing" and "not yours to see".
            # A name its field refuses (a NUL byte, too long) is named at the field instead.
            without_errors(tags)
            with_errors_of(form, "service_name")
            verified = None if form.errors else form.chosen_service is not None
            return self.render_form(form, tags, verified=verified)
        if action == "back" and form["category"].value() == BY_NAME:
            return self.render_form(
                *without_errors(form, tags), verified=form.chosen_service is not None
            )
        if action not in ("confirm", "submit"):
            return self.render_form(*without_errors(form, tags))
        if not (form.is_valid() and tags.is_valid()):
            return self.render_form(form, tags, status=422)
        request_kwargs = {
            **form.request(),
            "tags": [(t["key"], t["value"]) for t in filled_rows(tags)],
        }
        try:
            if action == "confirm":
                plan = ops.check_request(request.user, self.project, **request_kwargs)
                return render(
                    request,
                    "endpoints/confirm.html",
                    {
                        "plan": plan,
                        "payload": self.sign(data),
                        "max_connections": MAX_CONNECTIONS,
                    },
                )
            endpoint = ops.create_endpoint(
                request.user,
                self.project,
                request_id=form.cleaned_data["request_id"],
                **request_kwargs,
            )
        except ValidationError as exc:
            if form.cleaned_data.get("category") == BY_NAME and "service" in getattr(
                exc, "error_dict", {}
            ):
                exc.error_dict["service_name"] = exc.error_dict.pop(
                    "service"
                )  # where the name was typed
            sections = apply_errors(exc, form, {"tags": tags})
            return self.render_form(form, tags, sections, status=422)
        messages.success(request, _("Endpoint %(id)s is being created.") % {"id": endpoint.pk})
        return redirect("endpoints:list")

    @staticmethod
    def sign(data: QueryDict) -> str:
        fields = {
            k: v for k, v in data.lists() if k not in ("csrfmiddlewaretoken", "_action", "payload")
        }
        return signing.dumps(fields, salt=SIGNING_SALT, compress=True)

    @staticmethod
    def unsign(payload: str) -> QueryDict | None:
        try:
            fields = signing.loads(payload, salt=SIGNING_SALT, max_age=3600)
        except signing.BadSignature:
            return None
        data = QueryDict(mutable=True)
        for key, values in fields.items():
            data.setlist(key, values)
        return data


TABS = (
    Tab("basic", gettext_lazy("Basic information"), "endpoints:detail"),
    Tab("policy", pgettext_lazy("tab", "Policy"), "endpoints:policy"),  # gateway endpoints
    Tab("tags", gettext_lazy("Tags"), "endpoints:tags"),
    Tab("history", gettext_lazy("Connection history"), "endpoints:history"),  # issue 11
    Tab("notifications", gettext_lazy("Notifications"), "endpoints:notifications", APPROVE),
    Tab("monitoring", gettext_lazy("Monitoring"), "endpoints:monitoring"),  # issue 14
)


class EndpointView(ObjectView):
    queryset = Endpoint.objects.select_related(
        "service__project__account", "vpc", "subnet", "project__region", "dns_record"
    )
    template_name = "endpoints/detail.html"
    tabs = TABS

    def get_context(self, **extra) -> dict:
        can_change = self.can(CHANGE)
        refusal = ops.edit_refusal(self.object)
        context = super().get_context(
            can_change=can_change,
            can_edit=can_change and not refusal,
            edit_refusal=refusal,
            can_delete=self.can(SUPPORT),
            is_gateway=self.object.service.service_type == ServiceType.GATEWAY,
            **extra,
        )
        if not context["is_gateway"]:
            context["tabs"] = [t for t in context["tabs"] if t["tab"].name != "policy"]
        return context


class EndpointDetailView(EndpointView):
    """基本信息 (table 4-4) and how to reach the service through this endpoint."""

    tab = "basic"

    def get_queryset(self):
        return self.queryset.prefetch_related("service__ports", "route_tables")

    def get_tab_context(self) -> dict:
        endpoint = self.object
        return {
            "ports": list(endpoint.service.ports.all()),
            "route_tables": list(endpoint.route_tables.all()),
            "max_connections": MAX_CONNECTIONS,
            "is_dns": endpoint.service.is_system and endpoint.service.name == "dns",
            # The service's page, when this user may see it (a provider's is a 404 to others).
            "service_visible": EndpointService.objects.restrict(self.request.user, VIEW)
            .filter(pk=endpoint.service_id)
            .exists(),
            "route_network": ipaddress.ip_network(endpoint.service.route_prefix)
            if endpoint.service.route_prefix
            else None,
            "host_namespace": dataplane.vpc_namespace(endpoint.vpc_id),
        }


class EndpointHistoryView(EndpointView):
    """连接记录 (issue 11): every request, decision (with its 审批意见) and deletion of this
    endpoint's connection, as its owner reads them; the provider's own note is not here."""

    tab = "history"

    def get_tab_context(self) -> dict:
        return {"events": connection_events(self.request.user, self.object)}


class EndpointEditView(EndpointView):
    """修改: 描述; route tables (gateway) or 内网域名 and access control (interface). Its
    administrators only; the form comes back with what was typed and the errors at the fields."""

    action = CHANGE
    template_name = "endpoints/edit.html"

    def get_queryset(self):
        return self.queryset.prefetch_related("route_tables")

    def form(self, data=None) -> EndpointEditForm:
        args = (data,) if data is not None else ()
        return EndpointEditForm(*args, endpoint=self.object, user=self.request.user)

    def page(self, form, status=200) -> HttpResponse:
        context = {
            "object": self.object,
            "form": form,
            "refusal": ops.edit_refusal(self.object),
            "is_gateway": self.object.service.service_type == ServiceType.GATEWAY,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        return self.page(self.form())

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form, status=422)
        try:
            ops.update_endpoint(request.user, self.object.pk, **form.changes())
        except ValidationError as exc:
            apply_errors(exc, form, {})
            return self.page(form, status=422)
        messages.success(request, _("Endpoint %(id)s was changed.") % {"id": self.object.pk})
        return redirect("endpoints:detail", self.object.pk)


class EndpointPolicyView(EndpointView):
    """策略 (gateway endpoints): the policy as JSON; administrators edit and delete it."""

    tab = "policy"

    def get_tab_context(self) -> dict:
        if self.object.service.service_type != ServiceType.GATEWAY:
            raise Http404("Only gateway endpoints have a policy.")
        return {
            "form": getattr(self, "form", None) or PolicyForm(endpoint=self.object),
            "policy_json": policy_text(self.object.policy_statement),
        }

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        if not self.can(CHANGE):
            raise PermissionDenied
        self.form = PolicyForm(request.POST)
        if self.form.is_valid():
            try:
                ops.set_endpoint_policy(
                    request.user, self.object.pk, self.form.cleaned_data["policy_statement"]
                )
            except ValidationError as exc:
                apply_errors(exc, self.form, {})
            else:
                messages.success(request, _("The endpoint policy was saved."))
                return redirect("endpoints:policy", self.object.pk)
        return self.render(status=422)


class EndpointPolicyDeleteConfirmView(ConfirmView, EndpointView):
    action = CHANGE
    title = gettext_lazy("Delete endpoint policy")
    confirm_label = gettext_lazy("Yes")

    def get_confirm_context(self) -> dict:
        endpoint = self.object
        if endpoint.service.service_type != ServiceType.GATEWAY:
            raise Http404("Only gateway endpoints have a policy.")
        return {
            "message": _(
                "Delete the policy of endpoint %(id)s? Without a policy the endpoint allows every action on every resource of the service."
            )
            % {"id": endpoint.pk},
            "refusal": ops.edit_refusal(endpoint)
            or ("" if endpoint.policy_statement else _("The endpoint has no policy to delete.")),
            "action": reverse("endpoints:policy_delete", args=[endpoint.pk]),
            "values": [],
        }

    def get_cancel_url(self) -> str:
        return reverse("endpoints:policy", args=[self.object.pk])


class EndpointPolicyDeleteView(OperationView):
    success_url_name = "endpoints:policy"

    def perform(self, pk) -> str:
        ops.set_endpoint_policy(self.request.user, pk, None)
        return _("The endpoint policy was deleted: every action is allowed.")


class EndpointTagsView(TagsTabMixin, EndpointView):
    tags_url_name = "endpoints:tags"
    tag_edit_url_name = "endpoints:tag_edit"


class EndpointNotificationsView(NotificationsTabMixin, EndpointView):
    """通知 (issue 11): the decisions on this endpoint, for its own account."""

    side = "endpoint"
    tab_url_name = "endpoints:notifications"


class EndpointMonitoringView(MonitoringTabMixin, EndpointView):
    """监控 (issue 14): this endpoint's traffic through the data plane."""

    def monitored_endpoints(self):
        return Endpoint.objects.filter(pk=self.object.pk)

    def proxied(self) -> bool:
        return bool(backend_key(self.object.service))


class EndpointDeleteConfirmView(ConfirmView, EndpointView):
    action = SUPPORT
    title = gettext_lazy("Delete endpoint")
    confirm_label = gettext_lazy("Yes")

    def get_confirm_context(self) -> dict:
        endpoint = self.object
        creating = endpoint.status == "creating"
        return {
            "message": _(
                "Deleting an endpoint cannot be undone: its address, private domain name and routes are released. Delete %(id)s?"
            )
            % {"id": endpoint.pk},
            "refusal": _("The endpoint is being created; delete it when that has finished.")
            if creating
            else "",
            "action": reverse("endpoints:delete", args=[endpoint.pk]),
            "values": [],
        }


class EndpointDeleteView(OperationView):
    success_url_name = "endpoints:detail"

    def perform(self, pk) -> str:
        endpoint = ops.delete_endpoint(self.request.user, pk)
        return _("Endpoint %(id)s is being deleted.") % {"id": endpoint.pk}

    def get_redirect_url(self, pk, succeeded: bool) -> str:
        return reverse("endpoints:list") if succeeded else super().get_redirect_url(pk, succeeded)
