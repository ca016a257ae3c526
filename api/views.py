"""VPCEP API v1 over the same operations as the console (T5). Every request is signed with an
access key of 我的凭证; the path's project must be one of the key owner's; errors are JSON in
the provider's shape, never an HTML page."""

from __future__ import annotations

import json
import logging
import re

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    ValidationError,
)
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from console.quotas.limits import DEFAULT_LIMITS
from console.quotas.usage import usage_rows
from console.states import TransitionError
from console.tenancy.models import Project
from console.tenancy.querysets import APPROVE, VIEW
from console.ui.forms import is_uuid, parse_ids, refuse_json_constant
from console.ui.objects import get_object_for
from endpoints import operations as endpoint_ops
from endpoints.models import Endpoint
from endpoints.operations import cloud_services, connectable_services, find_service
from services import operations as service_ops
from services.models import BackendType, EndpointService, ServiceStatus, TcpProxy
from services.operations import Port

from . import bodies, serializers
from .auth import authenticate
from .errors import CONFLICT, FORBIDDEN, INVALID, NOT_FOUND, ApiError, error_response
from .openapi import DOCUMENT

log = logging.getLogger(__name__)

VERSION = {
    "id": "v1",
    "status": "CURRENT",
    "version": "",
    "min_version": "",
    "updated": "2026-11-27T00:00:00Z",
}


@method_decorator([csrf_exempt, login_not_required], name="dispatch")
class ApiView(View):
    """Authenticates, scopes to the path's project, and turns every refusal into JSON."""

    authenticated = True

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        try:
            query = request.META.get("QUERY_STRING", "")
            if "\x00" in query or "%00" in query or any("\x00" in str(v) for v in kwargs.values()):
                raise ApiError(400, INVALID, "NUL characters are not accepted.")
            if self.authenticated:
                request.user = authenticate(request).user
            if "project_id" in kwargs:
                self.project = self.key_owners_project(request, kwargs.pop("project_id"))
            return super().dispatch(request, *args, **kwargs)
        except ApiError as exc:
            return exc.response()
        except RequestDataTooBig:
            return error_response(413, INVALID, _("The request body is too large."))
        except TooManyFieldsSent:
            return error_response(400, INVALID, _("Too many query parameters (at most 1000)."))
        except SuspiciousOperation as exc:  # a 400, never a 500; logged as Django would
            logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)
            return error_response(400, INVALID, _("The request is malformed."))
        except TransitionError as exc:
            return error_response(409, CONFLICT, "; ".join(_messages(exc)))
        except ValidationError as exc:
            return error_response(400, INVALID, "; ".join(_messages(exc)))
        except PermissionDenied as exc:
            return error_response(403, FORBIDDEN, str(exc) or _("Your role does not allow this."))
        except Http404:
            return error_response(404, NOT_FOUND, _("No such resource in this project."))
        except Exception:  # the contract: JSON whatever happens, and the details in the log
            log.exception("API error")
            return error_response(500, "VPCEP.0500", _("Internal error; it has been logged."))

    def http_method_not_allowed(self, request, *args, **kwargs):
        return error_response(
            405, INVALID, _("%(method)s is not allowed here.") % {"method": request.method}
        )

    def options(self, request, *args, **kwargs):
        """The methods in Allow, and a JSON body like every other answer."""
        response = JsonResponse({"methods": self._allowed_methods()})
        response.headers["Allow"] = ", ".join(self._allowed_methods())
        return response

    @staticmethod
    def key_owners_project(request: HttpRequest, project_id: str) -> Project:
        project = (
            Project.objects.restrict(request.user, VIEW)
            .filter(project_id=project_id, account_id=request.user.account_id)
            .select_related("region", "account")
            .first()
        )
        if project is None:
            raise ApiError(
                403,
                FORBIDDEN,
                _("The project in the path is not one of the access key owner's projects."),
            )
        return project


