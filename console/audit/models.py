"""The activity log: every state change, with who, when, what, and the state before and after."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from console.tenancy.models import Account, Project
from console.tenancy.querysets import RestrictedQuerySet, project_roles

ACTION_LABELS = {
    "service.create": _("Endpoint service created"),
    "service.provision": _("Endpoint service provisioned"),
    "service.edit": _("Endpoint service edited"),
    "service.delete": _("Endpoint service deletion started"),
    "service.retire": _("Cloud service retired"),
    "service.deleted": _("Endpoint service deleted"),
    "connection.accept": _("Connection accepted"),
    "connection.reject": _("Connection rejected"),
    "permission.add": _("Whitelist records added"),
    "permission.remove": _("Whitelist records deleted"),
    "connection.describe": _("Connection description changed"),
    "permission.describe": _("Whitelist record description changed"),
    "endpoint.create": _("Endpoint created"),
    "endpoint.provision": _("Endpoint provisioned"),
    "endpoint.fail": _("Endpoint failed"),
    "endpoint.delete": _("Endpoint deletion started"),
    "endpoint.deleted": _("Endpoint deleted"),
    "endpoint.edit": _("Endpoint edited"),
    "endpoint.policy.update": _("Endpoint policy saved"),
    "endpoint.policy.delete": _("Endpoint policy deleted"),
    "notification.subscribe": _("Notification subscription added"),
    "notification.unsubscribe": _("Notification subscription deleted"),
    "tag.add": _("Tag added"),
    "tag.edit": _("Tag edited"),
    "tag.delete": _("Tag deleted"),
    "predefined_tag.create": _("Predefined tag created"),
    "predefined_tag.edit": _("Predefined tag edited"),
    "predefined_tag.delete": _("Predefined tag deleted"),
    "quota.request": _("Quota increase requested"),
    "quota.approve": _("Quota request approved"),
    "quota.decline": _("Quota request declined"),
    "quota.set": _("Quota set"),
    "access_key.create": _("Access key created"),
    "access_key.enable": _("Access key enabled"),
    "access_key.disable": _("Access key disabled"),
    "access_key.delete": _("Access key deleted"),
    "login.failed": _("Login failed"),
    "login.locked": _("Login refused: too many failures"),
}
# Failed logins (issue 9, defect 6): no project; operators see them, the account's users not.
LOGIN_FAILED, LOGIN_LOCKED = "login.failed", "login.locked"

# What an approver sees of the log: the decisions on their account's services.
DECISIONS = ("connection.accept", "connection.reject")


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
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    # Empty for account-level changes (access keys); else the project the change happened in.
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    resource_type = models.CharField(_("resource type"), max_length=64)
    resource_id = models.CharField(_("resource ID"), max_length=64, db_index=True)
    resource_name = models.CharField(_("resource name"), max_length=255, blank=True)
    # A platform operator acting in a tenant's account, for support (issue 9, defect 10).
    by_operator = models.BooleanField(_("by a platform operator"), default=False)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity record")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-id"]
        # The activity log, newest first, of one account (a tenant's) or one project: read in
        # order, never skipping other accounts' newer records (issue 13).
        indexes = [
            models.Index(fields=["account", "-created_at", "-id"], name="audit_account_newest"),
            models.Index(fields=["project", "-created_at", "-id"], name="audit_project_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.resource_id}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @classmethod
    def restrict_q(cls, user, action: str, project_ids: list[int]) -> models.Q:
        """The log is read-only, whatever the action: an account administrator sees their
        projects' records and the account's own; an approver the decisions on the services of
        their projects; a member nothing (Q1-Q2 issue: activity log)."""
        roles = project_roles(user)
        admin = [pk for pk, role in roles.items() if role == "admin"]
        approver = [pk for pk, role in roles.items() if role == "approver"]
        condition = models.Q(project__in=admin) | models.Q(
            project__in=approver, action__in=DECISIONS
        )
        if admin:
            condition |= models.Q(project__isnull=True, account_id=user.account_id) & ~models.Q(
                action__in=(LOGIN_FAILED, LOGIN_LOCKED)
            )
        # Every such record is the user's account's; saying so lets the index on (account,
        # newest first) serve the page (issue 13).
        return condition & models.Q(account_id=user.account_id)
