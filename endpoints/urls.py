from django.urls import path

from console.tags.views import TagEditView

from . import views
from .models import Endpoint

app_name = "endpoints"

urlpatterns = [
    path("", views.EndpointListView.as_view(), name="list"),
    path("create/", views.EndpointCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.EndpointDetailView.as_view(), name="detail"),
    path("<uuid:pk>/tags/", views.EndpointTagsView.as_view(), name="tags"),
    path(
        "<uuid:pk>/tags/edit/",
        TagEditView.as_view(model=Endpoint, success_url_name="endpoints:tags"),
        name="tag_edit",
    ),
    path("<uuid:pk>/delete/", views.EndpointDeleteView.as_view(), name="delete"),
    path(
        "<uuid:pk>/delete/confirm/",
        views.EndpointDeleteConfirmView.as_view(),
        name="delete_confirm",
    ),
]
