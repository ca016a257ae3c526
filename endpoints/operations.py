"""Everything a user can do to an endpoint (E1-E8). Pages and the API call these.

As in services/operations.py: the acting user and plain data in; one transaction; locks on
what is checked (the account row for the quota, the service row for the whitelist); errors
keyed by field; an activity record for every change; follow-up work enqueued on commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from console.audit.log import record
from console.network.models import VPC, Route, RouteTable, Subnet
from console.quotas.limits import ENDPOINT
from console.quotas.models import limit_for
from console.quotas.usage import used
from console.states import TransitionError
from console.tags.operations import clean_tags
from console.tenancy.models import Account, Project
from console.tenancy.querysets import CHANGE, CONNECT, SUPPORT, can
from console.ui.forms import is_uuid
from console.ui.objects import get_object_for
from services.models import EndpointService, ServiceStatus, ServiceType
from services.operations import clean_description

from .history import record_connection_event
from .models import ConnectionEventKind, Endpoint, EndpointStatus, PacketIdSequence
from .policy import clean_policy, clean_whitelist
from .provisioning import (
    ProvisionError,
    add_dns_record,
    add_routes,
    lowest_free_address,
    remove_dns_record,
    remove_routes,
)


@dataclass
class EndpointPlan:
    """A checked request: what 规格确认 shows and create_endpoint makes."""

    project: Project
    service: EndpointService
    vpc: VPC
    subnet: Subnet | None = None
    route_tables: list[RouteTable] = field(default_factory=list)
    private_dns: bool = False
    tags: list[tuple[str, str]] = field(default_factory=list)
    description: str = ""
    whitelist: list[str] = field(default_factory=list)
    enable_whitelist: bool = False
    policy_statement: list[dict] | None = None
    node_ip: str | None = None  # chosen under the account lock, by create_endpoint's check


def find_service(user, project: Project, service_name: str) -> EndpointService | None:
    """验证 (verify): the service with that full name that the user may connect to in this
    region. A name that does not exist, is in another region, or whose whitelist does not
    admit the user's account gives the same answer, None: the answer never tells them apart."""
    name = (service_name or "").strip()
    if not name:
        return None
    return (
        EndpointService.objects.restrict(user, CONNECT)
        .filter(service_name=name, project__region=project.region, status=ServiceStatus.AVAILABLE)
        .select_related("project__account")
        .first()
    )


def connectable_services(user, project: Project):
    """Services the user may create an endpoint to in this project's region."""
    return EndpointService.objects.restrict(user, CONNECT).filter(
        project__region=project.region, status=ServiceStatus.AVAILABLE
    )


def cloud_services(user, project: Project):
    """The region's cloud services the user may connect to. Cloud services belong to the
    platform account (create_system_service), so they are read from its project in the region
    instead of testing every service of the region against its whitelist (issue 13)."""
    platform = Project.objects.filter(region=project.region_id, account__is_platform=True)
    return connectable_services(user, project).filter(is_system=True, project__in=platform)


