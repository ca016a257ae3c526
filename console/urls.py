from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

from api import views as api_views
from console.audit.views import ActivityLogView
from console.metrics import metrics_view
from console.quotas import views as quota_views
from console.tenancy import views as tenancy_views
from console.ui.help import help_page

urlpatterns = [
    path("", login_not_required(api_views.home), name="home"),
    path("login/", tenancy_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("select-project/", tenancy_views.select_project, name="select_project"),
    path("credentials/", tenancy_views.credentials, name="credentials"),
    path("credentials/keys/", tenancy_views.create_access_key, name="access_key_create"),
    path(
        "credentials/keys/<int:pk>/status/",
        tenancy_views.AccessKeyStatusView.as_view(),
        name="access_key_status",
    ),
    path(
        "credentials/keys/<int:pk>/delete/",
        tenancy_views.AccessKeyDeleteView.as_view(),
        name="access_key_delete",
    ),
    path("quotas/", quota_views.quotas, name="quotas"),
    path("help/", help_page, name="help"),
    path("metrics", metrics_view, name="metrics"),  # Prometheus text (issue 14)
    path(
        "favicon.ico",
        login_not_required(lambda request: redirect(static("img/favicon.svg"))),
        name="favicon",
    ),
    path("endpoints/", include("endpoints.urls")),
    path("services/", include("services.urls")),
    path("tags/", include("console.tags.urls")),
    path("notifications/", include("notifications.urls")),
    path("activity/", ActivityLogView.as_view(), name="activity"),
    path("inbox/", include("services.inbox")),  # 待审批连接 (issue 11)
    path("operations/", include("console.operator.urls")),
    path("", include("api.urls")),  # VPCEP API v1: /v1/{project_id}/...
    path("admin/", admin.site.urls),
]

if settings.BENCH:  # `make bench` only (issue 13): the empty authenticated view
    urlpatterns.insert(0, path("bench/", include("bench.urls")))

handler500 = "api.errors.server_error"  # JSON under /v1, /v2, ...; the HTML page elsewhere
handler400 = "api.errors.bad_request"  # the same, for a Host Django refuses
