"""Pages of 终端节点服务: list, create, the detail tabs, and the POST-only operations."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views import View

from console.network.monitoring import MonitoringTabMixin
from console.quotas.limits import ENDPOINT_SERVICE
from console.quotas.usage import quota_state
from console.tags.forms import TagFormSet
from console.tags.models import MAX_TAGS
from console.tags.views import TagsTabMixin, predefined_tags
from console.tenancy.querysets import APPROVE, CHANGE, SUPPORT
from console.ui.forms import (
    add_formset_row,
    apply_errors,
    filled_rows,
    is_uuid,
    parse_ids,
    remove_formset_row,
    row_index,
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
from endpoints.dataplane import backend_key
from endpoints.models import Endpoint
from endpoints.views import connection_events
from notifications.views import NotificationsTabMixin

from . import operations as ops
from .backend_check import check_backend, live_check_available, probe_backend
from .filters import ServiceFilterSet
from .forms import (
    DescriptionForm,
    PermissionsForm,
    PortFormSet,
    PrincipalFormSet,
    ServiceEditForm,
    ServiceForm,
)
from .models import EndpointService
from .operations import MAX_PORTS, MAX_PRINCIPALS
from .tables import ConnectionTable, PermissionTable, ServiceTable


class ServiceListView(ObjectListView):
    queryset = EndpointService.objects.select_related("load_balancer", "server")
    filterset_class = ServiceFilterSet
    table_class = ServiceTable
    template_name = "services/list.html"
    title = gettext_lazy("Endpoint services")
    quota_resource = ENDPOINT_SERVICE

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.user.is_operator:
            return queryset.select_related("project__account")
        # Cloud services are the platform's: tenants meet them in the endpoint wizard.
        return queryset.filter(is_system=False)

    def get_table_kwargs(self) -> dict:
        # Operators see every account's services in the region, so they need the owner.
        return {} if self.request.user.is_operator else {"exclude": ["owner"]}


PORT_FIELDS = ["protocol", "service_port", "terminal_port"]
TAG_FIELDS = ["key", "value"]


def with_row_action(data, action: str):
    """The posted data after an 添加/删除 row button (port mappings, tags), or as it was."""
    if action == "add_port":
        return add_formset_row(data, "ports", MAX_PORTS)
    if action.startswith("remove_port-"):
        return remove_formset_row(data, "ports", row_index(action), PORT_FIELDS)
    if action == "add_tag":
        return add_formset_row(data, "tags", MAX_TAGS)
    if action.startswith("remove_tag-"):
        return remove_formset_row(data, "tags", row_index(action), TAG_FIELDS, keep=0)
    return data


class ServiceCreateView(CreateInProjectMixin, View):
    """Table 3-2. Rows are added and removed in place (htmx, or a plain post that re-renders);
    only 立即创建 (`_action=create`) calls the operation."""

    template_name = "services/create.html"

    def forms(self, data=None):
        kwargs = {"user": self.request.user, "project": self.project}
        if data is None:
            return (
                ServiceForm(**kwargs),
                PortFormSet(prefix="ports", initial=[{"protocol": "TCP"}]),
                TagFormSet(prefix="tags"),
            )
        return (
            ServiceForm(data, **kwargs),
            PortFormSet(data, prefix="ports"),
            TagFormSet(data, prefix="tags"),
        )

    def render(self, form, ports, tags, sections=None, status=200):
        context = {
            "form": form,
            "ports": ports,
            "tags": tags,
            "sections": sections or {},
            "ports_left": MAX_PORTS - ports.total_form_count(),
            "tags_left": MAX_TAGS - tags.total_form_count(),
            "predefined_tags": predefined_tags(self.request.user, self.project.account_id),
            **quota_state(self.request, ENDPOINT_SERVICE),
        }
        return render_page_or_partial(
            self.request, self.template_name, "#form", context, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.htmx:  # a dependent choice changed: re-render the fields with the values so far
            return self.render(*without_errors(*self.forms(request.GET)))
        return self.render(*self.forms())

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("_action", "create")
        data = with_row_action(request.POST, action)
        form, ports, tags = self.forms(data)
        if action != "create":
            return self.render(*without_errors(form, ports, tags))
        if not (form.is_valid() and ports.is_valid() and tags.is_valid()):
            return self.render(form, ports, tags, status=422)
        try:
            service = ops.create_service(
                request.user,
                self.project,
                name=form.cleaned_data["name"],
                vpc_id=form.cleaned_data["vpc"].pk,
                approval_enabled=form.cleaned_data["approval_enabled"],
                backend_type=form.cleaned_data["backend_type"],
                backend_id=form.cleaned_data["backend"],
                ports=[ops.Port(**row) for row in filled_rows(ports)],
                tags=[(row["key"], row["value"]) for row in filled_rows(tags)],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            sections = apply_errors(exc, form, {"ports": ports, "tags": tags})
            return self.render(form, ports, tags, sections, status=422)
        messages.success(
            request, _("Endpoint service %(name)s is being created.") % {"name": service}
        )
        return redirect("services:list")


TABS = (
    Tab("basic", gettext_lazy("Basic information"), "services:detail"),
    Tab("connections", gettext_lazy("Connections"), "services:connections", APPROVE),
    Tab("permissions", pgettext_lazy("tab", "Permissions"), "services:permissions"),
    Tab("ports", gettext_lazy("Port mappings"), "services:ports"),
    Tab("tags", gettext_lazy("Tags"), "services:tags"),
    Tab("notifications", gettext_lazy("Notifications"), "services:notifications", APPROVE),
    Tab("monitoring", gettext_lazy("Monitoring"), "services:monitoring"),  # issue 14
)


class ServiceView(ObjectView):
    queryset = EndpointService.objects.select_related("project__region", "project__account", "vpc")
    template_name = "services/detail.html"
    tabs = TABS

    def get_context(self, **extra) -> dict:
        can_change = self.can(CHANGE) and not self.object.is_system
        return super().get_context(
            can_change=can_change,
            can_edit=can_change and not ops.edit_refusal(self.object),
            can_delete=self.can(SUPPORT) and not self.object.is_system,
            can_approve=self.can(APPROVE),
            **extra,
        )


class ServiceEditView(ServiceView):
    """修改 (issue 10): name, 描述, 连接审批, the backend, port mappings, 客户端IP透传. Its
    administrators only. A change of the backend, the ports or tcp_proxy that reaches accepted
    endpoints first says how many, and is saved only with 确定 (`_action=confirm`)."""

    action = CHANGE
    template_name = "services/edit.html"

    def get_queryset(self):
        return self.queryset.select_related("load_balancer", "server").prefetch_related("ports")

    def forms(self, data=None):
        service = self.object
        if data is None:
            initial = [
                {
                    "protocol": p.protocol,
                    "service_port": p.service_port,
                    "terminal_port": p.terminal_port,
                }
                for p in service.ports.all()
            ]
            return (
                ServiceEditForm(user=self.request.user, service=service),
                PortFormSet(prefix="ports", initial=initial or [{"protocol": "TCP"}]),
            )
        return (
            ServiceEditForm(data, user=self.request.user, service=service),
            PortFormSet(data, prefix="ports"),
        )

    def page(self, form, ports, sections=None, affected=0, status=200) -> HttpResponse:
        context = {
            "object": self.object,
            "form": form,
            "ports": ports,
            "sections": sections or {},
            "ports_left": MAX_PORTS - ports.total_form_count(),
            "refusal": ops.edit_refusal(self.object),
            "affected": affected,
        }
        return render_page_or_partial(
            self.request, self.template_name, "#form", context, status=status
        )

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        if request.htmx:  # the backend type changed: the backend list follows
            return self.page(*without_errors(*self.forms(request.GET)))
        return self.page(*self.forms())

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        action = request.POST.get("_action", "save")
        form, ports = self.forms(with_row_action(request.POST, action))
        if action not in ("save", "confirm"):
            return self.page(*without_errors(form, ports))
        if not (form.is_valid() and ports.is_valid()):
            return self.page(form, ports, status=422)
        changes = form.changes([ops.Port(**row) for row in filled_rows(ports)])
        affected = ops.affected_connections(self.object, changes) if action == "save" else 0
        try:
            # Reaching accepted endpoints: checked and said first; saved only with 确定.
            service = ops.update_service(
                request.user, self.object.pk, check_only=bool(affected), **changes
            )
            if affected:
                return self.page(form, ports, affected=affected)
        except ValidationError as exc:
            sections = apply_errors(exc, form, {"ports": ports})
            return self.page(form, ports, sections, status=422)
        messages.success(request, _("Endpoint service %(name)s was changed.") % {"name": service})
        return redirect("services:detail", service.pk)


class ServiceDetailView(ServiceView):
    """基本信息, with the backend check of §5.2 (N2)."""

    tab = "basic"

    def get_queryset(self):
        # Everything check_backend() reads, in a fixed number of queries.
        return self.queryset.select_related(
            "load_balancer__subnet__network_acl", "server__subnet__network_acl"
        ).prefetch_related(
            "ports",
            "availability_zones",
            *(
                f"{kind}__{path}"
                for kind in ("load_balancer", "server")
                for path in ("security_groups__rules", "subnet__network_acl__rules")
            ),
        )

    def get_tab_context(self) -> dict:
        return {
            "check": check_backend(self.object),
            "live_check": live_check_available(self.object),
        }


class ServiceBackendProbeView(ServiceView):
    """基本信息's connection check (issue 14), loaded after the page: connecting takes up to a
    second when the backend drops the traffic."""

    get_queryset = ServiceEditView.get_queryset  # the backend and its ports

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        if not live_check_available(self.object):
            raise Http404  # nothing to connect with: the data plane is simulated
        return render(
            request,
            "services/_backend_probe.html",
            {"object": self.object, "probes": probe_backend(self.object)},
        )


class ServiceConnectionsView(ServiceView):
    """连接管理: the endpoints connected to this service; approvers and admins only (S8)."""

    tab = "connections"
    action = APPROVE

    def get_tab_context(self) -> dict:
        endpoints = (
            Endpoint.objects.restrict(self.request.user, APPROVE)
            .filter(service=self.object)
            .select_related("project__account")
        )
        decision = refused_decision(self.request)
        table = ConnectionTable(
            endpoints, request=self.request, service=self.object, ticked=decision.get("ticked", ())
        )  # paged
        return {"table": table, "bulk": table.offer_bulk(), "decision": decision}


class ServicePermissionsView(ServiceView):
    """权限管理: the whitelist (S9), paged. POST is 添加白名单记录: rows of accounts, added and
    removed in place (+ 继续添加, 删除), saved together with 确定."""

    tab = "permissions"

    def get_tab_context(self) -> dict:
        can_approve = self.can(APPROVE) and not self.object.is_system  # the platform's list
        table = PermissionTable(
            self.object.permissions.all(),
            request=self.request,
            service=self.object,
            can_approve=can_approve,
        )  # ordered and paged by the request, as every table given one
        form = getattr(self, "form", None) or PermissionsForm()
        rows = getattr(self, "rows", None) or PrincipalFormSet(prefix="principals")
        return {
            "table": table,
            "form": form,
            "rows": rows,
            "rows_left": MAX_PRINCIPALS - rows.total_form_count(),
            "sections": getattr(self, "sections", {}),
            "adding": bool(getattr(self, "form", None)),
            "can_edit_whitelist": can_approve,
        }

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        if not self.can(APPROVE):
            raise PermissionDenied
        action = request.POST.get("_action", "save")
        data = request.POST
        if action == "add_principal":
            data = add_formset_row(data, "principals", MAX_PRINCIPALS)
        elif action.startswith("remove_principal-"):
            data = remove_formset_row(data, "principals", row_index(action), ["principal"])
        self.form, self.rows = PermissionsForm(data), PrincipalFormSet(data, prefix="principals")
        if action != "save":
            without_errors(self.form, self.rows)
            return self.render()
        if self.form.is_valid() and self.rows.is_valid():
            principals = [row["principal"] for row in filled_rows(self.rows)]
            try:
                added = ops.add_permissions(
                    request.user,
                    self.object.pk,
                    principals,
                    self.form.cleaned_data["description"],
                    by_row=True,
                )
            except ValidationError as exc:
                self.sections = apply_errors(exc, self.form, {"principals": self.rows})
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d record added to the whitelist.",
                        "%(count)d records added to the whitelist.",
                        len(added),
                    )
                    % {"count": len(added)},
                )
                return redirect("services:permissions", self.object.pk)
        return self.render(status=422)


class ServicePortsView(ServiceView):
    """端口映射 (S10); administrators change them with 修改."""

    tab = "ports"

    def get_tab_context(self) -> dict:
        return {"ports": self.object.ports.all()}


class ServiceTagsView(TagsTabMixin, ServiceView):
    tags_url_name = "services:tags"
    tag_edit_url_name = "services:tag_edit"


class ServiceNotificationsView(NotificationsTabMixin, ServiceView):
    """通知 (issue 11): subscriptions to the connections of this service."""

    side = "service"
    tab_url_name = "services:notifications"


class ServiceMonitoringView(MonitoringTabMixin, ServiceView):
    """监控 (issue 14): the traffic of every endpoint connected to this service, summed."""

    def monitored_endpoints(self):
        # The service is restrict()ed; the tab shows only the sum, never one consumer's figures.
        return Endpoint.objects.filter(service=self.object)

    def proxied(self) -> bool:
        return bool(backend_key(self.object))


class DescriptionEditView(ServiceView):
    """编辑描述 of one row of a tab (a connection, a whitelist record): approvers and
    administrators. The form comes back with what was typed when refused."""

    action = APPROVE
    template_name = "services/description.html"
    back_url_name = ""
    limit = ops.MAX_DESCRIPTION
    heading = ""

    def row(self):
        raise NotImplementedError

    def save(self, row, description: str) -> None:
        raise NotImplementedError

    def page(self, form, status=200) -> HttpResponse:
        context = {
            "object": self.object,
            "row": self.row(),
            "form": form,
            "heading": self.heading,
            "back_url": reverse(self.back_url_name, args=[self.object.pk]),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk, **kwargs) -> HttpResponse:
        form = DescriptionForm(limit=self.limit, initial={"description": self.current(self.row())})
        return self.page(form)

    def post(self, request: HttpRequest, pk, **kwargs) -> HttpResponse:
        form = DescriptionForm(request.POST, limit=self.limit)
        if form.is_valid():
            try:
                self.save(self.row(), form.cleaned_data["description"])
            except ValidationError as exc:
                apply_errors(exc, form, {}, strip_prefix="connections.0.")
            else:
                messages.success(request, _("The description was saved."))
                return redirect(self.back_url_name, self.object.pk)
        return self.page(form, status=422)


class ConnectionDescriptionView(DescriptionEditView):
    back_url_name = "services:connections"
    heading = gettext_lazy("Connection description")

    def row(self):
        return get_object_or_404(
            Endpoint.objects.restrict(self.request.user, APPROVE).select_related(
                "project__account"
            ),
            service=self.object,
            pk=self.kwargs["endpoint_id"],
        )

    def current(self, row) -> str:
        return row.connection_description

    def save(self, row, description: str) -> None:
        ops.describe_connections(self.request.user, self.object.pk, {row.pk: description})


class PermissionDescriptionView(DescriptionEditView):
    back_url_name = "services:permissions"
    heading = gettext_lazy("Whitelist record description")
    limit = ops.MAX_PERMISSION_DESCRIPTION

    def row(self):
        ids = parse_ids([self.kwargs["permission_id"]])
        return get_object_or_404(self.object.permissions.all(), pk=ids[0] if ids else None)

    def current(self, row) -> str:
        return row.description

    def save(self, row, description: str) -> None:
        ops.update_permission_description(self.request.user, self.object.pk, row.pk, description)


def decided_ids(request: HttpRequest) -> list[str]:
    """The connections a decision form names: one row's button (`row`), else the ticked ones."""
    ids = request.POST.getlist("row") or request.POST.getlist("endpoint")
    return [i for i in ids if is_uuid(i)]