def check_request(
    user,
    project: Project,
    *,
    service_id,
    vpc_id,
    subnet_id=None,
    route_table_ids: Sequence = (),
    private_dns: bool = False,
    tags: Sequence[tuple[str, str]] = (),
    description: str = "",
    whitelist: Sequence[str] = (),
    enable_whitelist: bool = False,
    policy_statement: list | None = None,
    lock: bool = False,
) -> EndpointPlan:
    """Check a request to create an endpoint (E2, E3) and resolve its objects; raises a
    ValidationError keyed by field. With lock=True (inside create_endpoint) the service row
    is locked, so a whitelist change cannot slip between this check and the creation."""
    if not can(user, CHANGE, project.pk):
        raise PermissionDenied(_("Your role does not allow creating endpoints here."))
    errors: dict[str, list] = {}
    services = EndpointService.objects.restrict(user, CONNECT).select_related("project__region")
    if lock:
        services = services.select_for_update(no_key=True, of=("self",))
    service = services.filter(pk=service_id).first() if service_id else None
    if service is None:
        errors["service"] = [
            _(
                "Service not found: check the region and the name, and that its owner has put your account on the whitelist."
            )
        ]
    elif service.project.region_id != project.region_id:
        errors["service"] = [
            _(
                "The service is in another region. An endpoint connects to a service in its own region."
            )
        ]
    elif service.status != ServiceStatus.AVAILABLE:
        errors["service"] = [
            _("The service is %(status)s; endpoints can connect only when it is available.")
            % {"status": service.get_status_display()}
        ]
    vpc = (
        VPC.objects.restrict(user, CHANGE).filter(project=project, pk=vpc_id).first()
        if vpc_id
        else None
    )
    if vpc is None:
        errors["vpc"] = [_("Choose one of your VPCs in this region.")]
    subnet, route_tables, node_ip = None, [], None
    gateway = service is not None and service.service_type == ServiceType.GATEWAY
    if vpc is not None and service is not None and not gateway:
        subnet = (
            Subnet.objects.restrict(user, CHANGE).filter(pk=subnet_id).first()
            if subnet_id
            else None
        )
        if subnet is None or subnet.vpc_id != vpc.pk:
            errors["subnet"] = [_("Choose a subnet of the selected VPC.")]
        elif (node_ip := lowest_free_address(subnet)) is None:
            errors["subnet"] = [
                _("Subnet %(subnet)s has no free IP address.") % {"subnet": subnet.name}
            ]
    if vpc is not None and gateway:
        ids = [str(i) for i in route_table_ids if i]
        route_tables = list(
            RouteTable.objects.restrict(user, CHANGE).filter(
                vpc=vpc, pk__in=[i for i in ids if is_uuid(i)]
            )
        )
        if not ids or len(route_tables) != len(set(ids)):
            errors["route_tables"] = [_("Choose one or more route tables of the selected VPC.")]
        elif taken := _taken_route_table(service, route_tables):
            errors["route_tables"] = [
                _("Route table %(table)s already has a route for %(prefix)s.")
                % {"table": taken.name, "prefix": service.route_prefix}
            ]
    elif service is not None and not gateway and any(route_table_ids):
        errors["route_tables"] = [_("Only a gateway endpoint has route tables.")]
    try:
        tags = clean_tags(list(tags))
    except ValidationError as exc:
        exc.update_error_dict(errors)
    settings = {}
    if service is not None:
        settings = _checked_settings(
            service,
            errors,
            description=description,
            whitelist=list(whitelist) if whitelist else None,
            enable_whitelist=enable_whitelist or None,
            policy_statement=policy_statement,
        )
    if errors:
        raise ValidationError(errors)
    return EndpointPlan(
        project=project,
        service=service,
        vpc=vpc,
        subnet=subnet,
        route_tables=route_tables,
        private_dns=bool(private_dns) and not gateway,
        tags=list(tags),
        node_ip=node_ip,
        **settings,
    )


def _checked_settings(service: EndpointService, errors: dict, **given) -> dict:
    """The settings an endpoint may have besides its network (描述, access control, policy),
    checked for its service's type; None means not given. Problems go into `errors`."""
    gateway = service.service_type == ServiceType.GATEWAY
    checks = {
        "description": clean_description,
        "whitelist": clean_whitelist,
        "enable_whitelist": bool,
        "policy_statement": clean_policy,
    }
    cleaned = {}
    for name, value in given.items():
        if value is None:
            continue
        if name in ("whitelist", "enable_whitelist") and gateway:
            if value:  # off and empty is what a gateway endpoint has anyway
                errors.setdefault(name, []).append(
                    _("Access control applies to interface endpoints; use a policy for a gateway.")
                )
        elif name == "policy_statement" and not gateway:
            errors.setdefault(name, []).append(
                _("Endpoint policies apply to gateway endpoints only.")
            )
        else:
            try:
                cleaned[name] = checks[name](value)
            except ValidationError as exc:
                exc.update_error_dict(errors)
    return cleaned


def create_endpoint(user, project: Project, *, request_id=None, **request) -> Endpoint:
    """Create an endpoint: 创建中 at once, then provisioned in the background (E4-E6).
    The same request_id submitted twice gives the one endpoint it created."""
    with transaction.atomic():
        # Serialises creations per account: the quota cannot be overrun by a race.
        # NO KEY UPDATE: still one creation at a time per account, but other transactions'
        # foreign-key checks (KEY SHARE) are not blocked; FOR UPDATE deadlocked with provisioning.
        Account.objects.select_for_update(no_key=True).get(pk=project.account_id)
        if request_id:
            existing = Endpoint.objects.filter(project=project, request_id=request_id).first()
            if existing is not None:
                return existing
        plan = check_request(user, project, lock=True, **request)
        limit = limit_for(project, ENDPOINT)
        if used(project, ENDPOINT) >= limit:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _(
                            "Your account has used its quota of %(limit)d endpoints in this region. "
                            "Delete one, or ask for a higher quota on the My quotas page."
                        )
                        % {"limit": limit}
                    ]
                }
            )
        endpoint = Endpoint.objects.create(
            project=project,
            service=plan.service,
            vpc=plan.vpc,
            subnet=plan.subnet,
            # The address is the endpoint's from now on: chosen once, under the account lock
            # that every creation in the subnet takes (issue 13); provisioning keeps it.
            node_ip=plan.node_ip,
            private_dns=plan.private_dns,
            description=plan.description,
            whitelist=plan.whitelist,
            enable_whitelist=plan.enable_whitelist,
            policy_statement=plan.policy_statement,
            packet_id=PacketIdSequence.next(),
            status=EndpointStatus.CREATING,
            request_id=request_id,
        )
        endpoint.route_tables.set(plan.route_tables)
        endpoint.tags.bulk_create(
            endpoint.tags.model(resource=endpoint, key=k, value=v) for k, v in plan.tags
        )
        record(
            user,
            "endpoint.create",
            endpoint,
            after={
                "status": endpoint.status,
                "service": plan.service.service_name,
                "vpc": plan.vpc.name,
                "subnet": plan.subnet.name if plan.subnet else None,
                "route_tables": [t.name for t in plan.route_tables],
                "private_dns": plan.private_dns,
                "tags": dict(plan.tags),
                **{
                    name: getattr(plan, name)
                    for name in ("description", "whitelist", "enable_whitelist", "policy_statement")
                    if getattr(plan, name)
                },
            },
        )
        record_connection_event(user, endpoint, ConnectionEventKind.REQUESTED)
        transaction.on_commit(lambda: enqueue("provision_endpoint", endpoint.pk), robust=True)
    return endpoint


