"""Tags (标签): up to 10 key/value pairs a resource; accounts predefine tags to pick from."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from console.tenancy.models import Account
from console.tenancy.querysets import RestrictedQuerySet

MAX_TAGS = 10

validate_key = RegexValidator(
    r"^[\w\-.]{1,36}$",
    _("A tag key is 1 to 36 letters, digits, '_', '-' or '.'."),
    code="invalid_tag_key",
)
validate_value = RegexValidator(
    r"^[\w\-.]{0,43}$",
    _("A tag value is at most 43 letters, digits, '_', '-' or '.'."),
    code="invalid_tag_value",
)


class PredefinedTag(models.Model):
    """A tag an account offers in every tag drop-down (the manual's 预定义标签)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="predefined_tags", verbose_name=_("account")
    )
    key = models.CharField(_("key"), max_length=36, validators=[validate_key])
    value = models.CharField(_("value"), max_length=43, blank=True, validators=[validate_value])

    objects = RestrictedQuerySet.as_manager()
    scope_from_project = "account__predefined_tags"

    class Meta:
        verbose_name = _("predefined tag")
        verbose_name_plural = _("predefined tags")
        ordering = ["key", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "key", "value"], name="predefined_tag_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ResourceTag(models.Model):
    """A tag on one resource; concrete models add the resource foreign key named `resource`."""

    key = models.CharField(_("key"), max_length=36, validators=[validate_key])
    value = models.CharField(_("value"), max_length=43, blank=True, validators=[validate_value])

    class Meta:
        abstract = True
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
