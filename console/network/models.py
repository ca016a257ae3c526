"""The network inventory that other cloud services own (N1).

The console reads these to offer choices (VPC, subnet, route table, backend) and to check a
backend's network configuration (N2). Operators seed or import them in the admin; each
top-level resource belongs to one project, i.e. one account in one region.
"""

from __future__ import annotations

import ipaddress
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from console.tenancy.models import AvailabilityZone, Project
from console.tenancy.querysets import RestrictedQuerySet


def validate_cidr(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a network in CIDR notation, such as 192.168.0.0/24."),
            params={"value": value},
            code="invalid_cidr",
        ) from exc


class ProjectResource(models.Model):
    """A resource owned by one account in one region, scoped by restrict()."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, verbose_name=_("project"))
    name = models.CharField(_("name"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_path = "project"

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def same_project(self, *others: ProjectResource | None) -> None:
        """Refuse links to a resource of another account or region."""
        for other in others:
            if other is not None and other.project_id != self.project_id:
                raise ValidationError(
                    _("%(other)s belongs to another project than %(self)s."),
                    params={"other": other, "self": self.name},
                )


class VPC(ProjectResource):
    """A virtual private cloud (虚拟私有云), e.g. vpc-638b, 192.168.0.0/20."""

    cidr = models.CharField(_("CIDR"), max_length=43, validators=[validate_cidr])

    class Meta(ProjectResource.Meta):
        verbose_name = _("VPC")
        verbose_name_plural = _("VPCs")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="vpc_name_unique_in_project")
        ]


class NetworkACL(ProjectResource):
    """A network ACL (网络ACL) associated with subnets; its rules are checked in order."""

    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta(ProjectResource.Meta):
        verbose_name = _("network ACL")
        verbose_name_plural = _("network ACLs")


class Direction(models.TextChoices):
    INGRESS = "ingress", _("Inbound")
    EGRESS = "egress", _("Outbound")


class Protocol(models.TextChoices):
    ANY = "any", _("Any")
    TCP = "tcp", "TCP"
    UDP = "udp", "UDP"
    ICMP = "icmp", "ICMP"


class RuleAction(models.TextChoices):
    ALLOW = "allow", _("Allow")
    DENY = "deny", _("Deny")


class NetworkACLRule(models.Model):
    acl = models.ForeignKey(
        NetworkACL, on_delete=models.CASCADE, related_name="rules", verbose_name=_("network ACL")
    )
    priority = models.PositiveIntegerField(_("priority"), help_text=_("Lower numbers match first."))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    action = models.CharField(_("action"), max_length=8, choices=RuleAction.choices)
    protocol = models.CharField(
        _("protocol"), max_length=8, choices=Protocol.choices, default=Protocol.ANY
    )
    cidr = models.CharField(
        _("source or destination"), max_length=43, validators=[validate_cidr], default="0.0.0.0/0"
    )

    class Meta:
        verbose_name = _("network ACL rule")
        verbose_name_plural = _("network ACL rules")
        ordering = ["acl", "direction", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["acl", "direction", "priority"], name="acl_rule_priority_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.priority} {self.direction} {self.action} {self.protocol} {self.cidr}"


class Subnet(ProjectResource):
    """A subnet (子网) of a VPC, e.g. subnet-71cf, 192.168.0.0/24."""

    vpc = models.ForeignKey(
        VPC, on_delete=models.PROTECT, related_name="subnets", verbose_name=_("VPC")
    )
    cidr = models.CharField(_("CIDR"), max_length=43, validators=[validate_cidr])
    gateway_ip = models.GenericIPAddressField(_("gateway"), protocol="IPv4")
    availability_zone = models.ForeignKey(
        AvailabilityZone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subnets",
        verbose_name=_("availability zone"),
    )
    network_acl = models.ForeignKey(
        NetworkACL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subnets",
        verbose_name=_("network ACL"),
    )
    # The route table the subnet is associated with; none: its VPC's default one. A gateway
    # endpoint's routes reach the subnets of the route tables it was given (issue 14).
    route_table = models.ForeignKey(
        "RouteTable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subnets",
        verbose_name=_("route table"),
    )

    class Meta(ProjectResource.Meta):
        verbose_name = _("subnet")
        verbose_name_plural = _("subnets")

    def clean(self) -> None:
        if self.vpc_id:
            self.same_project(self.vpc, self.network_acl)
            if self.route_table is not None and self.route_table.vpc_id != self.vpc_id:
                raise ValidationError(
                    {"route_table": _("The route table must belong to the subnet's VPC.")}
                )
        try:
            network = ipaddress.ip_network(self.cidr)
        except ValueError:
            return  # the field validator has said so
        if self.vpc_id:
            try:
                vpc_network = ipaddress.ip_network(self.vpc.cidr)
            except ValueError:
                vpc_network = None
            if vpc_network is not None and not network.subnet_of(vpc_network):
                raise ValidationError({"cidr": _("The subnet must lie inside the VPC's CIDR.")})
        if self.gateway_ip and ipaddress.ip_address(self.gateway_ip) not in network:
            raise ValidationError(
                {"gateway_ip": _("The gateway must be an address of the subnet.")}
            )


class RouteTable(ProjectResource):
    """A route table (路由表) of a VPC; gateway endpoints add routes to it."""

    vpc = models.ForeignKey(
        VPC, on_delete=models.PROTECT, related_name="route_tables", verbose_name=_("VPC")
    )
    is_default = models.BooleanField(_("default route table"), default=False)

    class Meta(ProjectResource.Meta):
        verbose_name = _("route table")
        verbose_name_plural = _("route tables")

    def clean(self) -> None:
        if self.vpc_id:
            self.same_project(self.vpc)


class Route(models.Model):
    route_table = models.ForeignKey(
        RouteTable, on_delete=models.CASCADE, related_name="routes", verbose_name=_("route table")
    )
    destination = models.CharField(_("destination"), max_length=43, validators=[validate_cidr])
    next_hop_type = models.CharField(_("next hop type"), max_length=32, default="local")
    next_hop = models.CharField(_("next hop"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["route_table", "destination"]
        constraints = [
            models.UniqueConstraint(
                fields=["route_table", "destination"], name="route_destination_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.destination} → {self.next_hop_type} {self.next_hop}".strip()


class SecurityGroup(ProjectResource):
    """A security group (安全组); its inbound rules decide what reaches a backend (N2)."""

    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta(ProjectResource.Meta):
        verbose_name = _("security group")
        verbose_name_plural = _("security groups")


class SecurityGroupRule(models.Model):
    group = models.ForeignKey(
        SecurityGroup,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("security group"),
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    protocol = models.CharField(
        _("protocol"), max_length=8, choices=Protocol.choices, default=Protocol.ANY
    )
    port_min = models.PositiveIntegerField(_("from port"), null=True, blank=True)
    port_max = models.PositiveIntegerField(_("to port"), null=True, blank=True)
    remote_cidr = models.CharField(
        _("remote CIDR"), max_length=43, validators=[validate_cidr], default="0.0.0.0/0"
    )

    class Meta:
        verbose_name = _("security group rule")
        verbose_name_plural = _("security group rules")
        ordering = ["group", "direction", "remote_cidr"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(port_min__isnull=True)
                | models.Q(port_max__isnull=True)
                | models.Q(port_min__lte=models.F("port_max")),
                name="sg_rule_port_range_ordered",
            )
        ]

    def __str__(self) -> str:
        ports = (
            "" if self.port_min is None else f":{self.port_min}-{self.port_max or self.port_min}"
        )
        return f"{self.direction} {self.protocol}{ports} {self.remote_cidr}"


class Backend(ProjectResource):
    """What an endpoint service can stand in front of: one address in one subnet of a VPC."""

    vpc = models.ForeignKey(VPC, on_delete=models.PROTECT, related_name="+", verbose_name=_("VPC"))
    subnet = models.ForeignKey(
        Subnet, on_delete=models.PROTECT, related_name="+", verbose_name=_("subnet")
    )
    ip_address = models.GenericIPAddressField(_("private IP"), protocol="IPv4")
    security_groups = models.ManyToManyField(
        SecurityGroup, blank=True, related_name="+", verbose_name=_("security groups")
    )

    class Meta(ProjectResource.Meta):
        abstract = True

    def clean(self) -> None:
        if self.vpc_id and self.subnet_id:
            self.same_project(self.vpc, self.subnet)
            if self.subnet.vpc_id != self.vpc_id:
                raise ValidationError({"subnet": _("The subnet must belong to the chosen VPC.")})
            if self.ip_address and ipaddress.ip_address(
                self.ip_address
            ) not in ipaddress.ip_network(self.subnet.cidr):
                raise ValidationError({"ip_address": _("The address must lie in the subnet.")})


class LoadBalancer(Backend):
    """An elastic load balancer (弹性负载均衡, ELB), e.g. elb-97rn."""

    class Meta(Backend.Meta):
        verbose_name = _("load balancer")
        verbose_name_plural = _("load balancers")
        constraints = [
            models.UniqueConstraint(fields=["subnet", "ip_address"], name="elb_ip_unique_in_subnet")
        ]


class Server(Backend):
    """An elastic cloud server (云服务器, ECS), e.g. ecs-66a6."""

    class Meta(Backend.Meta):
        verbose_name = _("server")
        verbose_name_plural = _("servers")
        constraints = [
            models.UniqueConstraint(fields=["subnet", "ip_address"], name="ecs_ip_unique_in_subnet")
        ]


class PrivateZone(ProjectResource):
    """A private DNS zone (内网域名) served inside a VPC; endpoints add A records to it."""

    vpc = models.ForeignKey(
        VPC, on_delete=models.PROTECT, related_name="private_zones", verbose_name=_("VPC")
    )

    class Meta(ProjectResource.Meta):
        verbose_name = _("private DNS zone")
        verbose_name_plural = _("private DNS zones")
        constraints = [
            models.UniqueConstraint(fields=["vpc", "name"], name="zone_name_unique_in_vpc")
        ]

    def clean(self) -> None:
        if self.vpc_id:
            self.same_project(self.vpc)


class RecordStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")


class DNSRecord(models.Model):
    zone = models.ForeignKey(
        PrivateZone, on_delete=models.CASCADE, related_name="records", verbose_name=_("zone")
    )
    name = models.CharField(_("name"), max_length=253)
    type = models.CharField(_("type"), max_length=8, default="A")
    value = models.CharField(_("value"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.NORMAL
    )

    class Meta:
        verbose_name = _("DNS record")
        verbose_name_plural = _("DNS records")
        ordering = ["zone", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "name", "type", "value"], name="dns_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.type} {self.value}"


class TrafficSample(models.Model):
    """One endpoint's connection figures at one moment, from the data plane's HAProxy exporter
    (issue 14): the 监控 tab's last hour. Written by the reconciler, kept an hour."""

    endpoint_id = models.UUIDField(_("endpoint"))
    at = models.DateTimeField(_("time"))
    current = models.PositiveBigIntegerField(_("current connections"), default=0)
    total = models.PositiveBigIntegerField(_("connections"), default=0)
    bytes_in = models.PositiveBigIntegerField(_("bytes in"), default=0)
    bytes_out = models.PositiveBigIntegerField(_("bytes out"), default=0)
    refused = models.PositiveBigIntegerField(_("refused connections"), default=0)

    class Meta:
        verbose_name = _("traffic sample")
        verbose_name_plural = _("traffic samples")
        indexes = [
            models.Index(fields=["endpoint_id", "at"], name="traffic_endpoint_at"),
            models.Index(fields=["at"], name="traffic_at"),  # the hourly forgetting
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.at:%H:%M:%S} {self.current}/{self.total}"
