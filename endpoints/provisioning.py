"""What an endpoint takes from the network and gives back (E5, E6): a node IP from its
subnet, an A record in its VPC's private zone, and routes to a gateway service's prefix."""

from __future__ import annotations

import ipaddress

from django.db import IntegrityError, connection, transaction
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
    """Every host address never handed out, lowest first: not the network or broadcast address
    (hosts() skips them), not the gateway, not one in use. For a listing; a creation asks
    lowest_free_address(), which is one query whatever the subnet holds."""
    network = ipaddress.ip_network(subnet.cidr)
    reserved = used_addresses(subnet) | {str(subnet.gateway_ip)}
    return (str(ip) for ip in network.hosts() if str(ip) not in reserved)


# The lowest free host address is the first host or one past a taken address (an endpoint's,
# a server's, a load balancer's or the gateway), so the candidates are those and the answer
# the lowest candidate that is inside the subnet and not taken: one query over the subnet's
# rows (the unique constraints' indexes), numbers compared instead of text.
LOWEST_FREE_SQL = """
WITH taken(n) AS (
    SELECT {e} FROM {endpoint} WHERE subnet_id = %s AND node_ip IS NOT NULL
    UNION ALL SELECT {s} FROM {server} WHERE subnet_id = %s
    UNION ALL SELECT {b} FROM {balancer} WHERE subnet_id = %s
    UNION ALL SELECT %s
)
SELECT c FROM (SELECT %s AS c UNION SELECT n + 1 FROM taken) AS candidates
WHERE c BETWEEN %s AND %s AND c NOT IN (SELECT n FROM taken)
ORDER BY c LIMIT 1
"""
SQLITE_IPV4 = "vpcep_ipv4"  # registered on each SQLite connection that asks


def _ipv4_number(text: str | None) -> int | None:
    return None if text is None else int(ipaddress.IPv4Address(text))


def _as_number(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} - '0.0.0.0'::inet)"
    return f"{SQLITE_IPV4}({column})"


def lowest_free_address(subnet: Subnet) -> str | None:
    """The lowest host address of the subnet nobody holds, chosen in SQL (issue 13), or None."""
    network = ipaddress.ip_network(subnet.cidr)
    first, last = network.network_address, network.broadcast_address  # a /31 or /32: all hosts
    if network.num_addresses > 2:  # as hosts(): not the network or broadcast address
        first, last = first + 1, last - 1
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function(SQLITE_IPV4, 1, _ipv4_number, deterministic=True)
    sql = LOWEST_FREE_SQL.format(
        e=_as_number("node_ip"),
        s=_as_number("ip_address"),
        b=_as_number("ip_address"),
        endpoint=Endpoint._meta.db_table,
        server=Server._meta.db_table,
        balancer=LoadBalancer._meta.db_table,
    )
    gateway = int(ipaddress.IPv4Address(subnet.gateway_ip))
    key = Subnet._meta.pk.get_db_prep_value(subnet.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, key, key, gateway, int(first), int(first), int(last)])
        row = cursor.fetchone()
    return None if row is None else str(ipaddress.IPv4Address(int(row[0])))


def has_free_address(subnet: Subnet) -> bool:
    return lowest_free_address(subnet) is not None


def allocate_ip(endpoint: Endpoint, attempts: int = 50) -> str:
    """Give the endpoint the lowest free address of its subnet, unless it was given one when it
    was created (create_endpoint, under the account lock). The unique constraint on
    (subnet, node_ip) makes two allocations of one address impossible: the loser of a race
    retries with the next one."""
    if endpoint.node_ip:
        return endpoint.node_ip
    for _attempt in range(attempts):
        candidate = lowest_free_address(endpoint.subnet)
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
