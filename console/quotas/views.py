"""我的配额 (Q1) with increase requests (Q2)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from console.tenancy.querysets import CHANGE, VIEW, can
from console.ui.forms import apply_errors

from . import operations
from .forms import QuotaRequestForm
from .models import QuotaRequest
from .usage import usage_rows


def quotas(request: HttpRequest) -> HttpResponse:
    """Quota and use per region and resource, the account's requests, and a form to ask."""
    projects = [p for p in request.tenancy.projects if p.account_id == request.user.account_id]
    # Operators decide requests; the platform account does not ask itself for more.
    requestable = (
        [] if request.user.is_operator else [p for p in projects if can(request.user, CHANGE, p.pk)]
    )
    form = QuotaRequestForm(request.POST or None, projects=requestable)
    if request.method == "POST" and requestable and form.is_valid():
        try:
            operations.request_increase(
                request.user,
                form.cleaned_data["project_id"],
                form.cleaned_data["resource"],
                form.cleaned_data["wanted"],
                form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(exc, form, {})
        else:
            messages.success(
                request, _("Your request was sent to the operators. Its answer shows here.")
            )
            return redirect("quotas")
    requests = (
        QuotaRequest.objects.restrict(request.user, VIEW)
        .filter(project__account_id=request.user.account_id)
        .select_related("project__region")[:50]
    )
    return render(
        request,
        "quotas/quotas.html",
        {"rows": usage_rows(projects), "form": form if requestable else None, "requests": requests},
        status=422 if request.method == "POST" else 200,
    )