# The operations' field names, as the API's requests spell them.
API_FIELDS = {
    "vpc": "vpc_id",
    "backend": "port_id",
    "backend_type": "server_type",
    "name": "service_name",
    "service": "endpoint_service_id",
    "subnet": "subnet_id",
    "route_tables": "routetables",
    "principals": "permissions",
    "terminal_port": "client_port",
    "service_port": "server_port",
}


def api_field(key: str) -> str:
    """ports.2.terminal_port -> ports[2].client_port; vpc -> vpc_id."""
    parts = key.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        return (
            f"{API_FIELDS.get(parts[0], parts[0])}[{parts[1]}].{API_FIELDS.get(parts[2], parts[2])}"
        )
    return API_FIELDS.get(key, key)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            message if field == "__all__" else f"{api_field(field)}: {message}"
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return exc.messages


NUMBER = re.compile(r"[0-9]{1,10}")


def _whole_number(field: str, low: int, high: int) -> str:
    return _("%(field)s must be a whole number from %(low)s to %(high)s.") % {
        "field": field,
        "low": low,
        "high": high,
    }


def _one_of(field: str, choices) -> str:
    return _("%(field)s must be one of %(choices)s.") % {
        "field": field,
        "choices": ", ".join(choices),
    }


def int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    if not NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
        raise ApiError(400, INVALID, _whole_number(name, low, high))
    return int(raw)


def sort_key(request: HttpRequest, allowed: tuple[str, ...] = ("created_at", "updated_at")) -> str:
    """The SDK documents create_at/update_at; the fields are created_at/updated_at: both do."""
    value = request.GET.get("sort_key") or "created_at"
    value = {"create_at": "created_at", "update_at": "updated_at"}.get(value, value)
    if value not in allowed:
        raise ApiError(400, INVALID, _one_of("sort_key", allowed))
    return value


def paged(
    request: HttpRequest, queryset, sort_keys=("created_at", "updated_at")
) -> tuple[int, list]:
    """The total and the asked-for page: sort_key, sort_dir, limit, offset as the SDK sends them."""
    key = sort_key(request, sort_keys)
    direction = choice_param(request, "sort_dir", ("asc", "desc"), "desc")
    limit = int_param(request, "limit", 10, 0, 1000)
    offset = int_param(request, "offset", 0, 0, 10**9)
    ordered = queryset.order_by(("-" if direction == "desc" else "") + key, "pk")
    return queryset.count(), list(ordered[offset : offset + limit])