def delete_endpoint(user, endpoint_id) -> Endpoint:
    """Delete an endpoint (E8): 删除中, then its address, DNS record and routes are released
    and it is gone."""
    with transaction.atomic():
        endpoint = get_object_for(
            user,
            Endpoint.objects.select_for_update(no_key=True, of=("self",)),
            SUPPORT,
            pk=endpoint_id,
        )
        before = endpoint.start_deletion()
        endpoint.save(update_fields=["status", "updated_at"])
        record(
            user,
            "endpoint.delete",
            endpoint,
            before={"status": before},
            after={"status": endpoint.status},
        )
        record_connection_event(user, endpoint, ConnectionEventKind.DELETED)
        transaction.on_commit(lambda: enqueue("finish_endpoint_deletion", endpoint.pk), robust=True)
    return endpoint


# What 修改 may change, and in which states (the provider's: not while it is being created or
# deleted, nor once it failed).
EDITABLE = {EndpointStatus.ACCEPTED, EndpointStatus.PENDING, EndpointStatus.REJECTED}
CHANGES = ("description", "route_table_ids", "private_dns", "enable_whitelist", "whitelist")


def edit_refusal(endpoint: Endpoint) -> str:
    """Why the endpoint cannot be changed now, or "" when it can."""
    if endpoint.status in EDITABLE:
        return ""
    if endpoint.status == EndpointStatus.CREATING:
        return _("The endpoint is being created; change it when that has finished.")
    if endpoint.status == EndpointStatus.DELETING:
        return _("The endpoint is being deleted; it can no longer be changed.")
    return _("The endpoint failed; it cannot be changed. Delete it and create another.")


def _locked_for_change(user, endpoint_id) -> Endpoint:
    """The endpoint, locked, for its administrators (404 across accounts, 403 without the
    role), in a state that allows changes (else a TransitionError: 409 in the API)."""
    endpoint = get_object_for(
        user,
        Endpoint.objects.select_for_update(no_key=True, of=("self",)).select_related(
            "service", "vpc__project", "project__region"
        ),
        CHANGE,
        pk=endpoint_id,
    )
    refusal = edit_refusal(endpoint)
    if refusal:
        raise TransitionError(refusal, code="invalid_state")
    return endpoint


def _snapshot(endpoint: Endpoint, names) -> dict:
    values = {
        "description": endpoint.description,
        "route_tables": sorted(t.name for t in endpoint.route_tables.all()),
        "private_dns": endpoint.private_dns,
        "domain_name": endpoint.domain_name,
        "enable_whitelist": endpoint.enable_whitelist,
        "whitelist": list(endpoint.whitelist),
        "policy_statement": endpoint.policy_statement,
    }
    return {name: values[name] for name in names}


