from django.contrib import admin

from console.ui.admin import ConsoleAdmin

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(ConsoleAdmin):
    list_display = [
        "created_at",
        "actor_name",
        "action",
        "resource_type",
        "resource_name",
        "project",
    ]
    list_filter = ["action", "resource_type", "project__region"]
    search_fields = ["actor_name", "resource_id", "resource_name"]
    list_select_related = ["project__account", "project__region"]
    readonly_fields = [f.name for f in AuditRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
