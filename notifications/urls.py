from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("<int:pk>/delete/", views.SubscriptionDeleteView.as_view(), name="delete"),
    path(
        "<int:pk>/delete/confirm/",
        views.SubscriptionDeleteConfirmView.as_view(),
        name="delete_confirm",
    ),
    path("<int:pk>/test/", views.SubscriptionTestView.as_view(), name="test"),
]
