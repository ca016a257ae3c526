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
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from console.audit.log import record
from console.network.models import VPC, LoadBalancer, Server
from console.quotas.limits import ENDPOINT_SERVICE
from console.quotas.models import limit_for
from console.quotas.usage import used
from console.tags.operations import clean_tags
from console.tenancy.models import Account, AvailabilityZone, Project
from console.tenancy.querysets import APPROVE, CHANGE, SUPPORT, can, require_operator
from console.ui.forms import is_uuid, parse_ids
from console.ui.objects import get_object_for
from endpoints.history import record_connection_event
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
    TcpProxy,
    validate_principal,
    validate_service_name,
)

MAX_PORTS = 50  # port mappings in one operation (S3)
MAX_PRINCIPALS = 50  # whitelist records in one operation (S9)
MAX_DESCRIPTION = 512  # a service's or a connection's 描述 (issue 10)
MAX_PERMISSION_DESCRIPTION = 255  # a whitelist record's
MAX_DECISION_COMMENT = 255  # 审批意见 (issue 11)
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
        "description": service.description,
        "approval_enabled": service.approval_enabled,
        "backend_type": service.backend_type,
        "backend": str(service.backend.pk) if service.backend else None,
        "tcp_proxy": service.tcp_proxy,
    }


def create_ports(service: EndpointService, ports: Sequence[Port]) -> None:
    PortMapping.objects.bulk_create(
        PortMapping(
            service=service,
            protocol=p.protocol,
            service_port=p.service_port,
            terminal_port=p.terminal_port,
        )
        for p in ports
    )


def clean_description(
    text, limit: int = MAX_DESCRIPTION, field: str = "description", no_angles: str = ""
) -> str:
    """描述: at most `limit` characters, without < or > (as the provider's API). Errors are
    keyed by `field`; `no_angles` names another text that follows the same rule."""
    text = (text if isinstance(text, str) else "").strip()
    errors = []
    if len(text) > limit:
        errors.append(
            _("At most %(max)d characters; this has %(count)d.")
            % {"max": limit, "count": len(text)}
        )
    if "<" in text or ">" in text:
        errors.append(no_angles or _("The description cannot contain < or >."))
    if errors:
        raise ValidationError({field: errors})
    return text


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


# 客户端IP透传 by TCP option (TOA) needs a kernel module on the backend's path (issue 14).
NEEDS_TOA = (TcpProxy.TOA_OPEN, TcpProxy.OPEN)


def clean_tcp_proxy(value, current: str = TcpProxy.CLOSE) -> str:
    """客户端IP透传 as given on create or on 修改: one of the provider's four values. TOA is
    refused on the Linux data plane unless the service already has it (other edits pass)."""
    if value not in TcpProxy.values:
        raise ValidationError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(TcpProxy.values)}
        )
    if value in NEEDS_TOA and value != current and settings.DATAPLANE == "linux":
        raise ValidationError(
            _(
                "TOA needs a kernel module that this platform's Linux data plane does "
                "not load. Choose the PROXY protocol (proxy_open) to pass the client's "
                "address instead."
            )
        )
    return value


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
    description: str = "",
    tcp_proxy: str = TcpProxy.CLOSE,
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
        description = collect(clean_description, description)
        try:
            tcp_proxy = clean_tcp_proxy(tcp_proxy)
        except ValidationError as exc:
            errors["tcp_proxy"] = exc.messages
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
            description=description,
            approval_enabled=approval_enabled,
            tcp_proxy=tcp_proxy,
            backend_type=backend_type,
            load_balancer=backend if backend_type == BackendType.LB else None,
            server=backend if backend_type == BackendType.VM else None,
            status=ServiceStatus.CREATING,
        )
        create_ports(service, ports)
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


EDITABLE = {"name", "description", "approval_enabled", "backend_type", "backend_id", "ports"}
EDITABLE |= {"tcp_proxy"}
EDITABLE |= {"auto_reject_days"}  # issue 11
MAX_AUTO_REJECT_DAYS = 365


def port_rows(ports: Iterable) -> list[list]:
    return [[p.protocol, p.service_port, p.terminal_port] for p in ports]


