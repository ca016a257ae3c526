from django.contrib import admin

from console.ui.admin import ConsoleAdmin

from .models import Quota


@admin.register(Quota)
class QuotaAdmin(ConsoleAdmin):
    list_display = ["project", "resource", "limit"]
    list_filter = ["resource", "project__region"]
    search_fields = ["project__account__name", "project__project_id"]
    list_select_related = ["project__account", "project__region"]
