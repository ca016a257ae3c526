"""The base of every ModelAdmin of the console (the operators' Django admin)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ConsoleAdmin(admin.ModelAdmin):
    def response_action(self, request, queryset, *args, **kwargs):
        """A bulk action on forged or malformed IDs (a non-UUID where the key is a UUID) says so
        instead of a 500: Django filters by the posted IDs before it checks them (issue 9)."""
        try:
            return super().response_action(request, queryset, *args, **kwargs)
        except (ValidationError, ValueError):
            self.message_user(
                request, _("Some of the selected items do not exist."), messages.ERROR
            )
            return None  # the changelist then redirects back to itself