def decided_message(decision: str, count: int) -> str:
    if decision == "accept":
        return ngettext(
            "%(count)d connection accepted.", "%(count)d connections accepted.", count
        ) % {"count": count}
    return ngettext("%(count)d connection rejected.", "%(count)d connections rejected.", count) % {
        "count": count
    }


# A refused 接受 / 拒绝 (a 审批意见 with < or >, nothing ticked): what was typed and ticked, kept
# in the session for the page the POST redirects to, which shows them again, the comment's
# errors at the comment.
REFUSED_DECISION = "refused_decision"


def keep_refused_decision(request: HttpRequest, error: ValidationError, page_url: str) -> None:
    """Errors about the comment stay for its field; the others become messages."""
    errors = (
        dict(error.message_dict)
        if hasattr(error, "error_dict")
        else {NON_FIELD_ERRORS: error.messages}
    )
    at_comment = errors.pop("comment", [])
    for text in (m for found in errors.values() for m in found):
        messages.error(request, text)
    request.session[REFUSED_DECISION] = {
        "page": urlsplit(page_url).path,
        "comment": request.POST.get("comment", "")[: 4 * ops.MAX_DECISION_COMMENT],
        "ticked": [i for i in request.POST.getlist("endpoint") if is_uuid(i)],
        "errors": at_comment,
    }


