"""Sending one webhook: where it may go, how it is signed, and one POST (issue 11).

Only http and https. Loopback, link-local (169.254.0.0/16: the metadata address), unspecified
addresses and the console's own host are refused unless settings.WEBHOOK_ALLOWED_NETWORKS
lists them; the name is resolved and checked when the subscription is made and again at
every attempt, and the connection goes to the address that was checked (no second lookup a
DNS answer could change). Redirects are not followed: http.client never follows them."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 5  # seconds, connect and read
USER_AGENT = "vpcep-console-webhook/1"


class RefusedURL(ValueError):
    """The URL or the address it resolves to may not be called; the message says why."""


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    configured = getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", None) or []
    if isinstance(configured, str):
        configured = configured.split(",")
    return [ipaddress.ip_network(item.strip(), strict=False) for item in configured if item.strip()]


def own_addresses() -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The console's own host: the machine's name and the names it answers to (ALLOWED_HOSTS)."""
    names = {socket.gethostname()}
    names |= {h.strip("[]") for h in settings.ALLOWED_HOSTS if h not in ("*",)}
    found = set()
    for name in names:
        for address in resolve(name.lstrip("."), 0, quiet=True):
            found.add(address)
    return found


def resolve(host: str, port: int, quiet: bool = False) -> list:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        if quiet:
            return []
        raise RefusedURL(_("The host name %(host)s cannot be resolved.") % {"host": host}) from None
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        addresses.append(address)
    return addresses


def refusal(address, own=None) -> str:
    """Why this address may not be called, or ''."""
    if any(address in network for network in allowed_networks()):
        return ""
    if address.is_loopback or address.is_unspecified:
        return _("%(address)s is a loopback address.") % {"address": address}
    if address.is_link_local:
        return _("%(address)s is a link-local address.") % {"address": address}
    if address in (own if own is not None else own_addresses()):
        return _("%(address)s is the console's own host.") % {"address": address}
    return ""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to


def check_url(url: str, resolve_name: bool = True) -> Target:
    """The target of a callback URL, or RefusedURL. Without `resolve_name` a name that does
    not resolve (yet) is accepted; its addresses are checked at delivery."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedURL(_("Enter an http:// or https:// URL."))
    if parts.username or parts.password:
        raise RefusedURL(_("A callback URL cannot carry a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedURL(_("The port of the URL is not valid.")) from None
    host = parts.hostname
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = resolve(host, port, quiet=not resolve_name)
    own = own_addresses() if addresses else set()
    for address in addresses:
        if reason := refusal(address, own):
            raise RefusedURL(_("Refused: %(reason)s") % {"reason": reason})
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, path, str(addresses[0]) if addresses else "")


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST once to the checked address; the HTTP status, or an exception (RefusedURL, OSError,
    http.client.HTTPException) whose text is the attempt's error."""
    target = check_url(url)
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=TIMEOUT)

    def connect_to_checked(address, *args, **kwargs):
        return socket.create_connection((target.address, address[1]), *args, **kwargs)

    connection._create_connection = connect_to_checked  # TLS still verifies target.host
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()
