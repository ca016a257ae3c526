"""VPCEP API v1 over the same operations as the console (T5). Every request is signed with an
access key of 我的凭证; the path's project must be one of the key owner's; errors are JSON in
the provider's shape, never an HTML page."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from console.quotas.limits import DEFAULT_LIMITS
from console.quotas.usage import usage_rows
from console.tenancy.models import Project
from console.tenancy.querysets import VIEW
from console.ui.forms import is_uuid
from endpoints.operations import connectable_services, find_service
from services.models import EndpointService, ServiceStatus

from . import serializers
from .auth import authenticate
from .errors import FORBIDDEN, INVALID, NOT_FOUND, ApiError, error_response

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
            if self.authenticated:
                request.user = authenticate(request).user
            if "project_id" in kwargs:
                self.project = self.key_owners_project(request, kwargs.pop("project_id"))
            return super().dispatch(request, *args, **kwargs)
        except ApiError as exc:
            return exc.response()
        except ValidationError as exc:
            return error_response(400, INVALID, "; ".join(_messages(exc)))
        except PermissionDenied as exc:
            return error_response(403, FORBIDDEN, str(exc) or "Your role does not allow this.")
        except Http404:
            return error_response(404, NOT_FOUND, "No such resource in this project.")
        except Exception:  # the contract: JSON whatever happens, and the details in the log
            log.exception("API error")
            return error_response(500, "VPCEP.0500", "Internal error; it has been logged.")

    def http_method_not_allowed(self, request, *args, **kwargs):
        return error_response(405, INVALID, f"{request.method} is not allowed here.")

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
                "The project in the path is not one of the access key owner's projects.",
            )
        return project


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {message}"
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return exc.messages


def int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(400, INVALID, f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def choice_param(request: HttpRequest, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.GET.get(name) or default
    if value not in choices:
        raise ApiError(400, INVALID, f"{name} must be one of {', '.join(choices)}.")
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


class QuotasView(ApiView):
    def get(self, request: HttpRequest):
        wanted = request.GET.get("type")
        if wanted and wanted not in DEFAULT_LIMITS:
            raise ApiError(400, INVALID, f"type must be one of {', '.join(DEFAULT_LIMITS)}.")
        rows = [r for r in usage_rows([self.project]) if not wanted or r["resource"] == wanted]
        resources = [{"type": r["resource"], "used": r["used"], "quota": r["limit"]} for r in rows]
        return JsonResponse({"quotas": {"resources": resources}})


SERVICE_DETAIL = ("project__account", "vpc", "load_balancer", "server")


def _service_queryset(request, project):
    return (
        EndpointService.objects.restrict(request.user, VIEW)
        .filter(project=project)
        .select_related(*SERVICE_DETAIL)
        .prefetch_related("ports", "tags")
        .annotate(connection_count=Count("endpoints"))
    )


class ServicesView(ApiView):
    """GET …/vpc-endpoint-services: the project's own services, filtered, sorted, paged."""

    def get(self, request: HttpRequest):
        queryset = _service_queryset(request, self.project)
        if name := request.GET.get("endpoint_service_name"):
            queryset = queryset.filter(service_name__icontains=name)
        if service_id := request.GET.get("id"):
            queryset = queryset.filter(pk=service_id) if is_uuid(service_id) else queryset.none()
        if status := request.GET.get("status"):
            if status not in ServiceStatus.values:
                raise ApiError(
                    400, INVALID, f"status must be one of {', '.join(ServiceStatus.values)}."
                )
            queryset = queryset.filter(status=status)
        key = choice_param(request, "sort_key", ("created_at", "updated_at"), "created_at")
        direction = choice_param(request, "sort_dir", ("asc", "desc"), "desc")
        limit = int_param(request, "limit", 10, 1, 1000)
        offset = int_param(request, "offset", 0, 0, 10**9)
        total = queryset.count()
        page = queryset.order_by(("-" if direction == "desc" else "") + key, "pk")[
            offset : offset + limit
        ]
        return JsonResponse(
            {"endpoint_services": [serializers.service(s) for s in page], "total_count": total}
        )


class ServiceView(ApiView):
    def get(self, request: HttpRequest, service_id: str):
        service = _service_queryset(request, self.project).filter(pk=service_id).first()
        if service is None:
            raise Http404
        return JsonResponse(serializers.service(service))


class PublicServicesView(ApiView):
    """GET …/vpc-endpoint-services/public: the region's cloud services."""

    def get(self, request: HttpRequest):
        limit = int_param(request, "limit", 10, 1, 1000)
        offset = int_param(request, "offset", 0, 0, 10**9)
        services = (
            connectable_services(request.user, self.project)
            .filter(is_system=True)
            .select_related("project__account")
            .order_by("service_name")
        )
        if name := request.GET.get("endpoint_service_name"):
            services = services.filter(service_name__icontains=name)
        total = services.count()
        page = services[offset : offset + limit]
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
            raise ApiError(400, INVALID, "Give endpoint_service_name or id.")
        if name:
            found = find_service(request.user, self.project, name)
        else:
            found = (
                connectable_services(request.user, self.project).filter(pk=service_id).first()
                if is_uuid(service_id)
                else None
            )
        if found is None:
            raise ApiError(404, NOT_FOUND, "Endpoint service not found.")
        return JsonResponse(serializers.described_service(found))


def home(request: HttpRequest):
    """GET /: the API's version list for API clients, the console for browsers."""
    accept = request.headers.get("Accept", "")
    if "X-Sdk-Date" in request.headers or (
        "application/json" in accept and "text/html" not in accept
    ):
        return VersionsView.as_view()(request)
    return redirect("endpoints:list")
