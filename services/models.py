"""Endpoint services (终端节点服务), their port mappings, whitelists and tags (S1-S11)."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from console.network.models import VPC, LoadBalancer, Server
from console.states import StatusMixin, move
from console.tags.models import ResourceTag
from console.tenancy.models import AvailabilityZone, Project
from console.tenancy.querysets import CONNECT, RestrictedQuerySet

PLATFORM_SOURCE_RANGE = "198.19.128.0/20"  # where endpoint traffic reaches a backend from (§5.2)
PRINCIPAL_RE = r"^(iam:domain::[0-9a-f]{32}|\*)$"
NAME_RE = r"^[A-Za-z0-9_-]{0,16}$"

validate_service_name = RegexValidator(
    NAME_RE,
    _("At most 16 characters: letters, digits, '_' and '-'."),
    code="invalid_name",
)
validate_principal = RegexValidator(
    PRINCIPAL_RE,
    _("Enter iam:domain:: followed by a 32-character account ID, or * for every account."),
    code="invalid_principal",
)


class ServiceType(models.TextChoices):
    GATEWAY = "gateway", _("Gateway")
    INTERFACE = "interface", _("Interface")


class BackendType(models.TextChoices):
    # The API's server_type values (GLOSSARY).
    LB = "LB", _("Load balancer (ELB)")
    VM = "VM", _("Server (ECS)")


class ServiceStatus(models.TextChoices):
    CREATING = "creating", _("Creating")
    AVAILABLE = "available", _("Available")
    FAILED = "failed", _("Failed")
    DELETING = "deleting", _("Deleting")
    DELETED = "deleted", _("Deleted")


# §5.4 table 5-2: what each status means, shown next to every badge (D1).
STATUS_HELP = {
    ServiceStatus.CREATING: _("The endpoint service is being created."),
    ServiceStatus.AVAILABLE: _(
        "The endpoint service was created and accepts connections from endpoints."
    ),
    ServiceStatus.FAILED: _("The endpoint service could not be created."),
    ServiceStatus.DELETING: _("The endpoint service is being deleted."),
    ServiceStatus.DELETED: _("The endpoint service has been deleted."),
}


class TcpProxy(models.TextChoices):
    """客户端IP透传 (the provider's tcp_proxy)."""

    CLOSE = "close", _("Off")
    TOA_OPEN = "toa_open", _("TCP option (TOA)")
    PROXY_OPEN = "proxy_open", _("PROXY protocol")
    OPEN = "open", _("TOA and PROXY protocol")


class EndpointService(StatusMixin, models.Model):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="endpoint_services",
        verbose_name=_("project"),
    )
    name = models.CharField(
        _("name"), max_length=16, blank=True, validators=[validate_service_name]
    )
    # {region}.{name}.{id}, {region}.{id}, or cn.ctyun.{region}.{name} for system services (S4).
    service_name = models.CharField(_("full name"), max_length=128, unique=True, editable=False)
    service_type = models.CharField(
        _("service type"), max_length=16, choices=ServiceType.choices, default=ServiceType.INTERFACE
    )
    is_system = models.BooleanField(_("cloud service"), default=False)
    description = models.CharField(_("description"), max_length=512, blank=True)
    vpc = models.ForeignKey(
        VPC,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("VPC"),
    )
    approval_enabled = models.BooleanField(_("connection approval"), default=False)
    backend_type = models.CharField(
        _("backend type"), max_length=8, choices=BackendType.choices, blank=True
    )
    load_balancer = models.ForeignKey(
        LoadBalancer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("load balancer"),
    )
    server = models.ForeignKey(
        Server,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("server"),
    )
    # 待接受连接自动拒绝: reject connections left pending this many days (issue 11); off if null.
    auto_reject_days = models.PositiveSmallIntegerField(
        _("reject pending connections after (days)"), null=True, blank=True
    )
    # 客户端IP透传: how the client's address reaches the backend (issue 10); stored and shown,
    # effective where a data plane carries traffic.
    tcp_proxy = models.CharField(
        _("client IP pass-through"), max_length=16, choices=TcpProxy.choices, default=TcpProxy.CLOSE
    )
    # The availability zones its backend serves from (add_endpoint_service_server_resource).
    availability_zones = models.ManyToManyField(
        AvailabilityZone, blank=True, related_name="+", verbose_name=_("availability zones")
    )
    # Gateway services: the prefix endpoints route to (OBS: 100.125.0.0/16, E5).
    route_prefix = models.CharField(_("route prefix"), max_length=43, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.CREATING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when a platform operator acts on the object for support (issue 9, defect 10): who,
    # when and what, for the banner the object's page shows; cleared when its owner acts.
    support_note = models.JSONField(null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    TRANSITIONS = {
        ServiceStatus.CREATING: {ServiceStatus.AVAILABLE, ServiceStatus.FAILED},
        ServiceStatus.AVAILABLE: {ServiceStatus.DELETING},
        ServiceStatus.FAILED: {ServiceStatus.DELETING},
        ServiceStatus.DELETING: {ServiceStatus.DELETED},
    }
    TRANSITIONAL = {ServiceStatus.CREATING, ServiceStatus.DELETING}
    STATUS_HELP = STATUS_HELP

    class Meta:
        verbose_name = _("endpoint service")
        verbose_name_plural = _("endpoint services")
        ordering = ["-created_at", "id"]
        # "This project, newest first": the list page and the API page read the index in order
        # and stop after a page, instead of sorting the whole project (issue 13).
        indexes = [
            models.Index(fields=["project", "-created_at", "id"], name="service_project_newest"),
            # The quota's count of a project's own services (not cloud ones), from the index
            # alone: every list page and 配额 count them (issue 13).
            models.Index(fields=["project", "is_system"], name="service_project_system"),
        ]
        constraints = [
            # One backend, of the declared type; system services have none (S2, S1).
            models.CheckConstraint(
                name="service_backend_matches_type",
                condition=(
                    Q(
                        is_system=True,
                        backend_type="",
                        load_balancer__isnull=True,
                        server__isnull=True,
                    )
                    | Q(
                        is_system=False,
                        backend_type="LB",
                        load_balancer__isnull=False,
                        server__isnull=True,
                        vpc__isnull=False,
                    )
                    | Q(
                        is_system=False,
                        backend_type="VM",
                        server__isnull=False,
                        load_balancer__isnull=True,
                        vpc__isnull=False,
                    )
                ),
            ),
            # Users create interface services only (S2).
            models.CheckConstraint(
                name="user_services_are_interface",
                condition=Q(is_system=True) | Q(service_type="interface"),
            ),
        ]

    def __str__(self) -> str:
        return self.service_name

    @classmethod
    def restrict_q(cls, user, action: str, project_ids: list[int]) -> Q:
        """Own services for every action. To connect (create an endpoint), also the region's
        cloud services and other accounts' services whose whitelist names the user's account
        or * (S9, E2)."""
        own = Q(project__in=project_ids)
        if action != CONNECT:
            return own
        regions = Project.objects.filter(pk__in=project_ids).values("region")
        whitelisted = Exists(
            Permission.objects.filter(
                service=OuterRef("pk"), principal__in=[user.account.principal, "*"]
            )
        )
        return own | (Q(project__region__in=regions) & (Q(is_system=True) | whitelisted))

    @staticmethod
    def full_name(region_code: str, name: str, service_id: uuid.UUID) -> str:
        """{region}.{name}.{service_id}, or {region}.{service_id} without a name (S4)."""
        return ".".join(part for part in (region_code, name, str(service_id)) if part)

    @staticmethod
    def system_name(region_code: str, name: str) -> str:
        return f"cn.ctyun.{region_code}.{name}"

    @property
    def backend(self) -> LoadBalancer | Server | None:
        return self.load_balancer if self.backend_type == BackendType.LB else self.server

    def mark_available(self) -> str:
        return move(self, ServiceStatus.AVAILABLE)

    def mark_failed(self) -> str:
        return move(self, ServiceStatus.FAILED)

    def start_deletion(self) -> str:
        return move(self, ServiceStatus.DELETING)

    def mark_deleted(self) -> str:
        return move(self, ServiceStatus.DELETED)


class Protocol(models.TextChoices):
    TCP = "TCP", "TCP"
    UDP = "UDP", "UDP"


PORT_VALIDATORS = [MinValueValidator(1), MaxValueValidator(65535)]


class PortMapping(models.Model):
    """A port mapping (端口映射): terminal port on the endpoint -> service port on the backend."""

    service = models.ForeignKey(
        EndpointService,
        on_delete=models.CASCADE,
        related_name="ports",
        verbose_name=_("endpoint service"),
    )
    protocol = models.CharField(
        _("protocol"), max_length=3, choices=Protocol.choices, default=Protocol.TCP
    )
    service_port = models.PositiveIntegerField(_("service port"), validators=PORT_VALIDATORS)
    terminal_port = models.PositiveIntegerField(_("terminal port"), validators=PORT_VALIDATORS)

    class Meta:
        verbose_name = _("port mapping")
        verbose_name_plural = _("port mappings")
        ordering = ["service", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "protocol", "terminal_port"],
                name="terminal_port_once_per_protocol",
            ),
            models.CheckConstraint(
                name="ports_in_range",
                condition=Q(
                    service_port__gte=1,
                    service_port__lte=65535,
                    terminal_port__gte=1,
                    terminal_port__lte=65535,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} {self.terminal_port} → {self.service_port}"


class Permission(models.Model):
    """A whitelist record (白名单): an account, or * for every account, may connect (S9)."""

    service = models.ForeignKey(
        EndpointService,
        on_delete=models.CASCADE,
        related_name="permissions",
        verbose_name=_("endpoint service"),
    )
    principal = models.CharField(
        _("authorized account ID"), max_length=64, validators=[validate_principal]
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("whitelist record")
        verbose_name_plural = _("whitelist")
        ordering = ["service", "created_at", "id"]
        # 权限管理 lists a service's records newest first, a page at a time (issue 13).
        indexes = [
            models.Index(fields=["service", "-created_at", "id"], name="permission_service_newest")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "principal"], name="principal_once_per_service"
            ),
            models.CheckConstraint(
                name="principal_format", condition=Q(principal__regex=PRINCIPAL_RE)
            ),
        ]

    def __str__(self) -> str:
        return self.principal


class ServiceTag(ResourceTag):
    resource = models.ForeignKey(
        EndpointService,
        on_delete=models.CASCADE,
        related_name="tags",
        verbose_name=_("endpoint service"),
    )

    class Meta(ResourceTag.Meta):
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["resource", "key"], name="service_tag_key_unique")
        ]
