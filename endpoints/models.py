"""Endpoints (终端节点): one VPC connected to one endpoint service (E1-E8).

Seen from its service's side an endpoint is a connection (连接管理): there is no second table.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from console.network.models import VPC, DNSRecord, RouteTable, Subnet
from console.states import StatusMixin, move
from console.tags.models import ResourceTag
from console.tenancy.models import Project
from console.tenancy.querysets import APPROVE, CHANGE, SUPPORT, VIEW, RestrictedQuerySet
from services.models import EndpointService

MAX_CONNECTIONS = 3000  # per endpoint (§1.4, E3)


class EndpointStatus(models.TextChoices):
    PENDING = "pendingAcceptance", _("Pending acceptance")
    CREATING = "creating", _("Creating")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")
    DELETING = "deleting", _("Deleting")


# §5.4 table 5-3 (D1).
STATUS_HELP = {
    EndpointStatus.PENDING: _(
        "The endpoint service requires connection approval; the endpoint waits for the "
        "service to accept it."
    ),
    EndpointStatus.CREATING: _("The endpoint is connecting to the endpoint service."),
    EndpointStatus.ACCEPTED: _("The endpoint is connected to the endpoint service."),
    EndpointStatus.REJECTED: _("The endpoint service rejected the endpoint's connection."),
    EndpointStatus.FAILED: _("The endpoint could not connect to the endpoint service."),
    EndpointStatus.DELETING: _("The endpoint is being deleted."),
}


class Endpoint(StatusMixin, models.Model):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="endpoints", verbose_name=_("project")
    )
    service = models.ForeignKey(
        EndpointService,
        on_delete=models.PROTECT,
        related_name="endpoints",
        verbose_name=_("endpoint service"),
    )
    # The service's project, copied when the endpoint is made (neither changes afterwards): the
    # approver's inbox finds its services with a waiting connection in an index of its own
    # projects' waiting rows (issue 13). Access is still decided by service__project (scope_path).
    # No index of its own: one would offer the planner every connection of a project instead.
    provider_project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
        verbose_name=_("provider project"),
    )
    vpc = models.ForeignKey(VPC, on_delete=models.PROTECT, related_name="+", verbose_name=_("VPC"))
    subnet = models.ForeignKey(
        Subnet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subnet"),
    )
    route_tables = models.ManyToManyField(
        RouteTable, blank=True, related_name="+", verbose_name=_("route tables")
    )
    private_dns = models.BooleanField(_("create a private domain name"), default=False)
    domain_name = models.CharField(_("private domain name"), max_length=253, blank=True)
    dns_record = models.ForeignKey(
        DNSRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("DNS record"),
    )
    node_ip = models.GenericIPAddressField(_("node IP"), protocol="IPv4", null=True, blank=True)
    packet_id = models.PositiveBigIntegerField(_("packet identifier"), unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EndpointStatus.choices, default=EndpointStatus.CREATING
    )
    error = models.CharField(_("reason"), max_length=255, blank=True)
    description = models.CharField(_("description"), max_length=512, blank=True)
    # The service provider's own note on this connection (连接管理), not shown to the consumer.
    connection_description = models.CharField(
        _("connection description"), max_length=512, blank=True
    )
    # 审批意见: the provider's message to the consumer with the latest decision (issue 11).
    decision_comment = models.CharField(_("decision comment"), max_length=255, blank=True)
    # The endpoint's own access control: source CIDRs that may use it, when enabled (issue 10).
    enable_whitelist = models.BooleanField(_("access control"), default=False)
    whitelist = models.JSONField(_("allowed source addresses"), default=list, blank=True)
    # Gateway endpoints: the policy in the provider's policy_statement shape; null = none.
    policy_statement = models.JSONField(_("endpoint policy"), null=True, blank=True)
    # The create form's one-time key: submitting it twice creates one endpoint (E2).
    request_id = models.UUIDField(_("request ID"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when a platform operator acts on the object for support (issue 9, defect 10): who,
    # when and what, for the banner the object's page shows; cleared when its owner acts.
    support_note = models.JSONField(null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()
    # Its owner sees and changes it; its service's approvers see it as a connection and decide.
    scope_path = {
        VIEW: ("project",),
        CHANGE: ("project",),
        SUPPORT: ("project",),
        APPROVE: ("service__project",),
    }

    TRANSITIONS = {
        EndpointStatus.CREATING: {
            EndpointStatus.ACCEPTED,
            EndpointStatus.PENDING,
            EndpointStatus.FAILED,
        },
        EndpointStatus.PENDING: {
            EndpointStatus.ACCEPTED,
            EndpointStatus.REJECTED,
            EndpointStatus.DELETING,
        },
        EndpointStatus.ACCEPTED: {EndpointStatus.REJECTED, EndpointStatus.DELETING},
        EndpointStatus.REJECTED: {EndpointStatus.ACCEPTED, EndpointStatus.DELETING},
        EndpointStatus.FAILED: {EndpointStatus.DELETING},
    }
    TRANSITIONAL = {EndpointStatus.CREATING, EndpointStatus.DELETING}
    STATUS_HELP = STATUS_HELP

    class Meta:
        verbose_name = _("endpoint")
        verbose_name_plural = _("endpoints")
        ordering = ["-created_at", "id"]
        # "This project, newest first" (the endpoint list) and "this service's connections,
        # newest first" (连接管理, the API's connections): an index read in order (issue 13).
        indexes = [
            models.Index(fields=["project", "-created_at", "id"], name="endpoint_project_newest"),
            models.Index(fields=["service", "-created_at", "id"], name="endpoint_service_newest"),
            # 待审批连接: the approver's inbox reads the waiting connections oldest first, counts
            # them and lists the services that have one. Partial indexes hold only the waiting
            # rows, so neither the accepted thousands nor other statuses are read (issue 13).
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status=EndpointStatus.PENDING),
                name="endpoint_pending_oldest",
            ),
            models.Index(
                fields=["provider_project", "service"],
                condition=models.Q(status=EndpointStatus.PENDING),
                name="endpoint_pending_service",
            ),
        ]
        constraints = [
            # Two endpoints never share an address (E5): the database refuses the race.
            models.UniqueConstraint(fields=["subnet", "node_ip"], name="node_ip_unique_in_subnet"),
            models.UniqueConstraint(
                fields=["project", "request_id"], name="one_endpoint_per_request"
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)

    def save(self, *args, **kwargs):
        if self.provider_project_id is None:
            self.provider_project_id = self.service.project_id
        super().save(*args, **kwargs)

    # An approver decides only connections that are made: not while creating or after failing.
    DECIDABLE = {EndpointStatus.PENDING, EndpointStatus.ACCEPTED, EndpointStatus.REJECTED}

    def accept(self) -> str:
        """The service's approver accepts the connection (接受)."""
        return move(self, EndpointStatus.ACCEPTED, only_from=self.DECIDABLE)

    def reject(self) -> str:
        """The service's approver rejects the connection (拒绝)."""
        return move(self, EndpointStatus.REJECTED, only_from=self.DECIDABLE)

    def finish_provisioning(self) -> str:
        """创建中 -> 已接受, or 待接受 when the service wants to approve it first (E4)."""
        target = (
            EndpointStatus.PENDING if self.service.approval_enabled else EndpointStatus.ACCEPTED
        )
        return move(self, target)

    def mark_failed(self, reason: str) -> str:
        self.error = reason[:255]
        return move(self, EndpointStatus.FAILED)

    def start_deletion(self) -> str:
        return move(self, EndpointStatus.DELETING)