def refused_decision(request: HttpRequest) -> dict:
    """The refused decision kept for this page ({} if none): read once."""
    kept = request.session.pop(REFUSED_DECISION, None)
    return kept if kept and kept.get("page") == request.path else {}


class ConnectionDecisionView(OperationView):
    """接受 / 拒绝 one or the ticked connections (S8), with an optional 审批意见 (issue 11). A
    refused one goes back to 连接管理 with the comment and ticks as they were."""

    success_url_name = "services:connections"
    decision = "accept"

    def refused(self, error: ValidationError, redirect_url: str) -> None:
        keep_refused_decision(self.request, error, redirect_url)

    def perform(self, pk) -> str:
        changed = ops.decide_connections(
            self.request.user,
            pk,
            decided_ids(self.request),
            self.decision,
            self.request.POST.get("comment", ""),
        )
        return decided_message(self.decision, len(changed))


class ConnectionHistoryView(ServiceView):
    """连接记录 of one connection, from 连接管理 (issue 11): approvers and administrators. The
    same events the consumer reads on its endpoint; the provider's own note stays in 连接管理."""

    action = APPROVE
    template_name = "services/connection_history.html"

    def get(self, request: HttpRequest, pk, endpoint_id) -> HttpResponse:
        endpoint = get_object_or_404(
            Endpoint.objects.restrict(request.user, APPROVE).select_related("project__account"),
            service=self.object,
            pk=endpoint_id,
        )
        context = {
            "object": self.object,
            "endpoint": endpoint,
            "events": connection_events(request.user, endpoint),
        }
        return render_page_or_partial(request, self.template_name, "#modal", context)


