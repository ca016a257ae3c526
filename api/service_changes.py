"""Changing an endpoint service over the API (issue 10): update_endpoint_service (PUT on the
service), update_endpoint_service_name, update_endpoint_connections_desc,
update_endpoint_service_permission_desc, and the v2 calls add_endpoint_service_server_resource
and upgrade_endpoint_service. The same operations as 修改, 连接管理 and 权限管理 on the pages."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from console.tenancy.querysets import CHANGE
from console.ui.forms import is_uuid
from console.ui.objects import get_object_for
from endpoints.models import Endpoint
from services import operations as service_ops
from services.models import EndpointService

from . import serializers
from .errors import INVALID, ApiError
from .views import (
    ApiView,
    ServiceView,
    _decidable_service,
    _reloaded_service,
    json_body,
    own_service,
    service_ports,
)

# The API's fields of update_endpoint_service -> update_service's changes.
UPDATE_FIELDS = {
    "approval_enabled": "approval_enabled",
    "description": "description",
    "tcp_proxy": "tcp_proxy",
    "service_name": "name",
    "port_id": "backend_id",
    "server_type": "backend_type",
}


class ServiceWithChangesView(ServiceView):
    """…/vpc-endpoint-services/{id}: GET and DELETE as before; PUT (update_endpoint_service)
    changes any of approval_enabled, description, tcp_proxy, service_name (the name part),
    port_id (another ELB or ECS of the service's VPC; server_type optional) and ports (all of
    them from now on). Only the fields sent change."""

    def put(self, request: HttpRequest, service_id: str):
        data = json_body(request, "UpdateService")
        own_service(request, self.project, service_id)
        changes = {change: data[field] for field, change in UPDATE_FIELDS.items() if field in data}
        if "ports" in data:
            changes["ports"] = service_ports(data)
        service_ops.update_service(request.user, service_id, **changes)
        return JsonResponse(_reloaded_service(request, self.project, service_id))


class ServiceNameView(ApiView):
    """PUT …/{id}/name (update_endpoint_service_name): the name part of {region}.{name}.{id}.
    The answer is the new full name; 验证 by the old one no longer finds the service."""

    def put(self, request: HttpRequest, service_id: str):
        data = json_body(request, "UpdateServiceName")
        if "endpoint_service_name" not in data:
            raise ApiError(400, INVALID, _("endpoint_service_name is required."))
        own_service(request, self.project, service_id)
        try:
            service = service_ops.rename_service(
                request.user, service_id, data["endpoint_service_name"]
            )
        except ValidationError as exc:  # the name's problem, under the field the request named
            if not hasattr(exc, "error_dict") or "name" not in exc.error_dict:
                raise
            message = " ".join(exc.message_dict["name"])
            raise ApiError(400, INVALID, f"endpoint_service_name: {message}") from None
        return JsonResponse({"endpoint_service_name": service.service_name})


class ConnectionsDescriptionView(ApiView):
    """PUT …/{id}/connections/description (update_endpoint_connections_desc): the provider's
    note on each listed connection; approvers and administrators."""

    def put(self, request: HttpRequest, service_id: str):
        data = json_body(request, "ConnectionsDescription")
        entries = data.get("connections", [])
        if not entries or not all(is_uuid(e.get("id")) for e in entries):
            raise ApiError(400, INVALID, _("connections must be a list of {id, description}."))
        seen = set()
        for row, entry in enumerate(entries):
            if "description" not in entry:  # left out, it used to wipe the note
                raise ApiError(
                    400, INVALID, _("connections[%(row)d].description is required.") % {"row": row}
                )
            connection = str(uuid.UUID(entry["id"]))  # one spelling of each ID
            if connection in seen:
                raise ApiError(
                    400,
                    INVALID,
                    _("connections[%(row)d].id: the same connection is listed twice.")
                    % {"row": row},
                )
            seen.add(connection)
        service = _decidable_service(request, self.project, service_id)
        endpoints = service_ops.describe_connections(
            request.user, service.pk, {e["id"]: e.get("description", "") for e in entries}
        )
        rows = Endpoint.objects.filter(pk__in=[e.pk for e in endpoints]).select_related(
            "project__account"
        )
        return JsonResponse({"connections": [serializers.connection(e) for e in rows]})


class PermissionDescriptionView(ApiView):
    """PUT …/{id}/permissions/{permission_id} (update_endpoint_service_permission_desc)."""

    def put(self, request: HttpRequest, service_id: str, permission_id: str):
        data = json_body(request, "PermissionDescription")
        if "description" not in data.get("permission", {}):
            raise ApiError(400, INVALID, _("permission.description is required."))
        service = own_service(request, self.project, service_id)
        record = service_ops.update_permission_description(
            request.user, service.pk, permission_id, data["permission"]["description"]
        )
        return JsonResponse({"permissions": [serializers.permission(record)]})


class ServerResourcesView(ApiView):
    """POST /v2/…/{id}/add-server-resources (add_endpoint_service_server_resource): the
    availability zones of the service's region, as the inventory knows them, that its backend
    serves from; others are refused. The provider answers with no fields."""

    def post(self, request: HttpRequest, service_id: str):
        data = json_body(request, "ServerResources")
        service = own_service(request, self.project, service_id)
        resources = [
            (entry.get("resource_id", ""), entry.get("availability_zone_id", ""))
            for entry in data.get("server_resources", [])
        ]
        service_ops.add_server_resources(request.user, service.pk, resources)
        return JsonResponse({})


class ServiceUpgradeView(ApiView):
    """POST /v2/…/{id}/upgrade (upgrade_endpoint_service): this console has one generation of
    services, so every service is current already. The provider answers with no fields; the
    body adds the service's ID and says so. Nothing changes, so nothing is recorded."""

    def post(self, request: HttpRequest, service_id: str):
        own_service(request, self.project, service_id)
        service = get_object_for(
            request.user,
            EndpointService.objects.filter(project=self.project),
            CHANGE,
            pk=service_id,
        )
        message = _("Endpoint service %(name)s is current already: there is nothing to upgrade.")
        return JsonResponse(
            {
                "id": str(service.pk),
                "upgraded": False,
                "message": message % {"name": service.service_name},
            },
            status=202,
        )
