"""Is the backend reachable from endpoints? The two checks of §5.2 (N2), and with the linux data
plane (issue 14) a third: a real connection from 198.19.128.0/20 through the real path."""

from __future__ import annotations

import ipaddress
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from console.network import dataplane
from console.network.models import NetworkACLRule, Protocol, RuleAction, SecurityGroupRule

from .models import PLATFORM_SOURCE_RANGE, EndpointService

SOURCE = ipaddress.ip_network(PLATFORM_SOURCE_RANGE)


@dataclass
class BackendCheck:
    security_group_ok: bool
    acl_ok: bool
    security_groups: list[str] = field(default_factory=list)
    acl: str = ""

    @property
    def ok(self) -> bool:
        return self.security_group_ok and self.acl_ok


def _covers(cidr: str) -> bool:
    try:
        return SOURCE.subnet_of(ipaddress.ip_network(cidr))
    except (ValueError, TypeError):
        return False


def _admits(rule: SecurityGroupRule | NetworkACLRule, ports: list[tuple[str, int]]) -> bool:
    """Does an inbound rule let every service port through from the endpoint range?"""
    cidr = rule.remote_cidr if isinstance(rule, SecurityGroupRule) else rule.cidr
    if rule.direction != "ingress" or not _covers(cidr):
        return False
    if rule.protocol == Protocol.ANY:
        return True
    port_min = getattr(rule, "port_min", None)
    port_max = getattr(rule, "port_max", None) or port_min
    return all(
        protocol.lower() == rule.protocol and (port_min is None or port_min <= port <= port_max)
        for protocol, port in ports
    )


def check_backend(service: EndpointService) -> BackendCheck | None:
    """None for services without a backend (cloud services). Expects the backend's
    security groups with rules and its subnet's ACL with rules to be prefetched."""
    backend = service.backend
    if backend is None:
        return None
    ports = [(p.protocol, p.service_port) for p in service.ports.all()]
    groups = list(backend.security_groups.all())
    sg_ok = any(_admits(rule, ports) for group in groups for rule in group.rules.all())
    acl = backend.subnet.network_acl
    if acl is None or not acl.enabled:
        acl_ok = True
    else:
        # The first inbound rule, by priority, that matches the endpoint range decides.
        deciding = next(
            (
                r
                for r in sorted(acl.rules.all(), key=lambda r: r.priority)
                if r.direction == "ingress"
                and _covers(r.cidr)
                and (r.protocol == Protocol.ANY or any(r.protocol == p.lower() for p, _ in ports))
            ),
            None,
        )
        acl_ok = deciding is not None and deciding.action == RuleAction.ALLOW
    return BackendCheck(sg_ok, acl_ok, [g.name for g in groups], acl.name if acl else "")


@dataclass(frozen=True)
class Probe:
    port: int
    result: str  # "reachable", "refused", "timeout" or "unreachable"

    @property
    def ok(self) -> bool:
        return self.result == "reachable"


def live_check_available(service: EndpointService) -> bool:
    """The connection check needs a real data plane and a backend."""
    return settings.DATAPLANE != "simulated" and service.backend is not None


MAX_PROBED_PORTS = 8
PROBE_FRESH = 10  # seconds a service's answer is reused: a reload of the page forks nothing


def probe_backend(service: EndpointService) -> list[Probe]:
    """Connect to the backend on its first MAX_PROBED_PORTS TCP service ports from the endpoint
    range, at once (each waits at most a second); the answer is kept PROBE_FRESH seconds. Empty
    with the simulated data plane or without a backend."""
    if not live_check_available(service):
        return []
    address = service.backend.ip_address
    ports = sorted({p.service_port for p in service.ports.all() if p.protocol == "TCP"})
    ports = ports[:MAX_PROBED_PORTS]
    key = f"backend-probe:{service.pk}:{address}:{','.join(map(str, ports))}"
    found = cache.get(key)
    if found is not None:
        return found
    with ThreadPoolExecutor(max_workers=len(ports) or 1) as pool:
        results = list(pool.map(lambda port: dataplane.probe(service.vpc_id, address, port), ports))
    found = [
        Probe(port, result or "unreachable") for port, result in zip(ports, results, strict=True)
    ]
    cache.set(key, found, PROBE_FRESH)
    return found
