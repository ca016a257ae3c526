"""运维管理: pages for platform operators only (T2, S1, S5, Q2). Anyone else gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from console.quotas import operations as quota_ops
from console.quotas.forms import DecisionForm, QuotaLimitForm
from console.quotas.models import Quota, QuotaRequest, RequestStatus
from console.tenancy.models import AccessKey, Account, Project, User
from console.tenancy.querysets import CHANGE, OPERATE, VIEW
from console.ui.forms import apply_errors, error_messages, parse_ids
from console.ui.objects import get_object_for
from endpoints.models import Endpoint
from services import operations as service_ops
from services.models import EndpointService, ServiceType

from .forms import SystemServiceEditForm, SystemServiceForm


class OperatorView(View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_operator:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def count_per_account(queryset, account_path: str):
    """A correlated COUNT per account row: one query for the whole table, no row multiplication."""
    counts = (
        queryset.filter(**{account_path: OuterRef("pk")})
        .values(account_path)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


class AccountsView(OperatorView):
    def get(self, request: HttpRequest) -> HttpResponse:
        accounts = (
            Account.objects.restrict(request.user, VIEW)
            .order_by("-is_platform", "name")
            .annotate(
                user_count=count_per_account(User.objects.all(), "account"),
                service_count=count_per_account(
                    EndpointService.objects.filter(is_system=False), "project__account"
                ),
                endpoint_count=count_per_account(Endpoint.objects.all(), "project__account"),
                pending_requests=count_per_account(
                    QuotaRequest.objects.filter(status=RequestStatus.PENDING), "project__account"
                ),
            )
        )
        return render(request, "operator/accounts.html", {"accounts": accounts})


class AccountKeysView(OperatorView):
    """An account's users' access keys, for support: an operator may disable, enable or delete
    one; the tenant's activity log names the operator and 我的凭证 shows a banner."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = get_object_for(request.user, Account.objects.all(), VIEW, pk=pk)
        keys = (
            AccessKey.objects.restrict(request.user, VIEW)
            .filter(user__account=account)
            .select_related("user")
            .order_by("user__username", "created_at", "id")
        )
        return render(
            request,
            "operator/account_keys.html",
            {"account": account, "keys": keys, "show_owner": True, "next": request.path},
        )


class QuotaRequestsView(OperatorView):
    """The queue of increase requests: approve (the limit changes at once) or decline."""

    def get(self, request: HttpRequest, form=None, status=200) -> HttpResponse:
        requests = QuotaRequest.objects.restrict(request.user, VIEW).select_related(
            "project__account", "project__region", "requested_by"
        )
        return render(
            request,
            "operator/quota_requests.html",
            {
                "pending": requests.filter(status=RequestStatus.PENDING).order_by("created_at"),
                "decided": requests.exclude(status=RequestStatus.PENDING)[:50],
                "limit_form": form or QuotaLimitForm(),
                "overrides": Quota.objects.restrict(request.user, VIEW)
                .select_related("project__account", "project__region")
                .order_by("project__account__name", "project__region__position"),
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if "limit" in request.POST:  # set an account's quota directly
            form = QuotaLimitForm(request.POST)
            if form.is_valid():
                project = (
                    Project.objects.restrict(request.user, OPERATE)
                    .filter(
                        account=form.cleaned_data["account"], region=form.cleaned_data["region"]
                    )
                    .first()
                )
                try:
                    if project is None:
                        raise ValidationError(
                            {"region": [_("That account has no project in that region.")]}
                        )
                    quota_ops.set_limit(
                        request.user,
                        project,
                        form.cleaned_data["resource"],
                        form.cleaned_data["limit"],
                    )
                except ValidationError as exc:
                    apply_errors(exc, form, {})
                else:
                    messages.success(request, _("Quota set. It applies to the next creation."))
                    return redirect("operator:quota_requests")
            return self.get(request, form=form, status=422)
        decision = DecisionForm(request.POST)
        request_id = request.POST.get("request", "")
        approve = request.POST.get("decision") == "approve"
        try:
            ids = parse_ids([request_id])
            if not ids:
                raise ValidationError(_("That request no longer exists."))
            if not decision.is_valid():  # an answer too long, or with a NUL byte
                raise ValidationError(error_messages(decision))
            quota_ops.decide_request(request.user, ids[0], approve, decision.cleaned_data["answer"])
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                _("Request approved: the new quota applies now.")
                if approve
                else _("Request declined."),
            )
        return redirect("operator:quota_requests")


class SystemServicesView(OperatorView):
    """Cloud services per region (§1.6.1): add, edit the description, retire."""

    def get(self, request: HttpRequest, form=None, status=200) -> HttpResponse:
        services = (
            EndpointService.objects.restrict(request.user, VIEW)
            .filter(is_system=True)
            .select_related("project__region")
            .annotate(endpoint_count=Count("endpoints"))
            .order_by("project__region__position", "service_name")
        )
        return render(
            request,
            "operator/system_services.html",
            {
                "services": services,
                "form": form or SystemServiceForm(),
                "types": ServiceType,
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("_action", "create")
        if action in ("edit", "retire"):
            row = SystemServiceEditForm(request.POST)
            try:
                if not row.is_valid():  # a description too long, or with a NUL byte
                    raise ValidationError(error_messages(row))
                if action == "edit":
                    service_ops.update_system_service(
                        request.user,
                        row.cleaned_data["service"],
                        description=row.cleaned_data["description"],
                    )
                    messages.success(request, _("Cloud service saved."))
                else:
                    service = service_ops.retire_system_service(
                        request.user, row.cleaned_data["service"]
                    )
                    messages.success(
                        request, _("Cloud service %(name)s is being retired.") % {"name": service}
                    )
            except ValidationError as exc:
                for text in exc.messages:
                    messages.error(request, text)
            return redirect("operator:system_services")
        form = SystemServiceForm(request.POST)
        if form.is_valid():
            platform_project = (
                Project.objects.restrict(request.user, CHANGE)
                .filter(account__is_platform=True, region=form.cleaned_data["region"])
                .first()
            )
            try:
                if platform_project is None:
                    raise ValidationError(
                        {"region": [_("The platform account has no project in that region.")]}
                    )
                service_ops.create_system_service(
                    request.user,
                    platform_project,
                    name=form.cleaned_data["name"],
                    service_type=form.cleaned_data["service_type"],
                    description=form.cleaned_data["description"],
                    route_prefix=form.cleaned_data["route_prefix"],
                    ports=form.ports(),
                )
            except ValidationError as exc:
                apply_errors(exc, form, {})
            else:
                messages.success(request, _("Cloud service added."))
                return redirect("operator:system_services")
        return self.get(request, form=form, status=422)
