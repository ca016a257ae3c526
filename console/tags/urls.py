from django.urls import path

from . import views

app_name = "tags"

urlpatterns = [
    path("predefined/", views.PredefinedTagsView.as_view(), name="predefined"),
    path("predefined/<int:pk>/", views.PredefinedTagEditView.as_view(), name="predefined_edit"),
    path(
        "predefined/<int:pk>/delete/",
        views.PredefinedTagDeleteView.as_view(),
        name="predefined_delete",
    ),
]
