"""Quota overrides: an operator raises (or lowers) one account's limit in one region (S5, E3)."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from console.tenancy.models import Project
from console.tenancy.querysets import RestrictedQuerySet

from .limits import DEFAULT_LIMITS, RESOURCE_LABELS


class Quota(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("project")
    )
    resource = models.CharField(
        _("resource"), max_length=32, choices=[(k, RESOURCE_LABELS[k]) for k in DEFAULT_LIMITS]
    )
    limit = models.PositiveIntegerField(_("quota"), validators=[MaxValueValidator(100000)])

    objects = RestrictedQuerySet.as_manager()
    scope_path = "project"

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(fields=["project", "resource"], name="one_quota_per_resource")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.resource} = {self.limit}"


def limit_for(project: Project, resource: str) -> int:
    """The account's quota for the resource in that project's region."""
    override = Quota.objects.filter(project=project, resource=resource).values_list(
        "limit", flat=True
    )
    return next(iter(override), DEFAULT_LIMITS[resource])


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an operator")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class QuotaRequest(models.Model):
    """A request to raise one quota in one region (Q2): the console's form for what the
    manual sends to the hotline (account, service, quota type, wanted value)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="quota_requests", verbose_name=_("project")
    )
    resource = models.CharField(
        _("resource"), max_length=32, choices=[(k, RESOURCE_LABELS[k]) for k in DEFAULT_LIMITS]
    )
    wanted = models.PositiveIntegerField(_("wanted quota"), validators=[MaxValueValidator(100000)])
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        "tenancy.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        "tenancy.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("operator's answer"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_path = "project"

    TRANSITIONS = {RequestStatus.PENDING: {RequestStatus.APPROVED, RequestStatus.DECLINED}}

    class Meta:
        verbose_name = _("quota increase request")
        verbose_name_plural = _("quota increase requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.resource} → {self.wanted}"
