"""Everything a user can do to an endpoint service (S2-S11). Pages and the API call these.

Each operation takes the acting user and plain data, runs in one transaction, locks what it
checks, checks role, quota, state and input, writes an activity record, and enqueues
follow-up work on commit. Errors are ValidationErrors keyed by the field they concern
("ports.2.terminal_port" names a row), so a form shows them where the user typed.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from console.audit.log import record
from console.network.models import VPC, LoadBalancer, Server
from console.quotas.limits import ENDPOINT_SERVICE
from console.quotas.models import limit_for
from console.quotas.usage import used
from console.tags.operations import clean_tags
from console.tenancy.models import Account, Project
from console.tenancy.querysets import APPROVE, CHANGE, SUPPORT, can, require_operator
from console.ui.forms import parse_ids
from console.ui.objects import get_object_for
from endpoints.models import Endpoint, EndpointStatus

from .models import (
    PORT_VALIDATORS,
    BackendType,
    EndpointService,
    Permission,
    PortMapping,
    Protocol,
    ServiceStatus,
    ServiceType,
    validate_principal,
    validate_service_name,
)

MAX_PORTS = 50  # port mappings in one operation (S3)
MAX_PRINCIPALS = 50  # whitelist records in one operation (S9)
BLOCKING_DELETE = (EndpointStatus.ACCEPTED, EndpointStatus.CREATING)  # S11


@dataclass(frozen=True)
class Port:
    protocol: str
    service_port: int
    terminal_port: int


def snapshot(service: EndpointService) -> dict:
    return {
        "status": service.status,
        "name": service.name,
        "service_name": service.service_name,
        "approval_enabled": service.approval_enabled,
        "backend_type": service.backend_type,
        "backend": str(service.backend.pk) if service.backend else None,
    }


def clean_ports(ports: Sequence[Port]) -> list[Port]:
    errors: dict[str, list] = {}
    if not ports:
        errors["ports"] = [_("Add at least one port mapping.")]
    elif len(ports) > MAX_PORTS:
        errors["ports"] = [
            _("At most %(max)d port mappings in one operation.") % {"max": MAX_PORTS}
        ]
    seen: dict[tuple[str, int], int] = {}
    for row, port in enumerate(ports):
        if port.protocol not in Protocol.values:
            errors.setdefault(f"ports.{row}.protocol", []).append(_("Choose TCP or UDP."))
        for field in ("service_port", "terminal_port"):
            value = getattr(port, field)
            try:
                for validator in PORT_VALIDATORS:
                    validator(value)
            except (ValidationError, TypeError):
                errors.setdefault(f"ports.{row}.{field}", []).append(
                    _("Enter a port from 1 to 65535.")
                )
        key = (port.protocol, port.terminal_port)
        if key in seen:
            errors.setdefault(f"ports.{row}.terminal_port", []).append(
                _("Terminal port %(port)s/%(protocol)s is already used in row %(row)d.")
                % {"port": port.terminal_port, "protocol": port.protocol, "row": seen[key] + 1}
            )
        seen.setdefault(key, row)
    if errors:
        raise ValidationError(errors)
    return list(ports)


def create_service(
    user,
    project: Project,
    *,
    vpc_id,
    backend_type: str,
    backend_id,
    ports: Sequence[Port],
    name: str = "",
    approval_enabled: bool = False,
    tags: Sequence[tuple[str, str]] = (),
) -> EndpointService:
    """Create an interface service in front of one ELB or ECS of one of the user's VPCs (S2-S5).

    It starts 创建中 and becomes 可连接 in the background."""
    if not can(user, CHANGE, project.pk):
        raise PermissionDenied(_("Your role does not allow creating endpoint services here."))
    with transaction.atomic():
        # Serialises creations per account, so two at once cannot both take the last quota.
        # NO KEY UPDATE: still one creation at a time per account, but other transactions'
        # foreign-key checks (KEY SHARE) are not blocked; FOR UPDATE deadlocked with provisioning.
        Account.objects.select_for_update(no_key=True).get(pk=project.account_id)
        errors: dict[str, list] = {}

        def collect(clean, values):
            try:
                return clean(values)
            except ValidationError as exc:
                exc.update_error_dict(errors)
                return []

        name = (name or "").strip()
        try:
            validate_service_name(name)
        except ValidationError as exc:
            errors["name"] = exc.messages
        vpc = VPC.objects.restrict(user, CHANGE).filter(project=project, pk=vpc_id).first()
        if vpc is None:
            errors["vpc"] = [_("Choose one of your VPCs in this region.")]
        backend = None
        if backend_type not in BackendType.values:
            errors["backend_type"] = [_("Choose a load balancer (ELB) or a server (ECS).")]
        elif vpc is not None:
            model = LoadBalancer if backend_type == BackendType.LB else Server
            backend = model.objects.restrict(user, CHANGE).filter(vpc=vpc, pk=backend_id).first()
            if backend is None:
                errors["backend"] = [_("Choose a backend in the selected VPC.")]
        ports = collect(clean_ports, list(ports))
        tags = collect(clean_tags, list(tags))
        limit = limit_for(project, ENDPOINT_SERVICE)
        if used(project, ENDPOINT_SERVICE) >= limit:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _(
                    "Your account has used its quota of %(limit)d endpoint services in this "
                    "region. Delete one, or ask for a higher quota on the My quotas page."
                )
                % {"limit": limit}
            )
        if errors:
            raise ValidationError(errors)

        service_id = uuid.uuid4()
        service = EndpointService.objects.create(
            id=service_id,
            project=project,
            name=name,
            service_name=EndpointService.full_name(project.region.code, name, service_id),
            vpc=vpc,
            approval_enabled=approval_enabled,
            backend_type=backend_type,
            load_balancer=backend if backend_type == BackendType.LB else None,
            server=backend if backend_type == BackendType.VM else None,
            status=ServiceStatus.CREATING,
        )
        PortMapping.objects.bulk_create(
            PortMapping(
                service=service,
                protocol=p.protocol,
                service_port=p.service_port,
                terminal_port=p.terminal_port,
            )
            for p in ports
        )
        service.tags.bulk_create(
            service.tags.model(resource=service, key=k, value=v) for k, v in tags
        )
        after = snapshot(service) | {
            "ports": [[p.protocol, p.service_port, p.terminal_port] for p in ports],
            "tags": dict(tags),
        }
        record(user, "service.create", service, after=after)
        transaction.on_commit(lambda: enqueue_provision(service.pk), robust=True)
    return service


def set_approval(user, service_id, enabled: bool) -> EndpointService:
    """Turn connection approval (连接审批) on or off. Connections already made keep their state."""
    with transaction.atomic():
        service = _locked_service(user, service_id, CHANGE)
        if service.is_system:
            raise ValidationError(
                _("Cloud services are provided by the platform and cannot be changed.")
            )
        before = service.approval_enabled
        service.approval_enabled = bool(enabled)
        service.save(update_fields=["approval_enabled", "updated_at"])
        record(
            user,
            "service.edit",
            service,
            before={"approval_enabled": before},
            after={"approval_enabled": service.approval_enabled},
        )
    return service


def enqueue_provision(service_id) -> None:
    from .tasks import provision_service

    provision_service.enqueue(str(service_id))


def _locked_service(user, service_id, action: str, available: bool = False) -> EndpointService:
    """The service, locked; with available=True, refused unless it is 可连接 (a service being
    created or deleted takes no decisions and no whitelist changes)."""
    service = get_object_for(
        user,
        EndpointService.objects.select_for_update(no_key=True, of=("self",)),
        action,
        pk=service_id,
    )
    if available and service.status != ServiceStatus.AVAILABLE:
        raise ValidationError(
            _(
                "The service is %(status)s: its connections and whitelist can change only while it is available."
            )
            % {"status": service.get_status_display()}
        )
    return service


def decide_connections(user, service_id, endpoint_ids: Iterable, decision: str) -> list[Endpoint]:
    """接受 or 拒绝 (accept or reject) connections of a service with approval on (S8).

    The service row is locked first, so two approvers deciding at once are serialised and the
    last decision stands. A connection already in the wanted state is left as it is."""
    if decision not in ("accept", "reject"):
        raise ValueError(decision)
    ids = {str(i) for i in endpoint_ids}
    with transaction.atomic():
        service = _locked_service(user, service_id, APPROVE, available=True)
        if not service.approval_enabled:
            raise ValidationError(
                _(
                    "Connection approval is off for this service: endpoints connect without a decision."
                )
            )
        if not ids:
            raise ValidationError(_("Tick at least one connection."))
        endpoints = list(
            Endpoint.objects.restrict(user, APPROVE)
            .select_for_update(no_key=True, of=("self",))
            .filter(service=service, pk__in=ids)
            .order_by("pk")
        )
        if len(endpoints) != len(ids):
            raise ValidationError(_("A ticked connection no longer exists. Reload the list."))
        target = EndpointStatus.ACCEPTED if decision == "accept" else EndpointStatus.REJECTED
        changed = []
        for endpoint in endpoints:
            if endpoint.status == target:
                continue
            before = endpoint.accept() if decision == "accept" else endpoint.reject()
            endpoint.save(update_fields=["status", "updated_at"])
            record(
                user,
                f"connection.{decision}",
                endpoint,
                project=service.project,
                before={"status": before},
                after={"status": endpoint.status},
            )
            changed.append(endpoint)
    return changed


def parse_principals(text: str) -> list[str]:
    """One principal per line (or separated by commas); blank lines are ignored."""
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


def add_permissions(user, service_id, principals: Sequence[str]) -> list[Permission]:
    """Add whitelist records (S9): iam:domain::<32 hex> or *, at most 50 in one operation.

    Every bad line is named; nothing is added unless every line is good."""
    with transaction.atomic():
        service = _locked_service(user, service_id, APPROVE, available=True)
        own = service.project.account.principal
        existing = set(service.permissions.values_list("principal", flat=True))
        errors = []
        if not principals:
            errors.append(_("Enter at least one authorized account ID."))
        if len(principals) > MAX_PRINCIPALS:
            errors.append(
                _("At most %(max)d records in one operation; you entered %(count)d.")
                % {"max": MAX_PRINCIPALS, "count": len(principals)}
            )
        seen: set[str] = set()
        for line, principal in enumerate(principals, start=1):
            where = {"line": line, "value": principal}
            try:
                validate_principal(principal)
            except ValidationError:
                errors.append(
                    _("Line %(line)d: %(value)s is not iam:domain::<32-character account ID> or *.")
                    % where
                )
                continue
            if principal in seen:
                errors.append(_("Line %(line)d: %(value)s is entered twice.") % where)
            elif principal in existing:
                errors.append(_("Line %(line)d: %(value)s is on the whitelist already.") % where)
            elif principal == own:
                errors.append(
                    _("Line %(line)d: %(value)s is your own account, which is always allowed.")
                    % where
                )
            seen.add(principal)
        if errors:
            raise ValidationError({"principals": errors})
        added = Permission.objects.bulk_create(
            Permission(service=service, principal=principal) for principal in principals
        )
        record(
            user,
            "permission.add",
            service,
            before={"whitelist": sorted(existing)},
            after={"whitelist": sorted(existing | set(principals))},
        )
    return added


def remove_permissions(user, service_id, permission_ids: Iterable) -> int:
    """Delete whitelist records, one or several at once (S9)."""
    ids = set(parse_ids([str(i) for i in permission_ids]))
    with transaction.atomic():
        service = _locked_service(user, service_id, APPROVE, available=True)
        existing = dict(service.permissions.values_list("pk", "principal"))
        if not ids:
            raise ValidationError(_("Tick at least one whitelist record."))
        if not ids <= existing.keys():
            raise ValidationError(_("A ticked record no longer exists. Reload the list."))
        service.permissions.filter(pk__in=ids).delete()
        remaining = sorted(p for pk, p in existing.items() if pk not in ids)
        record(
            user,
            "permission.remove",
            service,
            before={"whitelist": sorted(existing.values())},
            after={"whitelist": remaining},
        )
    return len(ids)


def blocking_endpoints(service: EndpointService) -> int:
    return service.endpoints.filter(status__in=BLOCKING_DELETE).count()


def delete_service(user, service_id) -> EndpointService:
    """Delete a tenant's own service (S11): never a system service, never while an endpoint
    is 已接受 or 创建中. It turns 删除中, then a background task removes it."""
    return _take_down(user, service_id, system=False)


def _take_down(user, service_id, system: bool) -> EndpointService:
    """删除中 for a tenant's service (delete) or a cloud service (retire, operators), refused
    while an endpoint is 已接受 or 创建中; a background task then removes it."""
    with transaction.atomic():
        service = _locked_service(user, service_id, SUPPORT)
        if service.is_system != system:
            raise ValidationError(
                _("Only cloud services are retired here.")
                if system
                else _("Cloud services are provided by the platform and cannot be deleted.")
            )
        blocking = blocking_endpoints(service)
        if blocking:
            raise ValidationError(
                ngettext(
                    "%(count)d endpoint is accepted or being created on this service. "
                    "Reject it or have it deleted first.",
                    "%(count)d endpoints are accepted or being created on this service. "
                    "Reject them or have them deleted first.",
                    blocking,
                )
                % {"count": blocking}
            )
        before = service.start_deletion()
        service.save(update_fields=["status", "updated_at"])
        action = "service.retire" if system else "service.delete"
        record(user, action, service, before={"status": before}, after={"status": service.status})
        transaction.on_commit(lambda: enqueue_deletion(service.pk), robust=True)
    return service


def enqueue_deletion(service_id) -> None:
    from .tasks import finish_deletion

    finish_deletion.enqueue(str(service_id))


# --- cloud (system) services: the operators' (S1, §1.6.1) ------------------------------------


def create_system_service(
    user,
    project: Project,
    *,
    name: str,
    service_type: str,
    description: str = "",
    route_prefix: str = "",
    ports: Sequence[Port] = (),
) -> EndpointService:
    """Add a cloud service (cn.ctyun.<region>.<name>) owned by the platform in one region."""
    require_operator(user, _("Only platform operators manage cloud services."))
    errors: dict[str, list] = {}
    name = (name or "").strip()
    if not name or not re.fullmatch(r"[a-z0-9-]{1,16}", name):
        errors["name"] = [_("1 to 16 lower-case letters, digits and '-', such as obs or dns.")]
    if service_type not in ServiceType.values:
        errors["service_type"] = [_("Choose gateway or interface.")]
    if service_type == ServiceType.GATEWAY:
        try:
            ipaddress.ip_network(route_prefix, strict=True)
        except ValueError:
            errors["route_prefix"] = [
                _("A gateway service needs the prefix its endpoints route, such as 100.125.0.0/16.")
            ]
    if EndpointService.objects.filter(
        service_name=EndpointService.system_name(project.region.code, name)
    ).exists():
        errors.setdefault("name", []).append(
            _("This region has a cloud service of that name already.")
        )
    if not project.account.is_platform:
        errors[NON_FIELD_ERRORS] = [_("Cloud services belong to the platform account.")]
    if service_type == ServiceType.GATEWAY and ports:
        errors["port_mappings"] = [
            _("Gateway services route a prefix: they have no port mappings.")
        ]
    elif ports:
        try:
            clean_ports(list(ports))
        except ValidationError as exc:
            errors["port_mappings"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        service = EndpointService.objects.create(
            project=project,
            name=name,
            is_system=True,
            service_type=service_type,
            service_name=EndpointService.system_name(project.region.code, name),
            description=(description or "").strip()[:255],
            route_prefix=route_prefix if service_type == ServiceType.GATEWAY else "",
            status=ServiceStatus.AVAILABLE,
        )
        PortMapping.objects.bulk_create(
            PortMapping(
                service=service,
                protocol=p.protocol,
                service_port=p.service_port,
                terminal_port=p.terminal_port,
            )
            for p in ports
        )
        record(
            user,
            "service.create",
            service,
            after=snapshot(service) | {"route_prefix": service.route_prefix},
        )
    return service


def update_system_service(user, service_id, *, description: str) -> EndpointService:
    require_operator(user, _("Only platform operators manage cloud services."))
    with transaction.atomic():
        service = _locked_service(user, service_id, CHANGE)
        if not service.is_system:
            raise ValidationError(_("Only cloud services are edited here."))
        before = service.description
        service.description = (description or "").strip()[:255]
        service.save(update_fields=["description", "updated_at"])
        record(
            user,
            "service.edit",
            service,
            before={"description": before},
            after={"description": service.description},
        )
    return service


def retire_system_service(user, service_id) -> EndpointService:
    """Take a cloud service away: like a tenant's delete, refused while endpoints use it."""
    require_operator(user, _("Only platform operators manage cloud services."))
    return _take_down(user, service_id, system=True)
