import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from console.tenancy.querysets import SUPPORT
from console.ui.tables import ActionsColumn, BaseTable, DateTimeColumn, StatusColumn, delete_link
from console.ui.urls import reverse_ids

from .models import Endpoint, EndpointStatus


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
    # The choice's label, as every column ending at a field with choices (made once per table)
    service_type = tables.Column(accessor="service__service_type", verbose_name=_("Type"))
    node_ip = tables.Column(verbose_name=_("Node IP"), default="—")
    domain_name = tables.Column(
        verbose_name=_("Private domain name"),
        default="—",
        attrs={"td": {"class": "text-break small"}},
    )
    owner = tables.Column(accessor="project__account__name", verbose_name=_("Owner"))
    created_at = DateTimeColumn(verbose_name=_("Created"), format="Y-m-d H:i:s")
    actions = ActionsColumn(verbose_name=_("Operation"))

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

    def render_actions(self, record):
        """删除 only for those who may take the endpoint down, and not while it is being
        created or deleted (issue 12)."""
        if record.status in (
            EndpointStatus.CREATING,
            EndpointStatus.DELETING,
        ) or not self.may(SUPPORT, record.project_id):
            return ""
        return delete_link(reverse_ids("endpoints:delete_confirm", record.pk), record.pk)
