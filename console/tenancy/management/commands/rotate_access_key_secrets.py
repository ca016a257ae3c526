from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand
from django.db import transaction

from console.tenancy.models import AccessKey
from console.tenancy.secrets import is_current, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every access-key secret with the first key of ACCESS_KEY_ENCRYPTION_KEY "
        "(or the SECRET_KEY-derived key when it is unset), so that the old keys can be removed. "
        "Idempotent: secrets already under the first key are left alone."
    )

    def handle(self, *args, **options):
        rotated, lost = 0, []
        with transaction.atomic():
            for key in AccessKey.objects.select_for_update().order_by("pk"):
                if is_current(key.secret_encrypted):
                    continue
                try:
                    key.secret_encrypted = rotate(key.secret_encrypted)
                except InvalidToken:
                    lost.append(key.access_key_id)
                    continue
                key.save(update_fields=["secret_encrypted"])
                rotated += 1
        for access_key_id in lost:
            self.stderr.write(
                f"Access key {access_key_id} cannot be decrypted with any configured key: "
                "add the old key to ACCESS_KEY_ENCRYPTION_KEY and run again, or its user "
                "creates a new one."
            )
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rotated} access-key secret(s)."))