class PacketIdSequence(models.Model):
    """One row handing out packet identifiers (报文标识) in order, under a row lock."""

    last = models.PositiveBigIntegerField(default=16777215)

    def __str__(self) -> str:
        return str(self.last)

    @classmethod
    def next(cls) -> int:
        row = cls.objects.select_for_update(no_key=True).filter(pk=1).first()
        if row is None:  # migration 0003 creates it; a flushed (test) database has not
            cls.objects.bulk_create([cls(pk=1)], ignore_conflicts=True)
            row = cls.objects.select_for_update(no_key=True).get(pk=1)
        row.last += 1
        row.save(update_fields=["last"])
        return row.last


class EndpointTag(ResourceTag):
    resource = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="tags", verbose_name=_("endpoint")
    )

    class Meta(ResourceTag.Meta):
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["resource", "key"], name="endpoint_tag_key_unique")
        ]


class ConnectionEventKind(models.TextChoices):
    REQUESTED = "requested", _("Connection requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DELETED = "deleted", _("Deleted")


class ConnectionEvent(models.Model):
    """连接记录 (issue 11): every request, decision (and re-decision, cut-off), automatic
    rejection and deletion of a connection, readable by both sides. It outlives the endpoint
    and the service, so both are kept as text too. `actor` empty = the system (auto-reject)."""

    endpoint = models.ForeignKey(
        Endpoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("endpoint"),
    )
    endpoint_ref = models.CharField(_("endpoint ID"), max_length=36, db_index=True)
    service = models.ForeignKey(
        EndpointService,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="connection_events",
        verbose_name=_("endpoint service"),
    )
    service_name = models.CharField(_("endpoint service"), max_length=128)
    # The two sides: the consumer's project (the endpoint's) and the provider's (the service's).
    consumer_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("consumer project")
    )
    provider_project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("provider project")
    )
    kind = models.CharField(_("event"), max_length=16, choices=ConnectionEventKind.choices)
    status = models.CharField(
        _("status after"), max_length=20, choices=EndpointStatus.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=150)
    comment = models.CharField(_("decision comment"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()
    scope_path = {VIEW: ("consumer_project", "provider_project")}

    class Meta:
        verbose_name = _("connection event")
        verbose_name_plural = _("connection history")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider_project", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.endpoint_ref} {self.kind}"
