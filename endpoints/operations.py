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
from console.network.models import VPC, RouteTable, Subnet
from console.quotas.limits import ENDPOINT
from console.quotas.models import limit_for
from console.quotas.usage import used
from console.tags.operations import clean_tags
from console.tenancy.models import Account, Project
from console.tenancy.querysets import CHANGE, CONNECT, SUPPORT, can
from console.ui.objects import get_object_for
from services.models import EndpointService, ServiceStatus, ServiceType

from .models import Endpoint, EndpointStatus, PacketIdSequence
from .provisioning import has_free_address


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
    subnet, route_tables = None, []
    gateway = service is not None and service.service_type == ServiceType.GATEWAY
    if vpc is not None and service is not None and not gateway:
        subnet = (
            Subnet.objects.restrict(user, CHANGE).filter(pk=subnet_id).first()
            if subnet_id
            else None
        )
        if subnet is None or subnet.vpc_id != vpc.pk:
            errors["subnet"] = [_("Choose a subnet of the selected VPC.")]
        elif not has_free_address(subnet):
            errors["subnet"] = [
                _("Subnet %(subnet)s has no free IP address.") % {"subnet": subnet.name}
            ]
    if vpc is not None and gateway:
        ids = [i for i in route_table_ids if i]
        route_tables = list(RouteTable.objects.restrict(user, CHANGE).filter(vpc=vpc, pk__in=ids))
        if not ids or len(route_tables) != len(set(map(str, ids))):
            errors["route_tables"] = [_("Choose one or more route tables of the selected VPC.")]
    try:
        tags = clean_tags(list(tags))
    except ValidationError as exc:
        exc.update_error_dict(errors)
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
    )


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
            private_dns=plan.private_dns,
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
            },
        )
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
        transaction.on_commit(lambda: enqueue("finish_endpoint_deletion", endpoint.pk), robust=True)
    return endpoint


def enqueue(task_name: str, endpoint_id) -> None:
    from . import tasks

    getattr(tasks, task_name).enqueue(str(endpoint_id))
