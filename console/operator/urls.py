from django.urls import path

from console.registry import registry

from . import views

app_name = "operator"

urlpatterns = [
    path("accounts/", views.AccountsView.as_view(), name="accounts"),
    path("accounts/<int:pk>/keys/", views.AccountKeysView.as_view(), name="account_keys"),
    path("quota-requests/", views.QuotaRequestsView.as_view(), name="quota_requests"),
    # pages the resource apps add (console.registry.OperatorPage), e.g. the cloud services
    *(path(page.route, page.view, name=page.name) for page in registry.operator_pages.values()),
]