def update_endpoint(user, endpoint_id, **changes) -> Endpoint:
    """修改: change what `changes` names (CHANGES; a missing one stays as it is) in one
    transaction. Route tables add and remove the service's routes; 内网域名 adds or removes the
    A record. Raises a ValidationError keyed by field; nothing is saved unless all is good."""
    unknown = set(changes) - set(CHANGES)
    if unknown:
        raise TypeError(f"update_endpoint() cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        endpoint = _locked_for_change(user, endpoint_id)
        gateway = endpoint.service.service_type == ServiceType.GATEWAY
        errors: dict[str, list] = {}
        settings = _checked_settings(
            endpoint.service,
            errors,
            description=changes.get("description"),
            whitelist=changes.get("whitelist"),
            enable_whitelist=changes.get("enable_whitelist"),
        )
        tables = None
        if changes.get("route_table_ids") is not None:
            tables = _route_tables(user, endpoint, changes["route_table_ids"], errors)
        private_dns = changes.get("private_dns")
        if private_dns is not None and gateway and private_dns:
            errors["private_dns"] = [_("A gateway endpoint has no private domain name.")]
        if errors:
            raise ValidationError(errors)
        fields = [name for name in settings if getattr(endpoint, name) != settings[name]]
        current = set(endpoint.route_tables.all())
        if tables is not None and set(tables) != current:
            fields.append("route_tables")
        if private_dns is not None and not gateway and bool(private_dns) != endpoint.private_dns:
            fields += ["private_dns", "domain_name"]
        if not fields:
            return endpoint
        before = _snapshot(endpoint, fields)
        for name in fields:
            if name in settings:
                setattr(endpoint, name, settings[name])
        if "route_tables" in fields:
            added = [t for t in tables if t not in current]
            try:
                add_routes(endpoint, added)
            except ProvisionError as exc:
                raise ValidationError({"route_tables": [str(exc)]}) from None
            remove_routes(endpoint, current - set(tables))
            endpoint.route_tables.set(tables)
        if "private_dns" in fields:
            endpoint.private_dns = bool(private_dns)
            if endpoint.private_dns and endpoint.node_ip:
                add_dns_record(endpoint)
            elif not endpoint.private_dns:
                remove_dns_record(endpoint)
        endpoint.save()
        record(user, "endpoint.edit", endpoint, before=before, after=_snapshot(endpoint, fields))
    return endpoint


def _taken_route_table(service: EndpointService, tables: list[RouteTable]) -> RouteTable | None:
    """One of the tables that routes the gateway service's prefix already, or that another of
    the service's endpoints holds (创建中 too, before its route exists): a second endpoint there
    could only fail in the background (provisioning's add_routes), so it is refused at once."""
    pks = [table.pk for table in tables]
    routed = Route.objects.filter(route_table__in=pks, destination=service.route_prefix)
    held = (
        Endpoint.route_tables.through.objects.filter(
            routetable__in=pks, endpoint__service=service
        ).exclude(endpoint__status=EndpointStatus.FAILED)  # a failed one holds no route
    )
    taken = {*routed.values_list("route_table", flat=True)}
    taken |= {*held.values_list("routetable", flat=True)}
    return next((table for table in tables if table.pk in taken), None)


def _route_tables(user, endpoint: Endpoint, ids, errors: dict) -> list[RouteTable]:
    if endpoint.service.service_type != ServiceType.GATEWAY:
        errors["route_tables"] = [_("Only a gateway endpoint has route tables.")]
        return []
    ids = [str(i) for i in ids if i]
    tables = list(
        RouteTable.objects.restrict(user, CHANGE)
        .select_for_update(no_key=True, of=("self",))  # two endpoints adding to one table: in turn
        .filter(vpc=endpoint.vpc, pk__in=[i for i in ids if is_uuid(i)])
        .order_by("pk")
    )
    if not ids or len(tables) != len(set(ids)):
        errors["route_tables"] = [_("Choose one or more route tables of the endpoint's VPC.")]
    return tables


def set_endpoint_policy(user, endpoint_id, statements: list | None) -> Endpoint:
    """A gateway endpoint's policy (策略): the statements checked by clean_policy(), or None
    to delete it (then everything is allowed, as without a policy)."""
    with transaction.atomic():
        endpoint = _locked_for_change(user, endpoint_id)
        errors: dict[str, list] = {}
        if statements is None:
            if endpoint.service.service_type != ServiceType.GATEWAY:
                errors["policy_statement"] = [
                    _("Endpoint policies apply to gateway endpoints only.")
                ]
            elif endpoint.policy_statement is None:
                errors["policy_statement"] = [_("The endpoint has no policy to delete.")]
            cleaned = None
        else:
            cleaned = _checked_settings(endpoint.service, errors, policy_statement=statements).get(
                "policy_statement"
            )
        if errors:
            raise ValidationError(errors)
        before = endpoint.policy_statement
        endpoint.policy_statement = cleaned
        endpoint.save(update_fields=["policy_statement", "updated_at"])
        record(
            user,
            "endpoint.policy.delete" if cleaned is None else "endpoint.policy.update",
            endpoint,
            before={"policy_statement": before},
            after={"policy_statement": cleaned},
        )
    return endpoint


def enqueue(task_name: str, endpoint_id) -> None:
    from . import tasks

    getattr(tasks, task_name).enqueue(str(endpoint_id))