def accepted_connections(service: EndpointService) -> int:
    return service.endpoints.filter(status=EndpointStatus.ACCEPTED).count()


def edit_refusal(service: EndpointService) -> str:
    """Why 修改 is not possible now, or ""."""
    if service.is_system:
        return _("Cloud services are provided by the platform and cannot be changed.")
    if service.status != ServiceStatus.AVAILABLE:
        return _("The service is %(status)s: it can be changed only while it is available.") % {
            "status": service.get_status_display()
        }
    return ""


def update_service(user, service_id, *, check_only: bool = False, **changes) -> EndpointService:
    """修改 (issue 10): any of name (the middle of the full name), description, approval_enabled,
    backend_type with backend_id (another ELB or ECS of the service's VPC), ports (all the
    mappings from now on) and tcp_proxy. Only what is given changes; each is checked as on
    create. A tenant's own available service only; endpoints keep their connection (they
    reference the service, not its name). Turning approval off leaves pending connections
    pending until someone decides. check_only checks everything and writes nothing."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise TypeError(f"update_service() got unexpected changes: {sorted(unknown)}")
    with transaction.atomic():
        service = _locked_service(user, service_id, CHANGE)
        if refusal := edit_refusal(service):
            raise ValidationError(refusal)
        errors: dict[str, list] = {}
        current_ports = list(service.ports.all())
        before = snapshot(service) | {
            "ports": port_rows(current_ports),
            "auto_reject_days": service.auto_reject_days,
        }
        fields: list[str] = []

        if "name" in changes:
            name = (changes["name"] or "").strip() if isinstance(changes["name"], str) else None
            try:
                if name is None:
                    raise ValidationError(_("Enter a name."))
                validate_service_name(name)
            except ValidationError as exc:
                errors["name"] = exc.messages
            else:
                service.name = name
                service.service_name = EndpointService.full_name(
                    service.project.region.code, name, service.pk
                )
                fields += ["name", "service_name"]
        if "description" in changes:
            try:
                service.description = clean_description(changes["description"])
                fields.append("description")
            except ValidationError as exc:
                exc.update_error_dict(errors)
        if "approval_enabled" in changes:
            if not isinstance(changes["approval_enabled"], bool):
                errors["approval_enabled"] = [_("Choose on or off.")]
            else:
                service.approval_enabled = changes["approval_enabled"]
                fields.append("approval_enabled")
        if "tcp_proxy" in changes:
            try:
                service.tcp_proxy = clean_tcp_proxy(changes["tcp_proxy"], service.tcp_proxy)
                fields.append("tcp_proxy")
            except ValidationError as exc:
                errors["tcp_proxy"] = exc.messages
        if "auto_reject_days" in changes:
            days = changes["auto_reject_days"]
            if days is not None and (
                isinstance(days, bool)
                or not isinstance(days, int)
                or not 1 <= days <= MAX_AUTO_REJECT_DAYS
            ):
                errors["auto_reject_days"] = [
                    _("Enter a number of days from 1 to %(max)d, or leave it empty (off).")
                    % {"max": MAX_AUTO_REJECT_DAYS}
                ]
            else:
                service.auto_reject_days = days
                fields.append("auto_reject_days")
        if "backend_id" in changes or "backend_type" in changes:
            backend = _backend_in_vpc(
                user, service, changes.get("backend_type"), changes.get("backend_id"), errors
            )
            if backend is not None:
                service.backend_type = (
                    BackendType.LB if isinstance(backend, LoadBalancer) else BackendType.VM
                )
                service.load_balancer = backend if isinstance(backend, LoadBalancer) else None
                service.server = backend if isinstance(backend, Server) else None
                fields += ["backend_type", "load_balancer", "server"]
        ports = None
        if "ports" in changes:
            try:
                ports = clean_ports(list(changes["ports"]))
            except ValidationError as exc:
                exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        if check_only:  # 修改's confirmation step: everything checked, nothing written
            return service

        if ports is not None and port_rows(ports) != port_rows(current_ports):
            service.ports.all().delete()
            create_ports(service, ports)
        after = snapshot(service) | {
            "ports": port_rows(ports) if ports is not None else before["ports"],
            "auto_reject_days": service.auto_reject_days,
        }
        changed = {k for k in after if after[k] != before[k]}
        if not changed:
            return service
        service.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
        record(
            user,
            "service.edit",
            service,
            before={k: before[k] for k in sorted(changed)},
            after={k: after[k] for k in sorted(changed)},
        )
    return service


def rename_service(user, service_id, name: str) -> EndpointService:
    """The name part of {region}.{name}.{id} (update_endpoint_service_name). 验证 by the old
    full name no longer finds the service; its endpoints keep working."""
    return update_service(user, service_id, name=name)


def add_server_resources(user, service_id, resources: Sequence[tuple[str, str]]) -> list:
    """Availability zones the service's backend serves from (add_endpoint_service_server_resource):
    each (resource_id, zone code) names the service's own backend and a zone of its region
    that the inventory knows; anything else is refused, naming the entry. Zones already there
    stay; the result is every zone of the service."""
    with transaction.atomic():
        service = _locked_service(user, service_id, CHANGE)
        if refusal := edit_refusal(service):
            raise ValidationError(refusal)
        zones = {z.code: z for z in AvailabilityZone.objects.filter(region=service.project.region)}
        backend = str(service.backend.pk) if service.backend else None
        errors: dict[str, list] = {}
        if not resources:
            errors["server_resources"] = [_("Give at least one availability zone.")]
        for row, (resource_id, zone) in enumerate(resources):
            if str(resource_id) != backend:
                errors[f"server_resources.{row}.resource_id"] = [
                    _("Give the service's own backend (%(id)s).") % {"id": backend}
                ]
            if zone not in zones:
                errors[f"server_resources.{row}.availability_zone_id"] = [
                    _(
                        "%(zone)s is not an availability zone of %(region)s: choose one of %(zones)s."
                    )
                    % {
                        "zone": zone,
                        "region": service.project.region.code,
                        "zones": ", ".join(sorted(zones)),
                    }
                ]
        if errors:
            raise ValidationError(errors)
        before = sorted(service.availability_zones.values_list("code", flat=True))
        service.availability_zones.add(*(zones[zone] for _id, zone in resources))
        after = sorted(set(before) | {zone for _id, zone in resources})
        if after != before:
            record(
                user,
                "service.edit",
                service,
                before={"availability_zones": before},
                after={"availability_zones": after},
            )
    return after


def _backend_in_vpc(user, service: EndpointService, backend_type, backend_id, errors: dict):
    """Another ELB or ECS of the service's VPC, as the user may choose it (CHANGE). Without a
    type (the API's port_id alone), whichever of the two has that ID."""
    if backend_type not in (None, *BackendType.values):
        errors["backend_type"] = [_("Choose a load balancer (ELB) or a server (ECS).")]
        return None
    models_ = [LoadBalancer, Server]
    if backend_type:
        models_ = [LoadBalancer if backend_type == BackendType.LB else Server]
    if is_uuid(backend_id):
        for model in models_:
            found = (
                model.objects.restrict(user, CHANGE)
                .filter(vpc_id=service.vpc_id, pk=backend_id)
                .first()
            )
            if found is not None:
                return found
    errors["backend"] = [
        _("Choose a backend in the service's VPC (%(vpc)s).") % {"vpc": service.vpc}
    ]
    return None


def affected_connections(service: EndpointService, changes: dict) -> int:
    """How many accepted endpoints a change of the backend, the ports or tcp_proxy reaches (the
    confirmation of 修改 says so before 确定); 0 when nothing of that kind changes."""
    backend = service.backend
    differs = (
        (
            "backend_id" in changes
            and str(changes["backend_id"]) != str(backend.pk if backend else "")
        )
        or ("tcp_proxy" in changes and changes["tcp_proxy"] != service.tcp_proxy)
        or ("ports" in changes and port_rows(changes["ports"]) != port_rows(service.ports.all()))
    )
    return accepted_connections(service) if differs else 0


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


def decide_connections(
    user, service_id, endpoint_ids: Iterable, decision: str, comment: str = ""
) -> list[Endpoint]:
    """接受 or 拒绝 (accept or reject) connections (S8), whether approval is on or off: 拒绝 on
    an accepted connection cuts the consumer off (its endpoint shows 已拒绝), 接受 brings it
    back; pending ones stay pending until someone decides, even after approval is turned off.
    `comment` is the 审批意见 (issue 11): the provider's message to the consumer, kept on the
    endpoint and in its 连接记录.

    The service row is locked first, so two approvers deciding at once are serialised and the
    last decision stands. A connection already in the wanted state is left as it is."""
    if decision not in ("accept", "reject"):
        raise ValueError(decision)
    ids = {str(i) for i in endpoint_ids}
    with transaction.atomic():
        service = _locked_service(user, service_id, APPROVE, available=True)
        comment = clean_description(
            comment,
            MAX_DECISION_COMMENT,
            field="comment",
            no_angles=_("The decision comment cannot contain < or >."),  # 审批意见
        )
        if not ids:
            raise ValidationError(_("Tick at least one connection."))
        endpoints = _locked_connections(user, service, ids) if all(map(is_uuid, ids)) else []
        if len(endpoints) != len(ids):
            raise ValidationError(_("A ticked connection no longer exists. Reload the list."))
        return _decide(user, service, endpoints, decision, comment)


def decide_pending(
    user, endpoint_ids: Iterable, decision: str, comment: str = ""
) -> list[Endpoint]:
    """待审批连接 (issue 11): decide the ticked connections whatever their services and regions,
    in one transaction: each service's through decide_connections, services locked in order."""
    ids = {str(i) for i in endpoint_ids if is_uuid(str(i))}
    if not ids:
        raise ValidationError(_("Tick at least one connection."))
    with transaction.atomic():
        by_service: dict = {}
        for service_id, pk in (
            Endpoint.objects.restrict(user, APPROVE)
            .filter(pk__in=ids)
            .values_list("service_id", "pk")
        ):
            by_service.setdefault(service_id, []).append(pk)
        if sum(map(len, by_service.values())) != len(ids):
            raise ValidationError(_("A ticked connection no longer exists. Reload the list."))
        changed = []
        for service_id in sorted(by_service, key=str):
            changed += decide_connections(
                user, service_id, by_service[service_id], decision, comment
            )
    return changed


def reject_overdue_connections(now=None) -> int:
    """待接受连接自动拒绝 (issue 11): reject, as the system, the connections left pending longer
    than their service's auto_reject_days; the sweep runs it every minute. One transaction per
    service, the service row locked first as for any decision."""
    now = now or timezone.now()
    rejected = 0
    due = EndpointService.objects.filter(
        auto_reject_days__isnull=False, status=ServiceStatus.AVAILABLE
    ).values_list("pk", flat=True)
    for service_id in due:
        with transaction.atomic():
            service = (
                EndpointService.objects.select_for_update(no_key=True, of=("self",))
                .filter(pk=service_id, status=ServiceStatus.AVAILABLE)
                .first()
            )
            if service is None or not service.auto_reject_days:
                continue
            days = service.auto_reject_days
            overdue = list(
                service.endpoints.select_for_update(no_key=True, of=("self",))
                .filter(status=EndpointStatus.PENDING, created_at__lt=now - timedelta(days=days))
                .order_by("pk")
            )
            if not overdue:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                comment = ngettext(
                    "Rejected automatically: not accepted within %(days)d day.",
                    "Rejected automatically: not accepted within %(days)d days.",
                    days,
                ) % {"days": days}
            rejected += len(_decide(None, service, overdue, "reject", comment))
    return rejected


def _locked_connections(user, service: EndpointService, ids) -> list[Endpoint]:
    return list(
        Endpoint.objects.restrict(user, APPROVE)
        .select_for_update(no_key=True, of=("self",))
        .filter(service=service, pk__in=ids)
        .order_by("pk")
    )


def _decide(
    user, service, endpoints: Iterable[Endpoint], decision: str, comment: str = ""
) -> list[Endpoint]:
    """`user` None = the system (automatic rejection)."""
    target = EndpointStatus.ACCEPTED if decision == "accept" else EndpointStatus.REJECTED
    changed = []
    for endpoint in endpoints:
        if endpoint.status == target:
            continue
        before = endpoint.accept() if decision == "accept" else endpoint.reject()
        endpoint.decision_comment = comment
        endpoint.save(update_fields=["status", "decision_comment", "updated_at"])
        record(
            user,
            f"connection.{decision}",
            endpoint,
            project=service.project,
            before={"status": before},
            after={"status": endpoint.status, **({"comment": comment} if comment else {})},
        )
        record_connection_event(user, endpoint, f"{decision}ed", comment)
        changed.append(endpoint)
    return changed


def describe_connections(user, service_id, descriptions: dict) -> list[Endpoint]:
    """The provider's note on each connection ({endpoint ID: text}; update_endpoint_connections_desc),
    shown in 连接管理 to approvers and administrators, never to the consumer."""
    with transaction.atomic():
        service = _locked_service(user, service_id, APPROVE)
        if not descriptions:
            raise ValidationError(_("Give at least one connection."))
        # One spelling per ID (an upper-case or unhyphenated UUID finds the same endpoint).
        descriptions = {
            str(uuid.UUID(str(k))) if is_uuid(str(k)) else str(k): v
            for k, v in descriptions.items()
        }
        ids = set(descriptions)
        texts, errors = {}, {}
        for row, (endpoint_id, text) in enumerate(descriptions.items()):
            try:
                texts[str(endpoint_id)] = clean_description(
                    text, field=f"connections.{row}.description"
                )
            except ValidationError as exc:
                exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        endpoints = _locked_connections(user, service, ids) if all(map(is_uuid, ids)) else []
        if len(endpoints) != len(ids):
            raise ValidationError(_("A connection no longer exists. Reload the list."))
        for endpoint in endpoints:
            before = endpoint.connection_description
            if before == texts[str(endpoint.pk)]:
                continue
            endpoint.connection_description = texts[str(endpoint.pk)]
            endpoint.save(update_fields=["connection_description", "updated_at"])
            record(
                user,
                "connection.describe",
                endpoint,
                project=service.project,
                before={"connection_description": before},
                after={"connection_description": endpoint.connection_description},
            )
    return endpoints


def parse_principals(text: str) -> list[str]:
    """One principal per line (or separated by commas); blank lines are ignored."""
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


def refuse_cloud_whitelist(service: EndpointService) -> None:
    """A cloud service's whitelist is the platform's (anyone may connect to a cloud service,
    whatever it lists): changing it would change nothing, so it is refused as 修改 is."""
    if service.is_system:
        raise ValidationError(
            _("Cloud services are provided by the platform and cannot be changed.")
        )


def add_permissions(
    user,
    service_id,
    principals: Sequence[str],
    descriptions: Sequence[str] | str = "",
    *,
    by_row: bool = False,
) -> list[Permission]:
    """Add whitelist records (S9): iam:domain::<32 hex> or *, at most 50 in one operation, with
    a description: one for all (the page's add dialog) or one per record (the API's batch).

    Every bad line is named ("principals"; with `by_row`, at its row: "principals.<n>.principal",
    as the page's 添加白名单记录 dialog shows it); nothing is added unless every line is good."""
    if isinstance(descriptions, str):
        descriptions = [descriptions] * len(principals)
    with transaction.atomic():
        service = _locked_service(user, service_id, APPROVE, available=True)
        refuse_cloud_whitelist(service)
        own = service.project.account.principal
        existing = set(service.permissions.values_list("principal", flat=True))
        texts, described = [], {}
        shared = len(set(descriptions)) == 1  # one description for the records added together
        for row, text in enumerate(descriptions):
            try:
                texts.append(clean_description(text, MAX_PERMISSION_DESCRIPTION))
            except ValidationError as exc:
                key = "description" if shared else f"permissions.{row}.description"
                described[key] = exc.messages
        errors, at_rows = [], {}

        def bad(line: int, message: str) -> None:
            if by_row:
                at_rows.setdefault(f"principals.{line - 1}.principal", []).append(message)
            else:
                errors.append(message)

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
                bad(
                    line,
                    _("Line %(line)d: %(value)s is not iam:domain::<32-character account ID> or *.")
                    % where,
                )
                continue
            if principal in seen:
                bad(line, _("Line %(line)d: %(value)s is entered twice.") % where)
            elif principal in existing:
                bad(line, _("Line %(line)d: %(value)s is on the whitelist already.") % where)
            elif principal == own:
                bad(
                    line,
                    _("Line %(line)d: %(value)s is your own account, which is always allowed.")
                    % where,
                )
            seen.add(principal)
        if errors or described or at_rows:
            raise ValidationError(
                {**({"principals": errors} if errors else {}), **at_rows, **described}
            )
        added = Permission.objects.bulk_create(
            Permission(service=service, principal=principal, description=text)
            for principal, text in zip(principals, texts, strict=True)
        )
        record(
            user,
            "permission.add",
            service,
            before={"whitelist": sorted(existing)},
            after={"whitelist": sorted(existing | set(principals))},
        )
    return added


def remove_permissions(
    user, service_id, permission_ids: Iterable, reject_connections: bool = False
) -> int:
    """Delete whitelist records, one or several at once (S9). Those accounts' accepted
    connections stay connected unless reject_connections, which rejects them (拒绝) in the same
    transaction; the confirmation says how many there are (connections_losing_permission)."""
    ids = set(parse_ids([str(i) for i in permission_ids]))
    with transaction.atomic():
        service = _locked_service(user, service_id, APPROVE, available=True)
        refuse_cloud_whitelist(service)
        existing = dict(service.permissions.values_list("pk", "principal"))
        if not ids:
            raise ValidationError(_("Tick at least one whitelist record."))
        if not ids <= existing.keys():
            raise ValidationError(_("A ticked record no longer exists. Reload the list."))
        cut_off = []
        if reject_connections:
            ids_out = _losing_permission(service, [existing[pk] for pk in ids], existing.values())
            cut_off = _locked_connections(user, service, ids_out.values_list("pk", flat=True))
        service.permissions.filter(pk__in=ids).delete()
        remaining = sorted(p for pk, p in existing.items() if pk not in ids)
        record(
            user,
            "permission.remove",
            service,
            before={"whitelist": sorted(existing.values())},
            after={"whitelist": remaining},
        )
        _decide(user, service, cut_off, "reject")
    return len(ids)


def _losing_permission(service: EndpointService, removed: Iterable[str], existing: Iterable[str]):
    """The accepted connections of the accounts that removing `removed` from the whitelist
    leaves without permission: the service's own account keeps it, and so does every account
    while * remains."""
    removed = set(removed)
    remaining = set(existing) - removed
    accepted = service.endpoints.filter(status=EndpointStatus.ACCEPTED).exclude(
        project__account=service.project.account
    )
    if "*" in remaining or not removed:
        return accepted.none()
    domains = [p.removeprefix("iam:domain::") for p in remaining]
    accepted = accepted.exclude(project__account__domain_id__in=domains)
    if "*" not in removed:
        accepted = accepted.filter(
            project__account__domain_id__in=[p.removeprefix("iam:domain::") for p in removed]
        )
    return accepted


def connections_losing_permission(service: EndpointService, permission_ids: Iterable) -> int:
    records = dict(service.permissions.values_list("pk", "principal"))
    removed = [records[pk] for pk in permission_ids if pk in records]
    return _losing_permission(service, removed, records.values()).count()


def update_permission_description(user, service_id, permission_id, description) -> Permission:
    """A whitelist record's description (update_endpoint_service_permission_desc)."""
    with transaction.atomic():
        service = _locked_service(user, service_id, APPROVE)
        refuse_cloud_whitelist(service)
        pk = parse_ids([str(permission_id)])
        record_ = service.permissions.filter(pk=pk[0]).first() if pk else None
        if record_ is None:
            raise Http404("No such whitelist record.")
        text = clean_description(description, MAX_PERMISSION_DESCRIPTION)
        before = record_.description
        if text != before:
            record_.description = text
            record_.save(update_fields=["description"])
            record(
                user,
                "permission.describe",
                service,
                before={"principal": record_.principal, "description": before},
                after={"principal": record_.principal, "description": text},
            )
    return record_


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
        create_ports(service, ports)
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
