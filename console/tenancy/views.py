from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console.ui.urls import safe_next
from console.ui.views import OperationView

from . import operations
from .forms import AccessKeyForm
from .models import AccessKey, Project
from .querysets import VIEW


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "tenancy/login.html"
    redirect_authenticated_user = True


@require_POST
def select_project(request: HttpRequest) -> HttpResponse:
    """Switch region/project (T3). Only the user's own selectable projects; others are 404."""
    chosen = request.POST.get("project_id", "")
    project = next((p for p in request.tenancy.projects if p.project_id == chosen), None)
    if project is None:
        raise Http404("No such project for this user.")
    request.tenancy.select(project)
    # Not redirect(): it would take a `next` such as "80" for a URL name (a 500).
    return HttpResponseRedirect(safe_next(request, reverse("home")))


# The key just created, kept in the session for the one page that shows its secret: the POST
# redirects (post/redirect/get), so a reload neither creates another key nor shows it again.
NEW_ACCESS_KEY = "new_access_key"


def credentials(request: HttpRequest, form=None, status: int = 200) -> HttpResponse:
    """我的凭证 (T4): account name and ID, the project ID of each region, the access keys; the
    secret of a key just created, this once."""
    projects = (
        Project.objects.restrict(request.user, VIEW)
        .filter(account_id=request.user.account_id)
        .select_related("region")
    )
    keys = AccessKey.objects.restrict(request.user, VIEW).filter(user=request.user)
    new_pk = request.session.pop(NEW_ACCESS_KEY, None)
    new_key = keys.filter(pk=new_pk).first() if new_pk is not None else None
    secret = new_key.secret if new_key else ""
    response = render(
        request,
        "tenancy/credentials.html",
        {
            "account": request.user.account,
            "projects": projects,
            "keys": keys,
            "max_keys": AccessKey.MAX_PER_USER,
            "new_key": new_key,
            "secret": secret,
            "form": form or AccessKeyForm(auto_id="key-%s"),
        },
        status=status,
    )
    if secret:
        response["Cache-Control"] = "no-store"  # the secret is on this page, and only this once
    return response


@require_POST
def create_access_key(request: HttpRequest) -> HttpResponse:
    """Create a key for yourself, then redirect to 我的凭证, which shows its secret once."""
    form = AccessKeyForm(request.POST, auto_id="key-%s")
    if not form.is_valid():  # a NUL byte, too long: said at the field
        return credentials(request, form=form, status=422)
    try:
        key, _secret = operations.create_access_key(request.user, form.cleaned_data["description"])
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("credentials")
    request.session[NEW_ACCESS_KEY] = key.pk  # the pk only: the secret stays encrypted
    return HttpResponseRedirect(reverse("credentials") + "#access-keys")


class AccessKeyStatusView(OperationView):
    success_url_name = "credentials"

    def perform(self, pk) -> str:
        enabled = self.request.POST.get("enabled") == "1"
        key = operations.set_access_key_status(self.request.user, pk, enabled)
        return (
            _("Access key %(key)s enabled.") if enabled else _("Access key %(key)s disabled.")
        ) % {"key": key}

    def get_redirect_url(self, pk, succeeded: bool) -> str:
        # An operator acting for support comes from the account's keys page and goes back there.
        return safe_next(self.request, reverse("credentials"))


class AccessKeyDeleteView(AccessKeyStatusView):
    def perform(self, pk) -> str:
        operations.delete_access_key(self.request.user, pk)
        return _("Access key deleted.")