class PermissionsRemoveView(OperationView):
    success_url_name = "services:permissions"

    def perform(self, pk) -> str:
        ids = parse_ids(self.request.POST.getlist("permission"))
        reject = self.request.POST.get("reject_connections") == "on"
        count = ops.remove_permissions(self.request.user, pk, ids, reject_connections=reject)
        return ngettext(
            "%(count)d whitelist record deleted.", "%(count)d whitelist records deleted.", count
        ) % {"count": count}


class ServiceDeleteView(OperationView):
    success_url_name = "services:detail"

    def perform(self, pk) -> str:
        service = ops.delete_service(self.request.user, pk)
        return _("Endpoint service %(name)s is being deleted.") % {"name": service}

    def get_redirect_url(self, pk, succeeded: bool) -> str:
        return reverse("services:list") if succeeded else super().get_redirect_url(pk, succeeded)


class ServiceDeleteConfirmView(ConfirmView, ServiceView):
    action = SUPPORT
    title = gettext_lazy("Delete endpoint service")
    confirm_label = gettext_lazy("Yes")

    def get_confirm_context(self) -> dict:
        return {
            "message": _("Deleting an endpoint service cannot be undone. Delete %(name)s?")
            % {"name": self.object},
            "refusal": self.refusal(),
            "action": reverse("services:delete", args=[self.object.pk]),
            "values": [],
        }

    def refusal(self) -> str:
        """Why the service cannot be deleted, if it cannot: the dialog then says only that."""
        if self.object.is_system:
            return _("Cloud services are provided by the platform and cannot be deleted.")
        if self.object.status == "deleting":
            return _("The endpoint service is being deleted already.")
        blocking = ops.blocking_endpoints(self.object)
        if blocking:
            return ngettext(
                "%(count)d endpoint is accepted or being created on this service: it cannot be deleted yet.",
                "%(count)d endpoints are accepted or being created on this service: it cannot be deleted yet.",
                blocking,
            ) % {"count": blocking}
        return ""


