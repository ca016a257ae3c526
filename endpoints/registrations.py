"""What the shell runs for endpoints (console.registry), registered by EndpointsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from console.metrics import by_status
from console.quotas.limits import ENDPOINT
from console.registry import (
    DataplaneBuilder,
    DemoBuilder,
    Metric,
    QuotaCounter,
    StatusHelp,
    StuckRows,
    register,
)

from . import dataplane, demo
from .models import STATUS_HELP, Endpoint, EndpointStatus
from .tasks import finish_endpoint_deletion, provision_endpoint


def register_all() -> None:
    register(
        # Each status's count; pendingAcceptance is the connections waiting for a decision.
        Metric(
            "vpcep_endpoints",
            "Endpoints by status (pendingacceptance: connections waiting for a decision).",
            lambda: by_status(Endpoint.objects.all()),
        ),
        StatusHelp(
            "endpoint",
            _("Endpoint statuses"),
            lambda: EndpointStatus.choices,
            STATUS_HELP,
            position=20,
        ),
        StuckRows(
            "endpoints.creating",
            lambda: Endpoint.objects.filter(status=EndpointStatus.CREATING),
            provision_endpoint,
            position=20,
        ),
        StuckRows(
            "endpoints.deleting",
            lambda: Endpoint.objects.filter(status=EndpointStatus.DELETING),
            finish_endpoint_deletion,
            position=21,
        ),
        QuotaCounter(ENDPOINT, Endpoint.objects.all, account_annotation="endpoint_count"),
        DemoBuilder("endpoints", demo.build, demo.counts, position=20),
        DataplaneBuilder(
            "endpoints",
            dataplane.build,
            position=20,
            watches=frozenset({"endpoint", "endpointservice"}),
        ),
    )
