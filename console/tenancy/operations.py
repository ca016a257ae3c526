"""Access keys of 我的凭证 (T4): at most 2 per user, always the user's own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from console.audit.log import record
from console.tenancy.querysets import SUPPORT
from console.ui.objects import get_object_for

from .models import AccessKey, AccessKeyStatus, User
from .secrets import encrypt, new_access_key_id, new_secret


def create_access_key(user, description: str = "") -> tuple[AccessKey, str]:
    """A new key for the acting user; returns it with its secret, which is never shown again."""
    with transaction.atomic():
        User.objects.select_for_update(no_key=True).get(
            pk=user.pk
        )  # two at once cannot both take the last slot
        if AccessKey.objects.filter(user=user).count() >= AccessKey.MAX_PER_USER:
            raise ValidationError(
                _("You have %(max)d access keys, the most a user can have. Delete one first.")
                % {"max": AccessKey.MAX_PER_USER}
            )
        secret = new_secret()
        key = AccessKey.objects.create(
            user=user,
            access_key_id=new_access_key_id(),
            secret_encrypted=encrypt(secret),
            description=(description or "").strip()[:255],
        )
        record(
            user,
            "access_key.create",
            key,
            account=key.user.account,
            after={"access_key_id": key.access_key_id},
        )
    return key, secret


def set_access_key_status(user, key_id: int, enabled: bool) -> AccessKey:
    with transaction.atomic():
        key = get_object_for(
            user, AccessKey.objects.select_for_update(no_key=True), SUPPORT, pk=key_id
        )
        if enabled and key.user.account_id != user.account_id:
            # Support may take a key out of use, never put one back: that is its owner's call.
            raise PermissionDenied(_("Only the key's owner can enable it again."))
        before = key.status
        key.status = AccessKeyStatus.ACTIVE if enabled else AccessKeyStatus.DISABLED
        key.save(update_fields=["status"])
        record(
            user,
            "access_key.enable" if enabled else "access_key.disable",
            key,
            account=key.user.account,
            before={"status": before},
            after={"status": key.status},
        )
    return key


def delete_access_key(user, key_id: int) -> None:
    with transaction.atomic():
        key = get_object_for(user, AccessKey.objects.select_for_update(), SUPPORT, pk=key_id)
        record(
            user,
            "access_key.delete",
            key,
            account=key.user.account,
            before={"access_key_id": key.access_key_id},
        )
        key.delete()
