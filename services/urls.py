from django.urls import path

from console.tags.views import TagEditView

from . import views
from .models import EndpointService

app_name = "services"

urlpatterns = [
    path("", views.ServiceListView.as_view(), name="list"),
    path("create/", views.ServiceCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.ServiceDetailView.as_view(), name="detail"),
    path("<uuid:pk>/edit/", views.ServiceEditView.as_view(), name="edit"),
    path("<uuid:pk>/monitoring/", views.ServiceMonitoringView.as_view(), name="monitoring"),
    path("<uuid:pk>/backend-probe/", views.ServiceBackendProbeView.as_view(), name="backend_probe"),
    path("<uuid:pk>/connections/", views.ServiceConnectionsView.as_view(), name="connections"),
    path(
        "<uuid:pk>/connections/<uuid:endpoint_id>/description/",
        views.ConnectionDescriptionView.as_view(),
        name="connection_description",
    ),
    path(
        "<uuid:pk>/connections/<uuid:endpoint_id>/history/",
        views.ConnectionHistoryView.as_view(),
        name="connection_history",
    ),
    path(
        "<uuid:pk>/connections/accept/",
        views.ConnectionDecisionView.as_view(decision="accept"),
        name="accept",
    ),
    path(
        "<uuid:pk>/connections/reject/",
        views.ConnectionDecisionView.as_view(decision="reject"),
        name="reject",
    ),
    path(
        "<uuid:pk>/connections/reject/confirm/",
        views.RejectConfirmView.as_view(),
        name="reject_confirm",
    ),
    path("<uuid:pk>/permissions/", views.ServicePermissionsView.as_view(), name="permissions"),
    path(
        "<uuid:pk>/permissions/<str:permission_id>/description/",
        views.PermissionDescriptionView.as_view(),
        name="permission_description",
    ),
    path(
        "<uuid:pk>/permissions/delete/",
        views.PermissionsRemoveView.as_view(),
        name="permissions_remove",
    ),
    path(
        "<uuid:pk>/permissions/delete/confirm/",
        views.PermissionsRemoveConfirmView.as_view(),
        name="permissions_remove_confirm",
    ),
    path("<uuid:pk>/ports/", views.ServicePortsView.as_view(), name="ports"),
    path("<uuid:pk>/tags/", views.ServiceTagsView.as_view(), name="tags"),
    path(
        "<uuid:pk>/notifications/",
        views.ServiceNotificationsView.as_view(),
        name="notifications",
    ),
    path(
        "<uuid:pk>/tags/edit/",
        TagEditView.as_view(
            model=EndpointService, success_url_name="services:tags", tab_view=views.ServiceTagsView
        ),
        name="tag_edit",
    ),
    path("<uuid:pk>/delete/", views.ServiceDeleteView.as_view(), name="delete"),
    path(
        "<uuid:pk>/delete/confirm/", views.ServiceDeleteConfirmView.as_view(), name="delete_confirm"
    ),
]
