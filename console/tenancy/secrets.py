"""Encryption at rest for access-key secrets: the API must be able to recompute signatures,
so the secret is kept, but never in clear in the database.

The keys come from settings.ACCESS_KEY_ENCRYPTION_KEY, new key first: the first encrypts, all
decrypt (MultiFernet), so a key can be rotated without a moment of 401s, then
`manage.py rotate_access_key_secrets` re-encrypts every secret with the first and the old
keys can go. Keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS always decrypt too (and
encrypt when ACCESS_KEY_ENCRYPTION_KEY is unset), so setting the variable for the first time or
rotating SECRET_KEY the Django way loses no access key (issue 9, defect 4)."""

import base64
import hashlib
import secrets
import string

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

ALPHABET = string.ascii_letters + string.digits


def _fernet_from(material: str) -> Fernet:
    key = hashlib.sha256(f"vpcep-access-keys:{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encryption_keys() -> list[str]:
    """Every key material, the one that encrypts first."""
    configured = getattr(settings, "ACCESS_KEY_ENCRYPTION_KEY", None) or []
    if isinstance(configured, str):
        configured = configured.split(",")
    materials = [key.strip() for key in configured if key.strip()]
    materials += [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return list(dict.fromkeys(materials))  # in order, without repeats


def _fernet() -> MultiFernet:
    return MultiFernet([_fernet_from(material) for material in encryption_keys()])


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    """The secret; cryptography.fernet.InvalidToken when no key decrypts it."""
    return _fernet().decrypt(token.encode()).decode()


def is_current(token: str) -> bool:
    """Is the token encrypted with the first key already?"""
    try:
        _fernet_from(encryption_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """The same secret encrypted with the first key (InvalidToken when no key decrypts it)."""
    return _fernet().rotate(token.encode()).decode()


def new_access_key_id() -> str:
    """20 upper-case letters and digits, like the provider's AKs."""
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(20))


def new_secret() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(40))
