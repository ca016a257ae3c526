from django.urls import path, re_path

from . import views

app_name = "api"

SERVICES = "v1/<str:project_id>/vpc-endpoint-services"

urlpatterns = [
    path("v1", views.VersionsView.as_view(), {"version": "v1"}, name="version"),
    path("v1/openapi.json", views.OpenApiView.as_view(), name="openapi"),
    path("v1/<str:project_id>/quotas", views.QuotasView.as_view(), name="quotas"),
    path(SERVICES, views.ServicesView.as_view(), name="services"),
    path(f"{SERVICES}/public", views.PublicServicesView.as_view(), name="public_services"),
    path(f"{SERVICES}/describe", views.DescribeServiceView.as_view(), name="describe_service"),
    path(f"{SERVICES}/<str:service_id>", views.ServiceView.as_view(), name="service"),
    path(
        f"{SERVICES}/<str:service_id>/connections",
        views.ConnectionsView.as_view(),
        name="connections",
    ),
    path(
        f"{SERVICES}/<str:service_id>/connections/action",
        views.ConnectionsActionView.as_view(),
        name="connections_action",
    ),
    path(
        f"{SERVICES}/<str:service_id>/permissions",
        views.PermissionsView.as_view(),
        name="permissions",
    ),
    path(
        f"{SERVICES}/<str:service_id>/permissions/action",
        views.PermissionsActionView.as_view(),
        name="permissions_action",
    ),
    path(
        f"{SERVICES}/<str:service_id>/permissions/batch-create",
        views.PermissionsBatchCreateView.as_view(),
        name="permissions_batch_create",
    ),
    path(
        f"{SERVICES}/<str:service_id>/permissions/batch-delete",
        views.PermissionsBatchDeleteView.as_view(),
        name="permissions_batch_delete",
    ),
    path("v1/<str:project_id>/vpc-endpoints", views.EndpointsView.as_view(), name="endpoints"),
    path(
        "v1/<str:project_id>/vpc-endpoints/<str:endpoint_id>",
        views.EndpointView.as_view(),
        name="endpoint",
    ),
    # Every other path under a version prefix (/v2, /v2/..., /v1/, /v1/x/ ...): a JSON 404,
    # never Django's HTML page (the provider's API has /v1 and /v2 paths).
    re_path(r"^v[0-9]+(?:/|$)", views.NotFoundView.as_view(), name="not_found"),
]
