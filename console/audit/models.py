"""The activity log: every state change, with who, when, what, and the state before and after."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from console.tenancy.models import Project
from console.tenancy.querysets import RestrictedQuerySet


class AuditRecord(models.Model):
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as text too: the log outlives users and resources.
    actor_name = models.CharField(_("user name"), max_length=150)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    resource_type = models.CharField(_("resource type"), max_length=64)
    resource_id = models.CharField(_("resource ID"), max_length=64, db_index=True)
    resource_name = models.CharField(_("resource name"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_path = "project"

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.resource_id}"
