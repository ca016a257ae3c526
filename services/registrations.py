"""What the shell runs for endpoint services (console.registry), registered by ServicesConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from console.metrics import by_status
from console.quotas.limits import ENDPOINT_SERVICE
from console.registry import (
    DemoBuilder,
    Metric,
    OperatorPage,
    QuotaCounter,
    StatusHelp,
    StuckRows,
    SweepStep,
    register,
)

from . import demo
from .models import STATUS_HELP, EndpointService, ServiceStatus
from .operations import reject_overdue_connections
from .system_services import SystemServicesView
from .tasks import finish_deletion, provision_service


def register_all() -> None:
    register(
        Metric(
            "vpcep_endpoint_services",
            "Tenants' endpoint services by status.",
            lambda: by_status(EndpointService.objects.filter(is_system=False)),
        ),
        StatusHelp(
            "service",
            _("Endpoint service statuses"),
            lambda: ServiceStatus.choices,
            STATUS_HELP,
            position=10,
        ),
        StuckRows(
            "services.creating",
            lambda: EndpointService.objects.filter(status=ServiceStatus.CREATING),
            provision_service,
            position=10,
        ),
        StuckRows(
            "services.deleting",
            lambda: EndpointService.objects.filter(status=ServiceStatus.DELETING),
            finish_deletion,
            position=11,
        ),
        # 待接受连接自动拒绝 (issue 11): connections pending past their service's days.
        SweepStep(
            "services.auto_reject",
            lambda now, stuck_before: reject_overdue_connections(now),
            kind="auto_rejected",
        ),
        # The account's own services count against its quota; the cloud services do not.
        QuotaCounter(
            ENDPOINT_SERVICE,
            lambda: EndpointService.objects.filter(is_system=False),
            account_annotation="service_count",
        ),
        DemoBuilder("services", demo.build, demo.counts, position=10),
        # 运维管理 → 云服务 (§1.6.1)
        OperatorPage("system-services/", SystemServicesView.as_view(), "system_services"),
    )
