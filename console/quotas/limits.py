"""Default quotas per account in each region (project), §1.4 table 1-1 (S5, E3)."""

from django.utils.translation import gettext_lazy as _

ENDPOINT_SERVICE = "endpoint_service"
ENDPOINT = "endpoint"

DEFAULT_LIMITS: dict[str, int] = {ENDPOINT_SERVICE: 20, ENDPOINT: 50}

RESOURCE_LABELS = {ENDPOINT_SERVICE: _("Endpoint services"), ENDPOINT: _("Endpoints")}
