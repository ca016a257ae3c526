"""What an endpoint takes from the network and gives back (E5, E6): a node IP from its
subnet, an A record in its VPC's private zone, and routes to a gateway service's prefix."""

from __future__ import annotations

import ipaddress

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from console.network.models import DNSRecord, LoadBalancer, PrivateZone, Route, Server, Subnet

from .models import Endpoint

ROUTE_HOP_TYPE = "vpcep"


class ProvisionError(Exception):
    """A step that cannot be done; its message is shown to the user as the failure reason."""


def used_addresses(subnet: Subnet) -> set[str]:
    """Addresses taken in a subnet: servers, load balancers and other endpoints."""
    taken = set()
    for model in (Server, LoadBalancer):
        taken.update(model.objects.filter(subnet=subnet).values_list("ip_address", flat=True))
    taken.update(
        Endpoint.objects.filter(subnet=subnet, node_ip__isnull=False).values_list(
            "node_ip", flat=True
        )
    )
    return taken


def free_addresses(subnet: Subnet):
    """Host addresses never handed out: not the network or broadcast address (hosts() skips
    them), not the gateway, not one in use."""
    network = ipaddress.ip_network(subnet.cidr)
    reserved = used_addresses(subnet) | {str(subnet.gateway_ip)}
    return (str(ip) for ip in network.hosts() if str(ip) not in reserved)


def has_free_address(subnet: Subnet) -> bool:
    return next(free_addresses(subnet), None) is not None


def allocate_ip(endpoint: Endpoint, attempts: int = 50) -> str:
    """Give the endpoint the lowest free address of its subnet. The unique constraint on
    (subnet, node_ip) makes two allocations of one address impossible: the loser of a race
    retries with the next one."""
    for _attempt in range(attempts):
        candidate = next(free_addresses(endpoint.subnet), None)
        if candidate is None:
            raise ProvisionError(
                _("Subnet %(subnet)s has no free IP address.") % {"subnet": endpoint.subnet.name}
            )
        try:
            with transaction.atomic():
                Endpoint.objects.filter(pk=endpoint.pk).update(node_ip=candidate)
        except IntegrityError:
            continue
        endpoint.node_ip = candidate
        return candidate
    raise ProvisionError(_("Could not allocate an IP address; try again."))


def add_dns_record(endpoint: Endpoint) -> DNSRecord:
    """vpcep-<id>.<zone> -> node IP in the VPC's private zone, status 正常."""
    zone, _created = PrivateZone.objects.get_or_create(
        vpc=endpoint.vpc,
        name=f"{endpoint.project.region.code}.vpcep.internal",
        defaults={"project": endpoint.vpc.project},
    )
    name = f"vpcep-{endpoint.pk}.{zone.name}"
    record = DNSRecord.objects.create(zone=zone, name=name, type="A", value=endpoint.node_ip)
    endpoint.dns_record = record
    endpoint.domain_name = name
    return record


def remove_dns_record(endpoint: Endpoint) -> None:
    """内网域名 off: the A record goes, and with it the name."""
    DNSRecord.objects.filter(pk=endpoint.dns_record_id).delete()
    endpoint.dns_record = None
    endpoint.domain_name = ""


def add_routes(endpoint: Endpoint, tables=None) -> list[Route]:
    """A route for the gateway service's prefix (OBS: 100.125.0.0/16) in each route table
    (the endpoint's, or the given ones being added to it)."""
    prefix = endpoint.service.route_prefix
    routes = []
    for table in endpoint.route_tables.all() if tables is None else tables:
        taken = ProvisionError(
            _("Route table %(table)s already has a route for %(prefix)s.")
            % {"table": table.name, "prefix": prefix}
        )
        if table.routes.filter(destination=prefix).exists():
            raise taken
        try:
            with transaction.atomic():  # a route added meanwhile: the same answer, no 500
                routes.append(
                    Route.objects.create(
                        route_table=table,
                        destination=prefix,
                        next_hop_type=ROUTE_HOP_TYPE,
                        next_hop=str(endpoint.pk),
                    )
                )
        except IntegrityError:
            raise taken from None
    return routes


def remove_routes(endpoint: Endpoint, tables=None) -> None:
    """The endpoint's routes, in every table or in the given ones."""
    routes = Route.objects.filter(next_hop_type=ROUTE_HOP_TYPE, next_hop=str(endpoint.pk))
    if tables is not None:
        routes = routes.filter(route_table__in=list(tables))
    routes.delete()


def provision(endpoint: Endpoint) -> None:
    """Every step, or none: the caller runs this in a transaction that a ProvisionError
    rolls back."""
    if endpoint.service.service_type == "interface":
        allocate_ip(endpoint)
        if endpoint.private_dns:
            add_dns_record(endpoint)
    elif endpoint.service.route_prefix:
        add_routes(endpoint)


def release(endpoint: Endpoint) -> None:
    """Give back what provision() took: the DNS record, the routes, the address."""
    DNSRecord.objects.filter(pk=endpoint.dns_record_id).delete()
    remove_routes(endpoint)
    endpoint.dns_record = None
    endpoint.node_ip = None
