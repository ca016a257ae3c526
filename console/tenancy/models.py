"""Accounts, users, regions, projects and who may do what where (T1-T3)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .ids import new_hex32, validate_hex32
from .querysets import RestrictedQuerySet


class Account(models.Model):
    """A tenant (帐号). The platform account owns the system services and the operators."""

    name = models.CharField(_("account name"), max_length=64, unique=True)
    domain_id = models.CharField(
        _("account ID"), max_length=32, unique=True, default=new_hex32, validators=[validate_hex32]
    )
    is_platform = models.BooleanField(
        _("platform account"),
        default=False,
        help_text=_("The cloud operator's own account: owns system services; its staff operate."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_from_project = "account"

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain_id__regex=r"^[0-9a-f]{32}$"),
                name="account_domain_id_hex32",
            ),
            models.UniqueConstraint(
                fields=["is_platform"],
                condition=models.Q(is_platform=True),
                name="one_platform_account",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def principal(self) -> str:
        """How other services' whitelists name this account (§2.3.3)."""
        return f"iam:domain::{self.domain_id}"


class User(AbstractUser):
    """A console user. Belongs to one account; `is_staff` on the platform account = operator."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="users", verbose_name=_("account")
    )

    REQUIRED_FIELDS = ["email", "account"]

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_operator(self) -> bool:
        return self.is_active and self.is_staff

    def clean(self) -> None:
        super().clean()
        if self.is_staff and self.account_id and not self.account.is_platform:
            raise ValidationError(
                {"is_staff": _("Only users of the platform account can be operators.")}
            )


class Region(models.Model):
    """A region (区域): resources live in one and never move (§1.6.4)."""

    code = models.SlugField(_("region code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    is_default = models.BooleanField(_("default region"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_from_project = "region"

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_region",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class AvailabilityZone(models.Model):
    """An availability zone (可用区) of a region."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="zones", verbose_name=_("region")
    )
    code = models.SlugField(_("zone code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=64)

    class Meta:
        verbose_name = _("availability zone")
        verbose_name_plural = _("availability zones")
        ordering = ["region", "code"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """An account's presence in one region (项目): the scope of every regional resource."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="projects", verbose_name=_("account")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="projects", verbose_name=_("region")
    )
    project_id = models.CharField(
        _("project ID"), max_length=32, unique=True, default=new_hex32, validators=[validate_hex32]
    )

    objects = RestrictedQuerySet.as_manager()
    scope_from_project = "pk"

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["region__position", "region__code", "account__name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "region"], name="one_project_per_region"),
            models.CheckConstraint(
                condition=models.Q(project_id__regex=r"^[0-9a-f]{32}$"), name="project_id_hex32"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} / {self.region.code}"

    @property
    def name(self) -> str:
        # The provider names an account's default project after its region.
        return self.region.code


class Role(models.TextChoices):
    ADMIN = "admin", _("Account administrator")
    APPROVER = "approver", _("Approver")
    MEMBER = "member", _("Read-only member")


class Membership(models.Model):
    """A user's role in one project: permissions are granted per region/project (T2, §1.6.3)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="one_role_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.project} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.user_id and self.project_id and self.user.account_id != self.project.account_id:
            raise ValidationError(
                {"project": _("A user can only be given roles in their own account's projects.")}
            )


class AccessKeyStatus(models.TextChoices):
    ACTIVE = "active", _("Enabled")
    DISABLED = "disabled", _("Disabled")


class AccessKey(models.Model):
    """An API access key (AK/SK) of one user (T4). The secret is shown once, at creation, and
    kept encrypted so that the API can verify signed requests."""

    MAX_PER_USER = 2

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="access_keys", verbose_name=_("user")
    )
    access_key_id = models.CharField(_("access key ID"), max_length=20, unique=True)
    secret_encrypted = models.TextField(editable=False)
    description = models.CharField(_("description"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AccessKeyStatus.choices, default=AccessKeyStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Set when a platform operator acts on the object for support (issue 9, defect 10): who,
    # when and what, for the banner the object's page shows; cleared when its owner acts.
    support_note = models.JSONField(null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access key")
        verbose_name_plural = _("access keys")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.access_key_id

    @classmethod
    def restrict_q(cls, user, action: str, project_ids: list[int]) -> models.Q:
        # Keys are personal: every user manages their own, and no one else's.
        return models.Q(user_id=user.pk)

    @property
    def is_active(self) -> bool:
        return self.status == AccessKeyStatus.ACTIVE

    @property
    def secret(self) -> str:
        from .secrets import decrypt

        return decrypt(self.secret_encrypted)
