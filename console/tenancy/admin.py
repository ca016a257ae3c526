from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Account, AvailabilityZone, Membership, Project, Region, User

# The admin is the operators' tool (T2): only active staff users of the platform account.
admin.site.site_header = _("VPC Endpoint console · operations")
admin.site.site_title = _("VPC Endpoint operations")
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_operator


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "domain_id", "is_platform", "created_at"]
    search_fields = ["name", "domain_id"]


class ZoneInline(admin.TabularInline):
    model = AvailabilityZone
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "is_default", "position"]
    inlines = [ZoneInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["project"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["project_id", "account", "region"]
    list_filter = ["region"]
    search_fields = ["project_id", "account__name", "account__domain_id"]
    list_select_related = ["account", "region"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
