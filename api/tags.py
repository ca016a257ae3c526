"""Tags through the API (VPCEP v1), for both resource types (endpoint_service, endpoint):
resources by tag (list_resource_instances: filter and count), the project's tags
(list_query_project_resource_tags) and tags added or removed in batch
(batch_add_or_remove_resource_instance), the last through the 标签 tab's own operations."""

from __future__ import annotations

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from console.tags.filters import has_tag
from console.tags.operations import batch_tags
from console.tenancy.querysets import VIEW
from console.ui.forms import is_uuid
from endpoints.models import Endpoint
from services.models import EndpointService

from .errors import INVALID, ApiError
from .views import ApiView, json_body, tag_pairs

MODELS: dict[str, type[models.Model]] = {
    "endpoint_service": EndpointService,
    "endpoint": Endpoint,
}
# The provider's limits on a tag query: 10 keys, 10 values a key, 128 and 255 characters.
MAX_KEYS, MAX_VALUES, KEY_LENGTH, VALUE_LENGTH = 10, 10, 128, 255
TAG_QUERIES = ("tags", "tags_any", "not_tags", "not_tags_any")


def project_resources(request: HttpRequest, project, resource_type: str) -> models.QuerySet:
    """The project's resources of that type the key's owner may see."""
    return MODELS[resource_type].objects.restrict(request.user, VIEW).filter(project=project)


def resource_name(obj) -> str:
    """A service's name; an endpoint has none, so its ID (as the provider answers)."""
    return getattr(obj, "service_name", None) or str(obj.pk)


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(400, INVALID, f"{field}: {message}")


def _tag_entries(data: dict, field: str) -> list[tuple[str, list[str]]]:
    """[{key, values}] -> [(key, values)], the provider's rules checked, errors naming the entry."""
    entries = data.get(field, [])
    if len(entries) > MAX_KEYS:
        raise _invalid(field, _("at most %(max)s keys.") % {"max": MAX_KEYS})
    parsed, keys = [], set()
    for row, entry in enumerate(entries):
        name = f"{field}[{row}]"
        if "key" not in entry or "values" not in entry:
            raise _invalid(name, _("key and values are required (values may be [])."))
        key = entry["key"].strip()
        values = [value.strip() for value in entry["values"]]
        if not key or len(key) > KEY_LENGTH:
            raise _invalid(f"{name}.key", _("1 to %(max)s characters.") % {"max": KEY_LENGTH})
        if key in keys:
            raise _invalid(f"{name}.key", _("the key %(key)s is given twice.") % {"key": key})
        if len(values) > MAX_VALUES or len(set(values)) != len(values):
            raise _invalid(
                f"{name}.values", _("at most %(max)s values, none twice.") % {"max": MAX_VALUES}
            )
        if any(len(value) > VALUE_LENGTH for value in values):
            raise _invalid(
                f"{name}.values",
                _("a value is at most %(max)s characters.") % {"max": VALUE_LENGTH},
            )
        keys.add(key)
        parsed.append((key, values))
    return parsed


def tag_condition(model, data: dict) -> models.Q:
    """tags: every key (with one of its values, or any value for []); tags_any: one of them;
    not_tags: not every one; not_tags_any: none of them; without_any_tag: no tag at all."""
    if data.get("without_any_tag"):
        return ~models.Q(has_tag(model))
    condition = models.Q()
    for field in TAG_QUERIES:
        terms = [models.Q(has_tag(model, key, values)) for key, values in _tag_entries(data, field)]
        if not terms:
            continue
        joined = terms[0]
        for term in terms[1:]:
            joined = (joined | term) if field.endswith("_any") else (joined & term)
        condition &= ~joined if field.startswith("not_") else joined
    return condition


def match_condition(data: dict, resource_type: str) -> models.Q:
    """matches: resource_name (a service's name, case-insensitive part; an endpoint's is its
    ID, matched whole) or resource_id (whole); an empty value matches nothing."""
    condition = models.Q()
    keys = set()
    for row, match in enumerate(data.get("matches", [])):
        key, value = match.get("key"), match.get("value", "")
        if key not in ("resource_name", "resource_id") or key in keys:
            raise _invalid(f"matches[{row}].key", _("resource_name or resource_id, each once."))
        if len(value) > VALUE_LENGTH:
            raise _invalid(
                f"matches[{row}].value", _("at most %(max)s characters.") % {"max": VALUE_LENGTH}
            )
        keys.add(key)
        if key == "resource_name" and resource_type == "endpoint_service" and value:
            condition &= models.Q(service_name__icontains=value)
        else:
            condition &= models.Q(pk=value) if is_uuid(value) else models.Q(pk__in=[])
    return condition


def _number(data: dict, name: str, default: int, low: int, high: int) -> int:
    raw = data.get(name)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and low <= int(raw) <= high):
        raise _invalid(
            name,
            _("a whole number from %(low)s to %(high)s, as a string.") % {"low": low, "high": high},
        )
    return int(raw)


class ResourceInstancesView(ApiView):
    """POST …/{resource_type}/resource_instances/action: filter (a page of resources with
    their tags) or count."""

    def post(self, request: HttpRequest, resource_type: str):
        data = json_body(request, "ResourceInstancesQuery")
        action = data.get("action")
        if action not in ("filter", "count"):
            raise _invalid("action", _("filter or count."))
        model = MODELS[resource_type]
        queryset = project_resources(request, self.project, resource_type).filter(
            tag_condition(model, data), match_condition(data, resource_type)
        )
        if action == "count":
            return JsonResponse({"total_count": queryset.count()})
        limit = _number(data, "limit", 1000, 1, 1000)
        offset = _number(data, "offset", 0, 0, 10**9)
        page = queryset.order_by("-created_at", "pk").prefetch_related("tags")
        resources = [
            {
                "resource_id": str(obj.pk),
                "resource_name": resource_name(obj),
                "tags": [{"key": t.key, "value": t.value} for t in obj.tags.all()],
            }
            for obj in page[offset : offset + limit]
        ]
        return JsonResponse({"resources": resources, "total_count": queryset.count()})


class ProjectTagsView(ApiView):
    """GET …/{resource_type}/tags: every tag key on the project's resources of that type, with
    the values it has."""

    def get(self, request: HttpRequest, resource_type: str):
        tag_model = MODELS[resource_type]._meta.get_field("tags").related_model
        pairs = (
            tag_model.objects.filter(
                resource__in=project_resources(request, self.project, resource_type)
            )
            .order_by("key", "value")
            .values_list("key", "value")
            .distinct()
        )
        grouped: dict[str, list[str]] = {}
        for key, value in pairs:
            grouped.setdefault(key, []).append(value)
        return JsonResponse(
            {"tags": [{"key": key, "values": values} for key, values in grouped.items()]}
        )


class ResourceTagsActionView(ApiView):
    """POST …/{resource_type}/{resource_id}/tags/action: create (a key already there takes the
    new value) or delete tags of one resource; its administrators only. 204 as the provider."""

    def post(self, request: HttpRequest, resource_type: str, **path):
        data = json_body(request, "BatchTags")
        [resource_id] = path.values()  # vpc_endpoint_service_id or vpc_endpoint_id
        if not is_uuid(resource_id):
            raise Http404
        if "tags" not in data or (data.get("action") == "create" and not data["tags"]):
            raise ApiError(400, INVALID, _("tags: give at least one {key, value}."))
        queryset = MODELS[resource_type].objects.filter(project=self.project)
        batch_tags(request.user, queryset, resource_id, data.get("action"), tag_pairs(data))
        return HttpResponse(status=204)
