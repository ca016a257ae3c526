from django.urls import path, re_path

from . import endpoint_changes, service_changes, tags, views

app_name = "api"

SERVICES = "v1/<str:project_id>/vpc-endpoint-services"

urlpatterns = [
    path("v1", views.VersionsView.as_view(), {"version": "v1"}, name="version"),
    path("v1/openapi.json", views.OpenApiView.as_view(), name="openapi"),
    path("v1/<str:project_id>/quotas", views.QuotasView.as_view(), name="quotas"),
    path(SERVICES, views.ServicesView.as_view(), name="services"),
    path(f"{SERVICES}/public", views.PublicServicesView.as_view(), name="public_services"),
    path(f"{SERVICES}/describe", views.DescribeServiceView.as_view(), name="describe_service"),
    path(
        f"{SERVICES}/<str:service_id>",
        service_changes.ServiceWithChangesView.as_view(),
        name="service",
    ),
    path(
        f"{SERVICES}/<str:service_id>/name",
        service_changes.ServiceNameView.as_view(),
        name="service_name",
    ),
    path(
        f"{SERVICES}/<str:service_id>/connections/description",
        service_changes.ConnectionsDescriptionView.as_view(),
        name="connections_description",
    ),
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
    path(
        f"{SERVICES}/<str:service_id>/permissions/<str:permission_id>",
        service_changes.PermissionDescriptionView.as_view(),
        name="permission",
    ),
    path(
        "v2/<str:project_id>/vpc-endpoint-services/<str:service_id>/add-server-resources",
        service_changes.ServerResourcesView.as_view(),
        name="service_server_resources",
    ),
    path(
        "v2/<str:project_id>/vpc-endpoint-services/<str:service_id>/upgrade",
        service_changes.ServiceUpgradeView.as_view(),
        name="service_upgrade",
    ),
    path("v1/<str:project_id>/vpc-endpoints", views.EndpointsView.as_view(), name="endpoints"),
    path(
        "v1/<str:project_id>/vpc-endpoints/<str:endpoint_id>",
        endpoint_changes.EndpointWithChangesView.as_view(),
        name="endpoint",
    ),
    path(
        "v1/<str:project_id>/vpc-endpoints/<str:endpoint_id>/routetables",
        endpoint_changes.RouteTablesView.as_view(),
        name="endpoint_routetables",
    ),
    path(
        "v1/<str:project_id>/vpc-endpoints/<str:endpoint_id>/policy",
        endpoint_changes.PolicyView.as_view(),
        name="endpoint_policy",
    ),
    path(
        "v2/<str:project_id>/vpc-endpoints/<str:endpoint_id>/upgrade",
        endpoint_changes.UpgradeView.as_view(),
        name="endpoint_upgrade",
    ),
    # Tags, per resource type (the provider's {resource_type}: endpoint_service, endpoint).
    *(
        route
        for kind, resource in (("endpoint_service", "service_id"), ("endpoint", "endpoint_id"))
        for route in (
            path(
                f"v1/<str:project_id>/{kind}/resource_instances/action",
                tags.ResourceInstancesView.as_view(),
                {"resource_type": kind},
                name=f"{kind}_instances",
            ),
            path(
                f"v1/<str:project_id>/{kind}/tags",
                tags.ProjectTagsView.as_view(),
                {"resource_type": kind},
                name=f"{kind}_tags",
            ),
            path(
                f"v1/<str:project_id>/{kind}/<str:{resource}>/tags/action",
                tags.ResourceTagsActionView.as_view(),
                {"resource_type": kind},
                name=f"{kind}_tags_action",
            ),
        )
    ),
    # Every other path under a version prefix (/v2, /v2/..., /v1/, /v1/x/ ...): a JSON 404,
    # never Django's HTML page (the provider's API has /v1 and /v2 paths).
    re_path(r"^v[0-9]+(?:/|$)", views.NotFoundView.as_view(), name="not_found"),
]
