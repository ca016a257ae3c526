"""AK/SK signed requests, verified exactly as huaweicloudsdkcore's Signer computes them
(algorithm SDK-HMAC-SHA256, header X-Sdk-Date): the SDK works against the console as is."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote

from cryptography.fernet import InvalidToken
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from console.tenancy.models import AccessKey

from .errors import UNAUTHORIZED, ApiError

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW = timedelta(minutes=15)
LAST_USED_EVERY = timedelta(minutes=1)  # 我的凭证 shows it to the minute
log = logging.getLogger(__name__)
AUTH_RE = re.compile(
    rf"^{ALGORITHM}\s+Access=(?P<ak>[^,\s]+),\s*SignedHeaders=(?P<headers>[^,\s]+),\s*Signature=(?P<sig>[0-9a-fA-F]+)$"
)


def _fail(message: str) -> ApiError:
    return ApiError(401, UNAUTHORIZED, message)


def _encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    uri = "/".join(_encode(part) for part in path.split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query_string: str) -> str:
    pairs = sorted(parse_qsl(query_string, keep_blank_values=True))
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)


def _header(request: HttpRequest, name: str) -> str:
    # WSGI hands header bytes over as latin-1; the SDK signed the UTF-8 text.
    value = (request.headers.get(name) or "").strip()
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def string_to_sign(request: HttpRequest, signed_headers: list[str], date: str) -> str:
    headers = "".join(f"{name}:{_header(request, name)}\n" for name in signed_headers)
    payload = hashlib.sha256(request.body or b"").hexdigest()
    canonical = "\n".join(
        [
            request.method.upper(),
            canonical_uri(request.path),
            canonical_query(request.META.get("QUERY_STRING", "")),
            headers,
            ";".join(signed_headers),
            payload,
        ]
    )
    return f"{ALGORITHM}\n{date}\n{hashlib.sha256(canonical.encode()).hexdigest()}"


def authenticate(request: HttpRequest) -> AccessKey:
    """The access key that signed the request, or a 401 that says what is wrong."""
    match = AUTH_RE.match(request.headers.get("Authorization", ""))
    if match is None:
        raise _fail(
            _(
                "Sign the request with an access key: Authorization: SDK-HMAC-SHA256 "
                "Access=..., SignedHeaders=..., Signature=..."
            )
        )
    date = request.headers.get("X-Sdk-Date", "")
    try:
        signed_at = datetime.strptime(date, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise _fail(_("X-Sdk-Date is missing or not in the form 20261127T120000Z.")) from None
    if abs(timezone.now() - signed_at) > MAX_SKEW:
        raise _fail(
            "The request's X-Sdk-Date is more than 15 minutes away from the server's clock."
        )
    signed_headers = match["headers"].lower().split(";")
    if "x-sdk-date" not in signed_headers or "host" not in signed_headers:
        raise _fail(_("SignedHeaders must include host and x-sdk-date."))
    if request.headers.get("X-Sdk-Content-Sha256"):
        raise _fail(_("Unsigned payloads are not accepted: sign the body."))
    key = (
        AccessKey.objects.select_related("user__account").filter(access_key_id=match["ak"]).first()
    )
    if key is None:
        raise _fail(_("The access key does not exist."))
    if not key.is_active or not key.user.is_active:
        raise _fail("The access key is disabled.")
    try:
        secret = key.secret
    except InvalidToken:  # SECRET_KEY rotated without ACCESS_KEY_ENCRYPTION_KEY: say so, in the log
        log.error("Access key %s cannot be decrypted: was SECRET_KEY changed?", key.access_key_id)
        raise _fail(
            _("The access key cannot be used; create a new one on My credentials.")
        ) from None
    expected = hmac.new(
        secret.encode(), string_to_sign(request, signed_headers, date).encode(), hashlib.sha256
    )
    if not hmac.compare_digest(expected.hexdigest(), match["sig"].lower()):
        raise _fail(
            "The signature does not match: check the secret key and sign the request as sent."
        )
    note_use(key)
    return key


def note_use(key: AccessKey) -> None:
    """Record when a key was last used, at most once a LAST_USED_EVERY per key: a write on every
    signed call cost a fifth of a small one (issue 13). A conditional update, so two calls at
    once write it once."""
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_EVERY:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    AccessKey.objects.filter(stale, pk=key.pk).update(last_used_at=now)
