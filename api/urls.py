from django.urls import path

from . import views

app_name = "api"

SERVICES = "v1/<str:project_id>/vpc-endpoint-services"

urlpatterns = [
    path("v1", views.VersionsView.as_view(), {"version": "v1"}, name="version"),
    path("v1/<str:project_id>/quotas", views.QuotasView.as_view(), name="quotas"),
    path(SERVICES, views.ServicesView.as_view(), name="services"),
    path(f"{SERVICES}/public", views.PublicServicesView.as_view(), name="public_services"),
    path(f"{SERVICES}/describe", views.DescribeServiceView.as_view(), name="describe_service"),
    path(f"{SERVICES}/<str:service_id>", views.ServiceView.as_view(), name="service"),
]
