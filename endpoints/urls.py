from django.urls import path

from console.tags.views import TagEditView

from . import views
from .models import Endpoint

app_name = "endpoints"

urlpatterns = [
    path("", views.EndpointListView.as_view(), name="list"),
    path("create/", views.EndpointCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.EndpointDetailView.as_view(), name="detail"),
    path("<uuid:pk>/edit/", views.EndpointEditView.as_view(), name="edit"),
    path("<uuid:pk>/policy/", views.EndpointPolicyView.as_view(), name="policy"),
    path(
        "<uuid:pk>/policy/delete/", views.EndpointPolicyDeleteView.as_view(), name="policy_delete"
    ),
    path(
        "<uuid:pk>/policy/delete/confirm/",
        views.EndpointPolicyDeleteConfirmView.as_view(),
        name="policy_delete_confirm",
    ),
    path("<uuid:pk>/tags/", views.EndpointTagsView.as_view(), name="tags"),
    path("<uuid:pk>/monitoring/", views.EndpointMonitoringView.as_view(), name="monitoring"),
    path(
        "<uuid:pk>/notifications/",
        views.EndpointNotificationsView.as_view(),
        name="notifications",
    ),
    path("<uuid:pk>/history/", views.EndpointHistoryView.as_view(), name="history"),
    path(
        "<uuid:pk>/tags/edit/",
        TagEditView.as_view(
            model=Endpoint, success_url_name="endpoints:tags", tab_view=views.EndpointTagsView
        ),
        name="tag_edit",
    ),
    path("<uuid:pk>/delete/", views.EndpointDeleteView.as_view(), name="delete"),
    path(
        "<uuid:pk>/delete/confirm/",
        views.EndpointDeleteConfirmView.as_view(),
        name="delete_confirm",
    ),
]
