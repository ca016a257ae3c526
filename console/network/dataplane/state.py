"""The data plane's desired state: plain values, no Django, no host (issue 14).

A driver converges the host to a `DesiredState`; the reconciler builds one from the database
(console.network.dataplane.desired_state). Keys are the inventory's primary keys as strings;
drivers derive host names from them, so the same database gives the same host objects.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace

from .firewall import Firewall

# Where VPCEP traffic reaches a backend from (§5.2): each frontend's source address is here.
SOURCE_RANGE = ipaddress.ip_network("198.19.128.0/20")


@dataclass(frozen=True)
class VPCNamespace:
    """A VPC: one network namespace, so that VPCs may overlap (§5.3)."""

    key: str
    name: str
    cidr: str


@dataclass(frozen=True)
class SubnetBridge:
    """A subnet: a bridge in its VPC's namespace carrying the gateway address."""

    key: str
    vpc: str
    name: str
    cidr: str
    gateway: str

    @property
    def gateway_interface(self) -> str:
        """The gateway in interface notation: 192.168.0.1/24."""
        return f"{self.gateway}/{ipaddress.ip_network(self.cidr).prefixlen}"


@dataclass(frozen=True)
class Host:
    """An ECS (or an ELB, answering for its members until members exist in the inventory): a
    namespace on its subnet's bridge with its address, running the HTTP responder on `ports`."""

    key: str
    vpc: str
    subnet: str
    name: str
    address: str
    kind: str = "ecs"  # "ecs" or "elb"
    ports: tuple[int, ...] = ()
    firewall: Firewall | None = None  # its security groups and subnet ACL; None: no filter


@dataclass(frozen=True)
class NodeAddress:
    """An endpoint's node IP, held on its subnet's bridge while the endpoint has it: a
    connection to it is refused (RST) unless a frontend listens there."""

    vpc: str
    subnet: str
    address: str


@dataclass(frozen=True)
class Frontend:
    """One port mapping of an accepted interface endpoint: consumer namespace, node IP and
    port → provider namespace, backend address and port, from `source` (in SOURCE_RANGE)."""

    key: str  # "<endpoint id>:<port>"
    consumer_vpc: str
    node_ip: str
    port: int
    provider_vpc: str
    backend_address: str
    backend_port: int
    source: str
    proxy_protocol: bool = False
    allowed_sources: tuple[str, ...] = ()  # CIDRs admitted when `restricted`
    maxconn: int = 3000
    restricted: bool = False  # 访问控制 on: only allowed_sources (none: nobody)


# The address the console's backend check connects from, in every VPC namespace (§5.2: the
# real path from the transit range); frontends never use it.
PROBE_ADDRESS = str(SOURCE_RANGE[-2])


@dataclass(frozen=True)
class GatewayAccess:
    """A gateway endpoint's service (OBS) as one consumer VPC reaches it: the service's prefix
    is a subnet of the VPC's namespace holding a stand-in of the service at `address`, which
    only `sources` may reach (the CIDRs of the subnets whose route tables got the endpoint's
    route). It exists only while such an endpoint does."""

    key: str  # a stable UUID of the (VPC, service) pair: it names the bridge and the host
    vpc: str
    service: str  # its name, "obs": the stand-in answers HTTP under it
    prefix: str
    address: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Resolver:
    """A VPC's DNS: its private zones' A records, answered on each subnet's gateway address
    and on the node IPs of the VPC's endpoints to the DNS cloud service."""

    vpc: str
    listen: tuple[str, ...]
    records: tuple[tuple[str, str], ...]  # (name, IPv4 address)


def source_address(number: int) -> str:
    """A stable source address in 198.19.128.0/20 for a number (an endpoint's 报文标识), never
    the probe's. Two endpoints sharing one is harmless: HAProxy picks distinct source ports."""
    return str(SOURCE_RANGE[1 + number % (SOURCE_RANGE.num_addresses - 3)])


@dataclass
class DesiredState:
    """What the host should carry. Contributions are merged with `merge`."""

    vpcs: dict[str, VPCNamespace] = field(default_factory=dict)
    subnets: dict[str, SubnetBridge] = field(default_factory=dict)
    hosts: dict[str, Host] = field(default_factory=dict)
    node_addresses: set[NodeAddress] = field(default_factory=set)
    frontends: dict[str, Frontend] = field(default_factory=dict)
    responder_ports: dict[str, set[int]] = field(default_factory=dict)  # host key -> ports
    gateways: dict[str, GatewayAccess] = field(default_factory=dict)
    dns_records: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # vpc -> records
    dns_listen: dict[str, set[str]] = field(default_factory=dict)  # vpc -> DNS endpoint IPs
    resolvers: dict[str, Resolver] = field(default_factory=dict)  # filled by resolved()

    def merge(self, other: DesiredState) -> DesiredState:
        self.vpcs.update(other.vpcs)
        self.subnets.update(other.subnets)
        self.hosts.update(other.hosts)
        self.node_addresses |= other.node_addresses
        self.frontends.update(other.frontends)
        for key, ports in other.responder_ports.items():
            self.responder_ports.setdefault(key, set()).update(ports)
        self.gateways.update(other.gateways)
        for mine, theirs in (
            (self.dns_records, other.dns_records),
            (self.dns_listen, other.dns_listen),
        ):
            for vpc, values in theirs.items():
                mine.setdefault(vpc, set()).update(values)
        return self

    def add_ports(self, host_key: str, *ports: int) -> None:
        self.responder_ports.setdefault(host_key, set()).update(ports)

    def resolved(self) -> DesiredState:
        """A copy where every host's ports include the contributed responder ports, and only
        what is complete is kept (a host whose subnet is not desired, a frontend whose VPCs
        are not): a driver converges this."""
        subnets = {k: s for k, s in self.subnets.items() if s.vpc in self.vpcs}
        gateways = {k: g for k, g in self.gateways.items() if g.vpc in self.vpcs}
        resolvers = {}
        for vpc in sorted(set(self.dns_records) | set(self.dns_listen)):
            if vpc not in self.vpcs:
                continue
            listen = {s.gateway for s in subnets.values() if s.vpc == vpc}
            resolvers[vpc] = Resolver(
                vpc,
                tuple(sorted(listen | self.dns_listen.get(vpc, set()))),
                tuple(sorted(self.dns_records.get(vpc, set()))),
            )
        hosts = {}
        # A gateway service's stand-in: a subnet of its prefix with one host answering HTTP.
        for gateway in gateways.values():
            network = ipaddress.ip_network(gateway.prefix)
            subnets[gateway.key] = SubnetBridge(
                gateway.key, gateway.vpc, gateway.service, gateway.prefix, str(network[-2])
            )
            hosts[gateway.key] = Host(
                gateway.key,
                gateway.vpc,
                gateway.key,
                gateway.service,
                gateway.address,
                "gateway",
                (80,),
            )
        for key, host in self.hosts.items():
            if host.subnet not in subnets:
                continue
            ports = tuple(sorted(set(host.ports) | self.responder_ports.get(key, set())))
            hosts[key] = replace(host, ports=ports)
        return DesiredState(
            vpcs=dict(self.vpcs),
            subnets=subnets,
            hosts=hosts,
            node_addresses={n for n in self.node_addresses if n.subnet in subnets},
            frontends={
                k: f
                for k, f in self.frontends.items()
                if f.consumer_vpc in self.vpcs and f.provider_vpc in self.vpcs
            },
            gateways=gateways,
            resolvers=resolvers,
        )
