from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from console.ui.admin import ConsoleAdmin

from .models import Account, AvailabilityZone, Membership, Project, Region, User

# The admin is the operators' tool (T2): only active staff users of the platform account.
admin.site.site_header = _("VPC Endpoint console · operations")
admin.site.site_title = _("VPC Endpoint operations")
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_operator


@admin.register(Account)
class AccountAdmin(ConsoleAdmin):
    list_display = ["name", "domain_id", "is_platform", "created_at"]
    search_fields = ["name", "domain_id"]


class ZoneInline(admin.TabularInline):
    model = AvailabilityZone
    extra = 0


@admin.register(Region)
class RegionAdmin(ConsoleAdmin):
    list_display = ["code", "name_zh", "name_en", "is_default", "position"]
    inlines = [ZoneInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    # Not autocomplete_fields: Django's autocomplete widget fails (500) on a malformed value
    # when it shows the form again; the raw-ID widget shows it as it is.
    raw_id_fields = ["project"]


@admin.register(Project)
class ProjectAdmin(ConsoleAdmin):
    list_display = ["project_id", "account", "region"]
    list_filter = ["region"]
    search_fields = ["project_id", "account__name", "account__domain_id"]
    list_select_related = ["account", "region"]


@admin.register(User)
class UserAdmin(ConsoleAdmin, DjangoUserAdmin):
    list_display = ["username", "account", "email", "is_staff", "is_active"]
    list_filter = ["account", "is_staff", "is_active"]
    list_select_related = ["account"]
    fieldsets = [
        (None, {"fields": ["username", "password", "account"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "account", "password1", "password2"]}),
    ]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Users are deactivated, never deleted: deleting one would take the admin's own
        # history (LogEntry) with it, and an operator could delete themselves (the fuzz suite did).
        return False