class RejectConfirmView(ConfirmView, ServiceView):
    action = APPROVE
    title = gettext_lazy("Reject connections")
    confirm_label = gettext_lazy("Reject")

    def get_confirm_context(self) -> dict:
        ids = [i for i in self.request.GET.getlist("endpoint") if is_uuid(i)]
        comment = self.request.GET.get("comment", "")[: ops.MAX_DECISION_COMMENT]
        endpoints = list(
            Endpoint.objects.restrict(self.request.user, APPROVE)
            .filter(service=self.object, pk__in=ids)
            .select_related("project__account")
        )
        return {
            "message": _(
                "Reject these connections? Their endpoints stop working until accepted again."
            ),
            "items": [f"{e.pk} · {e.project.account.domain_id}" for e in endpoints],
            "refusal": "" if endpoints else _("Tick at least one connection."),
            "action": reverse("services:reject", args=[self.object.pk]),
            "values": [("endpoint", str(e.pk)) for e in endpoints],
            "next": reverse("services:connections", args=[self.object.pk]),
            "comment_field": {"value": comment, "max": ops.MAX_DECISION_COMMENT},
        }


class PermissionsRemoveConfirmView(ConfirmView, ServiceView):
    action = APPROVE
    title = gettext_lazy("Delete whitelist records")
    confirm_label = gettext_lazy("Yes")

    def get_confirm_context(self) -> dict:
        ids = parse_ids(self.request.GET.getlist("permission"))
        records = list(self.object.permissions.filter(pk__in=ids))
        connected = ops.connections_losing_permission(self.object, [p.pk for p in records])
        option = None
        if connected:
            option = {
                "name": "reject_connections",
                "label": ngettext(
                    "Also reject their %(count)d accepted connection",
                    "Also reject their %(count)d accepted connections",
                    connected,
                )
                % {"count": connected},
            }
        return {
            "message": _(
                "Delete these whitelist records? Those accounts can no longer create endpoints to this service."
            )
            + " "
            + (
                ngettext(
                    "They have %(count)d accepted connection, which stays connected unless you reject it too.",
                    "They have %(count)d accepted connections, which stay connected unless you reject them too.",
                    connected,
                )
                % {"count": connected}
                if connected
                else _("They have no accepted connection to this service.")
            ),
            "option": option,
            "items": [p.principal for p in records],
            "refusal": "" if records else _("Tick at least one whitelist record."),
            "action": reverse("services:permissions_remove", args=[self.object.pk]),
            "values": [("permission", str(p.pk)) for p in records],
        }
