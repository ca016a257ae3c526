import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from console.ui.tables import BaseTable, StatusColumn

from .models import EndpointService


class ServiceTable(BaseTable):
    service_name = tables.Column(
        linkify=("services:detail", [tables.A("pk")]), verbose_name=_("Name")
    )
    id = tables.Column(
        verbose_name=_("ID"), orderable=False, attrs={"td": {"class": "font-monospace small"}}
    )
    status = StatusColumn(verbose_name=_("Status"))
    service_type = tables.Column(verbose_name=_("Service type"))
    backend_type = tables.Column(verbose_name=_("Backend type"), default="—")
    owner = tables.Column(accessor="project__account__name", verbose_name=_("Owner"))
    approval_enabled = tables.BooleanColumn(verbose_name=_("Connection approval"), yesno=("✓", "—"))
    created_at = tables.DateTimeColumn(
        verbose_name=_("Created"), format="Y-m-d H:i", attrs={"td": {"class": "nowrap"}}
    )
    actions = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=_("Operation"),
        attrs={"td": {"class": "nowrap"}},
    )

    class Meta(BaseTable.Meta):
        model = EndpointService
        fields = [
            "service_name",
            "id",
            "status",
            "service_type",
            "backend_type",
            "owner",
            "approval_enabled",
            "created_at",
        ]
        empty_text = _("No endpoint services match.")

    def render_actions(self, record):
        return render_to_string(
            "services/_row_actions.html", {"service": record, "request": self.request}
        )


def endpoint_select_column(form_id: str) -> tables.CheckBoxColumn:
    """The tick box of a connection row, submitted with the form `form_id` as `endpoint`
    (连接管理 and the inbox)."""
    return tables.CheckBoxColumn(
        accessor="pk",
        attrs={
            "th__input": {"aria-label": _("Select all"), "data-select-all": "endpoint"},
            "td__input": {
                "name": "endpoint",
                "form": form_id,
                "aria-label": lambda record: _("Select %(id)s") % {"id": record.pk},
            },
        },
    )


class ConnectionTable(BaseTable):
    """连接管理 (table 3-3): endpoints seen from the service's side."""

    select = endpoint_select_column("connections-form")
    id = tables.Column(
        verbose_name=_("Endpoint ID"), attrs={"td": {"class": "font-monospace small"}}
    )
    packet_id = tables.Column(verbose_name=_("Packet identifier"))
    status = StatusColumn(verbose_name=_("Status"))
    owner = tables.Column(
        accessor="project__account__domain_id",
        verbose_name=_("Owner"),
        attrs={"td": {"class": "font-monospace small"}},
    )
    connection_description = tables.Column(
        verbose_name=pgettext_lazy("service", "Description"),
        default="—",
        orderable=False,
        attrs={"td": {"class": "text-break"}},
    )
    created_at = tables.DateTimeColumn(
        verbose_name=_("Created"), format="Y-m-d H:i", attrs={"td": {"class": "nowrap"}}
    )
    actions = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=_("Operation"),
        attrs={"td": {"class": "nowrap"}},
    )

    class Meta(BaseTable.Meta):
        model = None
        fields = [
            "select",
            "id",
            "packet_id",
            "status",
            "owner",
            "connection_description",
            "created_at",
        ]
        empty_text = _("No endpoint has connected to this service yet.")

    def __init__(self, *args, service, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def render_actions(self, record):
        return render_to_string(
            "services/_connection_actions.html",
            {"endpoint": record, "service": self.service, "request": self.request},
        )
