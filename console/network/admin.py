from django.contrib import admin

from console.ui.admin import ConsoleAdmin

from . import models


class ProjectResourceAdmin(ConsoleAdmin):
    list_display = ["name", "project", "created_at"]
    list_filter = ["project__region", "project__account"]
    search_fields = ["name", "id"]
    list_select_related = ["project__account", "project__region"]


class SubnetInline(admin.TabularInline):
    model = models.Subnet
    extra = 0
    fields = ["name", "project", "cidr", "gateway_ip", "availability_zone", "network_acl"]


@admin.register(models.VPC)
class VPCAdmin(ProjectResourceAdmin):
    list_display = ["name", "cidr", "project", "created_at"]
    inlines = [SubnetInline]


@admin.register(models.Subnet)
class SubnetAdmin(ProjectResourceAdmin):
    list_display = ["name", "cidr", "vpc", "availability_zone", "network_acl", "project"]
    list_select_related = [
        "vpc",
        "availability_zone",
        "network_acl",
        *ProjectResourceAdmin.list_select_related,
    ]


class RouteInline(admin.TabularInline):
    model = models.Route
    extra = 0


@admin.register(models.RouteTable)
class RouteTableAdmin(ProjectResourceAdmin):
    list_display = ["name", "vpc", "is_default", "project"]
    list_select_related = ["vpc", *ProjectResourceAdmin.list_select_related]
    inlines = [RouteInline]


class SecurityGroupRuleInline(admin.TabularInline):
    model = models.SecurityGroupRule
    extra = 0


@admin.register(models.SecurityGroup)
class SecurityGroupAdmin(ProjectResourceAdmin):
    inlines = [SecurityGroupRuleInline]


class NetworkACLRuleInline(admin.TabularInline):
    model = models.NetworkACLRule
    extra = 0


@admin.register(models.NetworkACL)
class NetworkACLAdmin(ProjectResourceAdmin):
    list_display = ["name", "enabled", "project"]
    inlines = [NetworkACLRuleInline]


class BackendAdmin(ProjectResourceAdmin):
    list_display = ["name", "ip_address", "vpc", "subnet", "project"]
    list_select_related = ["vpc", "subnet", *ProjectResourceAdmin.list_select_related]
    filter_horizontal = ["security_groups"]


admin.site.register(models.LoadBalancer, BackendAdmin)
admin.site.register(models.Server, BackendAdmin)


class DNSRecordInline(admin.TabularInline):
    model = models.DNSRecord
    extra = 0


@admin.register(models.PrivateZone)
class PrivateZoneAdmin(ProjectResourceAdmin):
    list_display = ["name", "vpc", "project"]
    list_select_related = ["vpc", *ProjectResourceAdmin.list_select_related]
    inlines = [DNSRecordInline]
