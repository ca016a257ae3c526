"""Encryption at rest for access-key secrets: the API must be able to recompute signatures,
so the secret is kept, but never in clear in the database."""

import base64
import hashlib
import secrets
import string

from cryptography.fernet import Fernet
from django.conf import settings

ALPHABET = string.ascii_letters + string.digits


def _fernet() -> Fernet:
    material = getattr(settings, "ACCESS_KEY_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    key = hashlib.sha256(f"vpcep-access-keys:{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def new_access_key_id() -> str:
    """20 upper-case letters and digits, like the provider's AKs."""
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(20))


def new_secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(40))
