"""Security groups and network ACLs as nftables rules in an ECS's or ELB's namespace (issue 14),
so that the §5.2 check is the truth: without a rule admitting 198.19.128.0/20, traffic through
an endpoint is dropped.

Inbound only (outbound is open, as with the cloud's default outbound rules). A packet must pass
the subnet's network ACL, when it has an enabled one (rules by priority, the first that matches
decides; none matching: denied), and then one of the security groups' inbound rules (none
matching: dropped). Replies to the host's own connections always pass.

`render()` makes the table's chains from plain values; `script()` wraps any table's chains for
`nft -f -` (gateway.py uses it too): the old table goes in the same transaction, and the
driver loads it only when its digest, kept as the table's comment, differs from the loaded one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

TABLE = "vpcep_firewall"


@dataclass(frozen=True)
class SGRule:
    """An inbound security group rule: protocol any/tcp/udp/icmp, ports (None: all)."""

    protocol: str
    cidr: str
    port_min: int | None = None
    port_max: int | None = None


@dataclass(frozen=True)
class ACLRule:
    """An inbound network ACL rule, in priority order: allow or deny."""

    protocol: str
    cidr: str
    allow: bool


@dataclass(frozen=True)
class Firewall:
    security_group: tuple[SGRule, ...] = ()
    acl: tuple[ACLRule, ...] | None = None  # None: the subnet has no (enabled) ACL


def match(protocol: str, cidr: str, port_min=None, port_max=None) -> str:
    family = "ip6" if ":" in cidr else "ip"
    parts = [f"{family} saddr {cidr}"]
    if protocol in ("tcp", "udp"):
        parts.append(f"meta l4proto {protocol}")
        if port_min is not None:
            high = port_max or port_min
            parts.append(f"{protocol} dport {port_min}" + (f"-{high}" if high != port_min else ""))
    elif protocol == "icmp":
        parts.append("meta l4proto icmp")
    return " ".join(parts)


def render(firewall: Firewall) -> str:
    """The table's body, without its comment (the digest is of this)."""
    lines = ["  chain input {", "    type filter hook input priority filter; policy drop;"]
    lines += ["    ct state established,related accept", '    iifname "lo" accept']
    if firewall.acl is not None:
        lines.append("    jump network_acl")
    for rule in firewall.security_group:
        lines.append(f"    {match(rule.protocol, rule.cidr, rule.port_min, rule.port_max)} accept")
    lines.append("  }")
    if firewall.acl is not None:
        lines.append("  chain network_acl {")
        for rule in firewall.acl:
            verdict = "return" if rule.allow else "drop"
            lines.append(f"    {match(rule.protocol, rule.cidr)} {verdict}")
        lines += ["    drop", "  }"]
    return "\n".join(lines)


def digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def script(table: str, body: str | None) -> str:
    """`nft -f -` input replacing table `table` (inet) in one transaction with `body`'s chains,
    its digest kept as the table's comment; None removes the table."""
    head = f"table inet {table}\ndelete table inet {table}\n"
    if body is None:
        return head
    return f'{head}table inet {table} {{\n  comment "{digest(body)}"\n{body}\n}}\n'


def loaded_digest(listing: str) -> str:
    """The digest in `nft list table inet <table>`'s output ("" when there is none)."""
    for line in listing.splitlines():
        line = line.strip()
        if line.startswith("comment "):
            return line.split('"')[1] if '"' in line else ""
    return ""
