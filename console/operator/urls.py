from django.urls import path

from . import views

app_name = "operator"

urlpatterns = [
    path("accounts/", views.AccountsView.as_view(), name="accounts"),
    path("accounts/<int:pk>/keys/", views.AccountKeysView.as_view(), name="account_keys"),
    path("quota-requests/", views.QuotaRequestsView.as_view(), name="quota_requests"),
    path("system-services/", views.SystemServicesView.as_view(), name="system_services"),
]
