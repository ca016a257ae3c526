"""运维管理: pages for platform operators only (T2, S1, S5, Q2). Anyone else gets 403.

Resource apps add their own pages here through console.registry.OperatorPage (the cloud
services of §1.6.1: services/system_services.py)."""

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
from console.registry import registry
from console.tenancy.models import AccessKey, Account, Project, User
from console.tenancy.querysets import OPERATE, VIEW
from console.ui.forms import apply_errors, error_messages, parse_ids
from console.ui.objects import get_object_for


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
        .annotate(n=Count("*"))
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
                # what each resource app counts against its quota (console.registry)
                **{
                    counter.account_annotation: count_per_account(
                        counter.queryset(), "project__account"
                    )
                    for counter in registry.quota_counters.values()
                    if counter.account_annotation
                },
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
