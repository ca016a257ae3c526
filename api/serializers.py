"""JSON shapes of VPCEP API v1, as the official SDK's models spell them."""

from __future__ import annotations

from datetime import UTC, datetime

from services.models import EndpointService


def timestamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def ports(service: EndpointService) -> list[dict]:
    return [
        {"client_port": p.terminal_port, "server_port": p.service_port, "protocol": p.protocol}
        for p in service.ports.all()
    ]


def tags(obj) -> list[dict]:
    return [{"key": t.key, "value": t.value} for t in obj.tags.all()]


def service(obj: EndpointService) -> dict:
    """ServiceList / the create and show responses."""
    backend = obj.backend
    return {
        "id": str(obj.pk),
        "port_id": str(backend.pk) if backend else None,
        "service_name": obj.service_name,
        "server_type": obj.backend_type or None,
        "vpc_id": str(obj.vpc_id) if obj.vpc_id else None,
        "approval_enabled": obj.approval_enabled,
        "status": obj.status,
        "service_type": obj.service_type,
        "created_at": timestamp(obj.created_at),
        "updated_at": timestamp(obj.updated_at),
        "project_id": obj.project.project_id,
        "domain_id": obj.project.account.domain_id,
        "ports": ports(obj),
        "ip": backend.ip_address if backend else None,
        "tags": tags(obj),
        "connection_count": getattr(obj, "connection_count", None),
        "tcp_proxy": obj.tcp_proxy,
        "description": obj.description,
    }


def public_service(obj: EndpointService) -> dict:
    """EndpointService of …/public: a cloud service anyone may connect to."""
    return {
        "id": str(obj.pk),
        "owner": obj.project.account.name,
        "service_name": obj.service_name,
        "service_type": obj.service_type,
        "created_at": timestamp(obj.created_at),
        "is_charge": False,
    }


def described_service(obj: EndpointService) -> dict:
    """ListServiceDescribeDetailsResponse: what 验证 answers when the service is found."""
    return {
        "id": str(obj.pk),
        "service_name": obj.service_name,
        "service_type": obj.service_type,
        "created_at": timestamp(obj.created_at),
        "is_charge": False,
    }


def connection(endpoint) -> dict:
    """ConnectionEndpoints: an endpoint as its service's owner sees it."""
    return {
        "id": str(endpoint.pk),
        "marker_id": endpoint.packet_id,
        "created_at": timestamp(endpoint.created_at),
        "updated_at": timestamp(endpoint.updated_at),
        "domain_id": endpoint.project.account.domain_id,
        "status": endpoint.status,
        "description": endpoint.connection_description,
    }


def permission(record) -> dict:
    return {
        "id": str(record.pk),
        "permission": record.principal,
        "permission_type": "domainId",
        "description": record.description,
        "created_at": timestamp(record.created_at),
    }


def endpoint(obj) -> dict:
    """EndpointResponseBody / the create response."""
    return {
        "id": str(obj.pk),
        "service_type": obj.service.service_type,
        "status": obj.status,
        "active_status": ["active"],
        "endpoint_service_name": obj.service.service_name,
        "marker_id": obj.packet_id,
        "endpoint_service_id": str(obj.service_id),
        "enable_dns": obj.private_dns,
        "dns_names": [obj.domain_name] if obj.domain_name else [],
        "ip": obj.node_ip,
        "vpc_id": str(obj.vpc_id),
        "subnet_id": str(obj.subnet_id) if obj.subnet_id else None,
        "created_at": timestamp(obj.created_at),
        "updated_at": timestamp(obj.updated_at),
        "project_id": obj.project.project_id,
        "tags": tags(obj),
        "whitelist": list(obj.whitelist),
        "enable_whitelist": obj.enable_whitelist,
        "routetables": [str(t.pk) for t in obj.route_tables.all()],
        "description": obj.description,
        "policy_statement": obj.policy_statement or [],
        "decision_comment": obj.decision_comment,  # 审批意见 (issue 11): the SDK ignores it
        "error": [{"error_code": "VPCEP.0500", "error_message": obj.error}] if obj.error else [],
    }
