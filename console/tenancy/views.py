from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Project
from .querysets import VIEW


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "tenancy/login.html"
    redirect_authenticated_user = True


def safe_next(request: HttpRequest, fallback: str) -> str:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


@require_POST
def select_project(request: HttpRequest) -> HttpResponse:
    """Switch region/project (T3). Only the user's own selectable projects; others are 404."""
    chosen = request.POST.get("project_id", "")
    project = next((p for p in request.tenancy.projects if p.project_id == chosen), None)
    if project is None:
        raise Http404("No such project for this user.")
    request.tenancy.select(project)
    return redirect(safe_next(request, reverse("home")))


def credentials(request: HttpRequest) -> HttpResponse:
    """我的凭证 (T4): account name, account ID and the project ID of each region."""
    projects = (
        Project.objects.restrict(request.user, VIEW)
        .filter(account_id=request.user.account_id)
        .select_related("region")
    )
    return render(
        request,
        "tenancy/credentials.html",
        {"account": request.user.account, "projects": projects},
    )
