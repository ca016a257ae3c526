"""Identifiers in the provider's format: 32 lowercase hex digits (T1)."""

import re
import uuid

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

HEX32 = re.compile(r"^[0-9a-f]{32}$")

validate_hex32 = RegexValidator(
    HEX32, _("Enter 32 lowercase hexadecimal digits (0-9, a-f)."), code="invalid_hex32"
)


def new_hex32() -> str:
    return uuid.uuid4().hex
