"""What the data plane carries for endpoints (issue 14), registered as a
console.registry.DataplaneBuilder by registrations.py.

- every interface endpoint holding a node IP keeps it on its subnet (a connection there is
  refused unless accepted);
- every TCP port mapping of an **accepted** interface endpoint is a frontend: node IP and
  终端端口 (terminal port) in the consumer VPC → the service's backend and 服务端口 (service
  port) in the provider VPC (the manual: "通过'终端端口 → 服务端口'的方式进行访问"), from a source address in 198.19.128.0/20, with PROXY protocol v2 when the service's
  客户端IP透传 is proxy_open or open, and the endpoint's 访问控制 CIDRs as allowed sources;
- every service's backend answers on the service ports of its TCP mappings.

- every accepted endpoint to the DNS cloud service has its VPC's resolver listen on its node
  IP (dns.py);
- every accepted gateway endpoint (OBS) gives its VPC the service's stand-in, reachable from
  the subnets of the route tables its routes are in (gateway.py): the subnets associated with
  them, and for the VPC's default route table every subnet associated with none.

UDP port mappings are not carried: HAProxy is TCP only.
"""

from __future__ import annotations

import ipaddress
import uuid

from console.network.dataplane.state import (
    DesiredState,
    Frontend,
    GatewayAccess,
    NodeAddress,
    source_address,
)
from console.network.models import Route, Subnet
from services.models import EndpointService, PortMapping, ServiceStatus, ServiceType, TcpProxy

from .models import Endpoint, EndpointStatus
from .provisioning import ROUTE_HOP_TYPE

HOLDS_NODE_IP = (
    EndpointStatus.CREATING,
    EndpointStatus.PENDING,
    EndpointStatus.ACCEPTED,
    EndpointStatus.REJECTED,
)
PROXY_PROTOCOL = (TcpProxy.PROXY_OPEN, TcpProxy.OPEN)


def backend_key(service: EndpointService) -> str:
    return str(service.load_balancer_id or service.server_id or "")


def backend_address(service: EndpointService) -> str:
    backend = service.load_balancer or service.server
    return backend.ip_address if backend else ""


def gateway_access(state: DesiredState) -> None:
    """The accepted gateway endpoints' routes, by the subnets they reach (three queries)."""
    routes = Route.objects.filter(next_hop_type=ROUTE_HOP_TYPE).select_related("route_table")
    by_endpoint: dict[str, set] = {}
    for route in routes:
        by_endpoint.setdefault(route.next_hop, set()).add(route.route_table)
    endpoints = Endpoint.objects.filter(
        status=EndpointStatus.ACCEPTED, service__service_type=ServiceType.GATEWAY
    ).select_related("service")
    subnets: dict = {}
    for subnet in Subnet.objects.filter(vpc__route_tables__routes__next_hop_type=ROUTE_HOP_TYPE):
        subnets.setdefault(subnet.vpc_id, {})[subnet.pk] = subnet
    for endpoint in endpoints:
        service, tables = endpoint.service, by_endpoint.get(str(endpoint.pk), set())
        if not tables or not service.route_prefix:
            continue
        sources = {
            subnet.cidr
            for subnet in subnets.get(endpoint.vpc_id, {}).values()
            for table in tables
            if subnet.route_table_id == table.pk or (not subnet.route_table_id and table.is_default)
        }
        key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"vpcep-gateway:{endpoint.vpc_id}:{service.pk}"))
        previous = state.gateways.get(key)
        network = ipaddress.ip_network(service.route_prefix)
        state.gateways[key] = GatewayAccess(
            key,
            str(endpoint.vpc_id),
            service.name,
            service.route_prefix,
            str(network[10]),
            tuple(sorted(sources | set(previous.sources if previous else ()))),
        )


def build() -> DesiredState:
    """A fixed number of queries, whatever the number of endpoints."""
    state = DesiredState()
    mappings: dict = {}
    for mapping in PortMapping.objects.filter(protocol="TCP").order_by("terminal_port"):
        mappings.setdefault(mapping.service_id, []).append(mapping)
    services = EndpointService.objects.filter(
        status=ServiceStatus.AVAILABLE, service_type=ServiceType.INTERFACE
    ).select_related("load_balancer", "server")
    for service in services:
        if backend_key(service):
            state.add_ports(
                backend_key(service), *(m.service_port for m in mappings.get(service.pk, []))
            )
    endpoints = (
        Endpoint.objects.filter(
            status__in=HOLDS_NODE_IP,
            node_ip__isnull=False,
            subnet__isnull=False,
            service__service_type=ServiceType.INTERFACE,
        )
        .select_related("service__load_balancer", "service__server")
        .order_by("pk")
    )
    for endpoint in endpoints:
        vpc, subnet = str(endpoint.vpc_id), str(endpoint.subnet_id)
        state.node_addresses.add(NodeAddress(vpc, subnet, endpoint.node_ip))
        service = endpoint.service
        if (
            endpoint.status == EndpointStatus.ACCEPTED
            and service.is_system
            and service.name == "dns"
        ):
            state.dns_listen.setdefault(vpc, set()).add(endpoint.node_ip)
        if endpoint.status != EndpointStatus.ACCEPTED or not backend_key(service):
            continue
        for mapping in mappings.get(service.pk, []):
            key = f"{endpoint.pk}:{mapping.terminal_port}"
            state.frontends[key] = Frontend(
                key=key,
                consumer_vpc=vpc,
                node_ip=endpoint.node_ip,
                port=mapping.terminal_port,
                provider_vpc=str(service.vpc_id),
                backend_address=backend_address(service),
                backend_port=mapping.service_port,
                source=source_address(endpoint.packet_id),
                proxy_protocol=service.tcp_proxy in PROXY_PROTOCOL,
                allowed_sources=tuple(endpoint.whitelist) if endpoint.enable_whitelist else (),
                restricted=endpoint.enable_whitelist,
            )
    gateway_access(state)
    return state
