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