def choice_param(request: HttpRequest, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.GET.get(name) or default
    if value not in choices:
        raise ApiError(400, INVALID, _one_of(name, choices))
    return value


class VersionsView(ApiView):
    """GET / and GET /v1: the API versions (no signature needed)."""

    authenticated = False

    def get(self, request: HttpRequest, version: str | None = None):
        link = {"href": request.build_absolute_uri(reverse("api:version")), "rel": "self"}
        body = {**VERSION, "links": [link]}
        if version is None:
            return JsonResponse({"versions": [body]})
        if version != "v1":
            raise Http404
        return JsonResponse({"version": body})


class OpenApiView(ApiView):
    """GET /v1/openapi.json: the document (no signature needed)."""

    authenticated = False

    def get(self, request: HttpRequest):
        return JsonResponse(DOCUMENT, json_dumps_params={"ensure_ascii": False})


class QuotasView(ApiView):
    def get(self, request: HttpRequest):
        wanted = request.GET.get("type")
        if wanted and wanted not in DEFAULT_LIMITS:
            raise ApiError(400, INVALID, _one_of("type", DEFAULT_LIMITS))
        rows = [r for r in usage_rows([self.project]) if not wanted or r["resource"] == wanted]
        resources = [{"type": r["resource"], "used": r["used"], "quota": r["limit"]} for r in rows]
        return JsonResponse({"quotas": {"resources": resources}})


# --- writing: the same operations as the console -----------------------------------------------


def json_body(request: HttpRequest, schema: str) -> dict:
    """The request's JSON object, every field of the JSON type the OpenAPI schema gives it."""
    try:
        data = json.loads(request.body or b"{}", parse_constant=refuse_json_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, INVALID, _("The request body is not JSON.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, INVALID, _("The request body must be a JSON object."))
    if b"\\u0000" in request.body or b"\x00" in request.body:  # PostgreSQL text cannot hold NUL
        raise ApiError(400, INVALID, _("NUL characters are not accepted."))
    bodies.check_text(request.body, data)
    bodies.check(data, schema)
    return data


def uuid_or_none(data: dict, name: str) -> str | None:
    """An ID field: the operations name it when it is missing or no ID (vpc_id: required)."""
    value = data.get(name)
    return value if is_uuid(value) else None


def tag_pairs(data: dict) -> list[tuple[str, str]]:
    return [(tag.get("key", ""), tag.get("value", "")) for tag in data.get("tags", [])]


def _port_number(value: int | float | None, field: str) -> int:
    if value is None:  # the type is checked already; 1.0 is an integer too
        raise ApiError(400, INVALID, _whole_number(field, 1, 65535))
    return int(value)


def service_ports(data: dict) -> list[Port]:
    return [
        Port(
            port.get("protocol", "TCP"),  # "TCP" or "UDP" as sent: "" or "udp" is refused
            _port_number(port.get("server_port"), f"ports[{row}].server_port"),
            _port_number(port.get("client_port"), f"ports[{row}].client_port"),
        )
        for row, port in enumerate(data.get("ports", []))
    ]


def _reloaded_service(request, project, service_id) -> dict:
    return _serialized_services([_service_queryset(request, project).get(pk=service_id)])[0]


def _serialized_services(services: list[EndpointService]) -> list[dict]:
    """The services as the API shows them, their connections counted in one query for these
    rows only: never for a whole project before its page is taken (issue 13)."""
    counts = dict(
        Endpoint.objects.filter(service__in=[s.pk for s in services])
        .values_list("service")
        .annotate(n=Count("*"))
        .values_list("service", "n")
    )
    for service in services:
        service.connection_count = counts.get(service.pk, 0)
    return [serializers.service(s) for s in services]


class ServiceCreateMixin:
    def post(self, request: HttpRequest):
        data = json_body(request, "CreateService")
        if data.get("service_type", "interface") != "interface":
            raise ApiError(
                400,
                INVALID,
                _(
                    "service_type: only interface services can be created; gateway services "
                    "are the platform's."
                ),
            )
        server_type = data.get("server_type")
        if server_type not in BackendType.values:
            raise ApiError(
                400, INVALID, _("server_type must be LB (load balancer) or VM (server).")
            )
        service = service_ops.create_service(
            request.user,
            self.project,
            vpc_id=uuid_or_none(data, "vpc_id"),
            backend_type=server_type,
            backend_id=uuid_or_none(data, "port_id"),
            ports=service_ports(data),
            name=data.get("service_name", ""),
            approval_enabled=data.get("approval_enabled", True),  # the provider's default
            tags=tag_pairs(data),
            description=data.get("description", ""),
            tcp_proxy=data.get("tcp_proxy", TcpProxy.CLOSE),
        )
        return JsonResponse(_reloaded_service(request, self.project, service.pk))


class ServiceChangeMixin:
    # PUT (update_endpoint_service): api/service_changes.py

    def delete(self, request: HttpRequest, service_id: str):
        own_service(request, self.project, service_id)
        service_ops.delete_service(request.user, service_id)
        return HttpResponse(status=204)


def own_service(request, project, service_id) -> EndpointService:
    """The path's service of the path's project, as this user may see it (404 otherwise): the
    operation then checks the role and locks it."""
    service = (
        _service_queryset(request, project).filter(pk=service_id).first()
        if is_uuid(service_id)
        else None
    )
    if service is None:
        raise Http404
    return service


SERVICE_DETAIL = ("project__account", "vpc", "load_balancer", "server")


def _service_queryset(request, project):
    return (
        EndpointService.objects.restrict(request.user, VIEW)
        .filter(project=project)
        .select_related(*SERVICE_DETAIL)
        .prefetch_related("ports", "tags")
    )


class ServicesView(ServiceCreateMixin, ApiView):
    """GET …/vpc-endpoint-services: the project's own services, filtered, sorted, paged."""

    def get(self, request: HttpRequest):
        queryset = _service_queryset(request, self.project)
        if name := request.GET.get("endpoint_service_name"):
            queryset = queryset.filter(service_name__icontains=name)
        if service_id := request.GET.get("id"):
            queryset = queryset.filter(pk=service_id) if is_uuid(service_id) else queryset.none()
        if status := request.GET.get("status"):
            if status not in ServiceStatus.values:
                raise ApiError(400, INVALID, _one_of("status", ServiceStatus.values))
            queryset = queryset.filter(status=status)
        total, page = paged(request, queryset)
        return JsonResponse({"endpoint_services": _serialized_services(page), "total_count": total})


class ServiceView(ServiceChangeMixin, ApiView):
    def get(self, request: HttpRequest, service_id: str):
        service = (
            _service_queryset(request, self.project).filter(pk=service_id).first()
            if is_uuid(service_id)
            else None
        )
        if service is None:
            raise Http404
        return JsonResponse(_serialized_services([service])[0])


class PublicServicesView(ApiView):
    """GET …/vpc-endpoint-services/public: the region's cloud services."""

    def get(self, request: HttpRequest):
        services = cloud_services(request.user, self.project).select_related("project__account")
        if name := request.GET.get("endpoint_service_name"):
            services = services.filter(service_name__icontains=name)
        if service_id := request.GET.get("id"):
            services = services.filter(pk=service_id) if is_uuid(service_id) else services.none()
        total, page = paged(request, services)
        return JsonResponse(
            {
                "endpoint_services": [serializers.public_service(s) for s in page],
                "total_count": total,
            }
        )


class DescribeServiceView(ApiView):
    """GET …/vpc-endpoint-services/describe: 验证. Missing and not whitelisted look alike."""

    def get(self, request: HttpRequest):
        name = request.GET.get("endpoint_service_name", "")
        service_id = request.GET.get("id", "")
        if not name and not service_id:
            raise ApiError(400, INVALID, _("Give endpoint_service_name or id."))
        if name:
            found = find_service(request.user, self.project, name)
        else:
            found = (
                connectable_services(request.user, self.project).filter(pk=service_id).first()
                if is_uuid(service_id)
                else None
            )
        if found is None:
            raise ApiError(404, NOT_FOUND, _("Endpoint service not found."))
        return JsonResponse(serializers.described_service(found))


def home(request: HttpRequest):
    """GET /: the API's version list for API clients, the console for browsers."""
    accept = request.headers.get("Accept", "")
    if "X-Sdk-Date" in request.headers or (
        "application/json" in accept and "text/html" not in accept
    ):
        return VersionsView.as_view()(request)
    return redirect("endpoints:list")


def _decidable_service(request, project, service_id) -> EndpointService:
    """The project's service, for its approvers: 404 elsewhere, 403 without the role."""
    if not is_uuid(service_id):
        raise Http404
    return get_object_for(
        request.user, EndpointService.objects.filter(project=project), APPROVE, pk=service_id
    )


class ConnectionsView(ApiView):
    def get(self, request: HttpRequest, service_id: str):
        service = _decidable_service(request, self.project, service_id)
        queryset = (
            Endpoint.objects.restrict(request.user, APPROVE)
            .filter(service=service)
            .select_related("project__account")
        )
        if endpoint_id := request.GET.get("id"):
            queryset = queryset.filter(pk=endpoint_id) if is_uuid(endpoint_id) else queryset.none()
        if marker := request.GET.get("marker_id"):
            queryset = (
                queryset.filter(packet_id=marker) if NUMBER.fullmatch(marker) else queryset.none()
            )
        if status := request.GET.get("status"):
            queryset = queryset.filter(status=status)
        total, page = paged(request, queryset)
        return JsonResponse(
            {"connections": [serializers.connection(e) for e in page], "total_count": total}
        )


class ConnectionsActionView(ApiView):
    """receive (接受) or reject (拒绝) connections."""

    def post(self, request: HttpRequest, service_id: str):
        data = json_body(request, "ConnectionsAction")
        decision = {"receive": "accept", "reject": "reject"}.get(data.get("action"))
        if decision is None:
            raise ApiError(400, INVALID, _("action must be receive or reject."))
        ids = [i for i in data.get("endpoints", []) if is_uuid(i)]
        if len(ids) != len(data.get("endpoints", [])):
            raise ApiError(400, INVALID, _("endpoints must be a list of endpoint IDs."))
        service = _decidable_service(request, self.project, service_id)
        service_ops.decide_connections(
            request.user, service.pk, ids, decision, data.get("comment", "")
        )
        endpoints = (
            Endpoint.objects.restrict(request.user, APPROVE)
            .filter(service=service, pk__in=ids)
            .select_related("project__account")
        )
        return JsonResponse({"connections": [serializers.connection(e) for e in endpoints]})


class PermissionsView(ApiView):
    def get(self, request: HttpRequest, service_id: str):
        service = self.visible(request, service_id)
        records = service.permissions.all()
        if principal := request.GET.get("permission"):
            records = records.filter(principal__icontains=principal)
        total, page = paged(request, records, ("created_at",))
        return JsonResponse(
            {"permissions": [serializers.permission(p) for p in page], "total_count": total}
        )

    def visible(self, request, service_id) -> EndpointService:
        service = (
            _service_queryset(request, self.project).filter(pk=service_id).first()
            if is_uuid(service_id)
            else None
        )
        if service is None:
            raise Http404
        return service


class PermissionsActionView(PermissionsView):
    """add or remove whitelist records by principal."""

    def get(self, request, service_id):
        return self.http_method_not_allowed(request)

    def post(self, request: HttpRequest, service_id: str):
        data = json_body(request, "PermissionsAction")
        principals = data.get("permissions", [])
        service = self.visible(request, service_id)
        if data.get("action") == "add":
            service_ops.add_permissions(request.user, service.pk, principals)
        elif data.get("action") == "remove":
            if len(principals) > service_ops.MAX_PRINCIPALS:  # as add: at most 50 at once
                raise ApiError(
                    400,
                    INVALID,
                    _("permissions: at most %(max)d in one operation; %(count)d were sent.")
                    % {"max": service_ops.MAX_PRINCIPALS, "count": len(principals)},
                )
            if twice := next((p for n, p in enumerate(principals) if p in principals[:n]), None):
                raise ApiError(
                    400,
                    INVALID,
                    _("permissions: %(principal)s is listed twice.") % {"principal": twice},
                )
            ids = dict(service.permissions.values_list("principal", "pk"))
            unknown = [p for p in principals if p not in ids]
            if unknown:
                raise ApiError(
                    400,
                    INVALID,
                    _("permissions: %(principals)s is not on the whitelist.")
                    % {"principals": ", ".join(unknown)},
                )
            service_ops.remove_permissions(request.user, service.pk, [ids[p] for p in principals])
        else:
            raise ApiError(400, INVALID, _("action must be add or remove."))
        return JsonResponse({"permissions": principals, "permission_type": "domainId"})


class PermissionsBatchCreateView(PermissionsActionView):
    def post(self, request: HttpRequest, service_id: str):
        data = json_body(request, "AddPermissions")
        service = self.visible(request, service_id)
        entries = data.get("permissions", [])
        added = service_ops.add_permissions(
            request.user,
            service.pk,
            [e.get("permission", "") for e in entries],
            [e.get("description", "") for e in entries],
        )
        return JsonResponse({"permissions": [serializers.permission(p) for p in added]})


class PermissionsBatchDeleteView(PermissionsActionView):
    def post(self, request: HttpRequest, service_id: str):
        data = json_body(request, "RemovePermissions")
        entries = data.get("permissions", [])
        ids = parse_ids([e.get("id", "") for e in entries])
        if len(ids) != len(entries) or not ids:
            raise ApiError(400, INVALID, _("permissions must be a list of {id} objects."))
        service = self.visible(request, service_id)
        service_ops.remove_permissions(request.user, service.pk, ids)
        return JsonResponse({})


def _endpoint_queryset(request, project):
    return (
        Endpoint.objects.restrict(request.user, VIEW)
        .filter(project=project)
        .select_related("service", "project")
        .prefetch_related("tags", "route_tables")
    )


class EndpointsView(ApiView):
    def get(self, request: HttpRequest):
        queryset = _endpoint_queryset(request, self.project)
        if name := request.GET.get("endpoint_service_name"):
            queryset = queryset.filter(service__service_name__icontains=name)
        if vpc_id := request.GET.get("vpc_id"):
            queryset = queryset.filter(vpc_id=vpc_id) if is_uuid(vpc_id) else queryset.none()
        if endpoint_id := request.GET.get("id"):
            queryset = queryset.filter(pk=endpoint_id) if is_uuid(endpoint_id) else queryset.none()
        total, page = paged(request, queryset)
        return JsonResponse(
            {"endpoints": [serializers.endpoint(e) for e in page], "total_count": total}
        )

    def post(self, request: HttpRequest):
        data = json_body(request, "CreateEndpoint")
        endpoint = endpoint_ops.create_endpoint(
            request.user,
            self.project,
            service_id=uuid_or_none(data, "endpoint_service_id"),
            vpc_id=uuid_or_none(data, "vpc_id"),
            subnet_id=uuid_or_none(data, "subnet_id"),
            route_table_ids=data.get("routetables", []),
            private_dns=data.get("enable_dns", False),
            tags=tag_pairs(data),
            description=data.get("description", ""),
            whitelist=data.get("whitelist", []),
            enable_whitelist=data.get("enable_whitelist", False),
            policy_statement=data.get("policy_statement") or None,
        )
        return JsonResponse(
            serializers.endpoint(_endpoint_queryset(request, self.project).get(pk=endpoint.pk))
        )


class EndpointView(ApiView):
    def get(self, request: HttpRequest, endpoint_id: str):
        endpoint = (
            _endpoint_queryset(request, self.project).filter(pk=endpoint_id).first()
            if is_uuid(endpoint_id)
            else None
        )
        if endpoint is None:
            raise Http404
        return JsonResponse(serializers.endpoint(endpoint))

    def delete(self, request: HttpRequest, endpoint_id: str):
        if (
            not is_uuid(endpoint_id)
            or not _endpoint_queryset(request, self.project).filter(pk=endpoint_id).exists()
        ):
            raise Http404
        endpoint_ops.delete_endpoint(request.user, endpoint_id)
        return HttpResponse(status=204)


@method_decorator([csrf_exempt, login_not_required], name="dispatch")
class NotFoundView(View):
    """Any other path under /v1, /v2, ...: a JSON 404 whatever the method, never Django's HTML
    page; a trailing slash on a real path is named."""

    def dispatch(self, request, *args, **kwargs):
        path = request.path_info
        if path.endswith("/") and _is_api_path(path.rstrip("/")):
            message = _("No such API path: %(path)s has no trailing slash.") % {
                "path": path.rstrip("/")
            }
        else:
            message = _("No such API path (see /v1/openapi.json).")
        return error_response(404, NOT_FOUND, message)


def _is_api_path(path: str) -> bool:
    try:
        match = resolve(path or "/")
    except Resolver404:
        return False
    return match.namespace == "api" and match.url_name != "not_found"
