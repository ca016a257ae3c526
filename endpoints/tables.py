import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from console.ui.tables import BaseTable, StatusColumn

from .models import Endpoint


class EndpointTable(BaseTable):
    id = tables.Column(
        linkify=("endpoints:detail", [tables.A("pk")]),
        verbose_name=_("ID"),
        attrs={"td": {"class": "font-monospace small"}},
    )
    service = tables.Column(
        accessor="service__service_name",
        verbose_name=_("Service name"),
        attrs={"td": {"class": "text-break"}},
    )
    vpc = tables.Column(accessor="vpc__name", verbose_name=_("VPC"))
    status = StatusColumn(verbose_name=_("Status"))
    service_type = tables.Column(accessor="service__service_type", verbose_name=_("Type"))
    node_ip = tables.Column(verbose_name=_("Node IP"), default="—")
    domain_name = tables.Column(
        verbose_name=_("Private domain name"),
        default="—",
        attrs={"td": {"class": "text-break small"}},
    )
    owner = tables.Column(accessor="project__account__name", verbose_name=_("Owner"))
    created_at = tables.DateTimeColumn(verbose_name=_("Created"), format="Y-m-d H:i:s")
    actions = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=_("Operation"),
        attrs={"td": {"class": "nowrap"}},
    )

    class Meta(BaseTable.Meta):
        model = Endpoint
        fields = [
            "id",
            "service",
            "vpc",
            "status",
            "service_type",
            "node_ip",
            "domain_name",
            "owner",
            "created_at",
        ]
        empty_text = _("No endpoints match.")

    def render_service_type(self, record):
        return record.service.get_service_type_display()

    def render_actions(self, record):
        return render_to_string(
            "endpoints/_row_actions.html", {"endpoint": record, "request": self.request}
        )
