"""Changing an endpoint over the API (issue 10): access control and description, route tables,
the gateway policy, and the v2 upgrade. The same operations as 修改 and 策略 on the pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from console.tenancy.querysets import CHANGE
from console.ui.forms import is_uuid
from console.ui.objects import get_object_for
from endpoints import operations as endpoint_ops
from endpoints.models import Endpoint

from . import serializers
from .errors import INVALID, ApiError
from .views import ApiView, EndpointView, _endpoint_queryset, json_body


class EndpointChangeMixin:
    """The path's endpoint of the path's project (404 otherwise), and its answer afterwards."""

    def check_endpoint(self, request: HttpRequest, endpoint_id: str) -> None:
        if (
            not is_uuid(endpoint_id)
            or not _endpoint_queryset(request, self.project).filter(pk=endpoint_id).exists()
        ):
            raise Http404

    def reloaded(self, request: HttpRequest, endpoint_id: str) -> dict:
        return serializers.endpoint(_endpoint_queryset(request, self.project).get(pk=endpoint_id))


class EndpointWithChangesView(EndpointChangeMixin, EndpointView):
    """…/vpc-endpoints/{id}: GET and DELETE as before; PUT (update_endpoint_white) sets the
    access-control whitelist and its switch, and the description."""

    def put(self, request: HttpRequest, endpoint_id: str):
        data = json_body(request, "UpdateEndpoint")
        self.check_endpoint(request, endpoint_id)
        changes = {
            name: data[name]
            for name in ("whitelist", "enable_whitelist", "description")
            if name in data
        }
        endpoint_ops.update_endpoint(request.user, endpoint_id, **changes)
        return JsonResponse(self.reloaded(request, endpoint_id))


class RouteTablesView(EndpointChangeMixin, ApiView):
    """PUT …/vpc-endpoints/{id}/routetables (update_endpoint_routetable): the gateway endpoint's
    route tables become these; the service's route follows."""

    def put(self, request: HttpRequest, endpoint_id: str):
        data = json_body(request, "UpdateEndpointRoutetables")
        self.check_endpoint(request, endpoint_id)
        endpoint = endpoint_ops.update_endpoint(
            request.user, endpoint_id, route_table_ids=data.get("routetables", [])
        )
        tables = sorted(str(pk) for pk in endpoint.route_tables.values_list("pk", flat=True))
        return JsonResponse({"routetables": tables, "error": []})


class PolicyView(EndpointChangeMixin, ApiView):
    """PUT / DELETE …/vpc-endpoints/{id}/policy: a gateway endpoint's policy_statement."""

    def put(self, request: HttpRequest, endpoint_id: str):
        data = json_body(request, "UpdateEndpointPolicy")
        self.check_endpoint(request, endpoint_id)
        if "policy_statement" not in data:
            raise ApiError(400, INVALID, _("policy_statement is required."))
        endpoint_ops.set_endpoint_policy(request.user, endpoint_id, data["policy_statement"])
        return JsonResponse(self.reloaded(request, endpoint_id))

    def delete(self, request: HttpRequest, endpoint_id: str):
        self.check_endpoint(request, endpoint_id)
        endpoint_ops.set_endpoint_policy(request.user, endpoint_id, None)
        return JsonResponse(self.reloaded(request, endpoint_id))


class UpgradeView(EndpointChangeMixin, ApiView):
    """POST /v2/…/vpc-endpoints/{id}/upgrade: this console has one generation of endpoints, so
    every endpoint is current already. The provider answers 202 with no fields; the body adds
    the endpoint's ID and says so. Nothing changes, so nothing is recorded."""

    def post(self, request: HttpRequest, endpoint_id: str):
        data = json_body(request, "UpgradeEndpoint")
        if data.get("action", "start") != "start":
            raise ApiError(400, INVALID, _("action must be start."))
        self.check_endpoint(request, endpoint_id)
        endpoint = get_object_for(
            request.user, Endpoint.objects.filter(project=self.project), CHANGE, pk=endpoint_id
        )
        message = _("Endpoint %(id)s is current already: there is nothing to upgrade.") % {
            "id": endpoint.pk
        }
        return JsonResponse(
            {"id": str(endpoint.pk), "upgraded": False, "message": message}, status=202
        )
