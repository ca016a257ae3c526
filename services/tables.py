import django_tables2 as tables
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from console.tenancy.querysets import SUPPORT
from console.ui.tables import (
    DANGER_LINK,
    ActionsColumn,
    BaseTable,
    BooleanColumn,
    DateTimeColumn,
    RowCheckBoxColumn,
    StatusColumn,
    cell_html,
    delete_link,
    modal_link,
    page_link,
    row_actions,
    row_button,
)
from console.ui.urls import reverse_ids
from endpoints.models import EndpointStatus

from .models import EndpointService, ServiceStatus


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
    approval_enabled = BooleanColumn(verbose_name=_("Connection approval"), yesno=("✓", "—"))
    created_at = DateTimeColumn(
        verbose_name=_("Created"), format="Y-m-d H:i", attrs={"td": {"class": "nowrap"}}
    )
    actions = ActionsColumn(verbose_name=_("Operation"))

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
        """删除 only for those who may take the service down (its administrators, operators),
        never on a cloud service nor one being deleted already (issue 12)."""
        if (
            record.is_system
            or record.status == ServiceStatus.DELETING
            or not self.may(SUPPORT, record.project_id)
        ):
            return ""
        return delete_link(reverse_ids("services:delete_confirm", record.pk), record)


def endpoint_select_column(form_id: str) -> RowCheckBoxColumn:
    """The tick box of a connection row, submitted with the form `form_id` as `endpoint`
    (连接管理 and the inbox)."""
    return RowCheckBoxColumn(
        name="endpoint", form=form_id, label=lambda record: _("Select %(id)s") % {"id": record.pk}
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
        attrs={"td": {"class": "font-monospace small id-break"}},
    )
    connection_description = tables.Column(
        verbose_name=pgettext_lazy("service", "Description"),
        default="—",
        orderable=False,
        attrs={"td": {"class": "text-break"}},
    )
    created_at = DateTimeColumn(
        verbose_name=_("Created"), format="Y-m-d H:i", attrs={"td": {"class": "nowrap"}}
    )
    actions = ActionsColumn(verbose_name=_("Operation"))

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
        # 接受/拒绝 are refused unless the service is 可用: offered only then (issue 12).
        self.decidable = service.status == ServiceStatus.AVAILABLE
        super().__init__(*args, **kwargs)

    def offer_bulk(self) -> bool:
        """Whether the page offers tick boxes and the bulk 接受/拒绝: only when a row on it can
        be decided; else the tick boxes are left out, so none does nothing (issue 12). Call
        after paginating."""
        bulk = self.decidable and any(
            row.record.status in row.record.DECIDABLE for row in self.paginated_rows
        )
        if not bulk:
            self.columns.hide("select")
        return bulk

    @cached_property
    def decision_urls(self) -> tuple[str, str]:
        """接受 and 拒绝's confirmation: the same for every row."""
        pk = self.service.pk
        return reverse("services:accept", args=[pk]), reverse("services:reject_confirm", args=[pk])

    @cached_property
    def action_labels(self) -> tuple[str, ...]:
        """The row actions' labels, translated once per table rather than on every row."""
        return tuple(
            str(label)
            for label in (_("Accept"), _("Reject"), _("Connection history"), _("Edit description"))
        )

    def render_actions(self, record):
        """接受 / 拒绝 as the row's status allows while the service is 可用; its history and
        description always."""
        accept_url, reject_url = self.decision_urls
        accept, reject, history, describe = self.action_labels
        pk, status = record.pk, record.status
        args = (self.service.pk, pk)
        return row_actions(
            row_button("connections-form", accept_url, pk, accept)
            if self.decidable and status in (EndpointStatus.PENDING, EndpointStatus.REJECTED)
            else "",
            modal_link(f"{reject_url}?endpoint={pk}", reject, pk, DANGER_LINK, "#decision-comment")
            if self.decidable and status in (EndpointStatus.ACCEPTED, EndpointStatus.PENDING)
            else "",
            modal_link(reverse_ids("services:connection_history", *args), history, pk),
            page_link(reverse_ids("services:connection_description", *args), describe, pk),
        )


class OwnAccount:
    """The pinned first row of 权限管理: the service's own account, always allowed."""

    pk = None
    description = None
    created_at = None

    def __init__(self, principal: str):
        self.principal = principal


class PermissionTable(BaseTable):
    """权限管理 (S9): the whitelist, paged like the other tabs (issue 13: every record at
    10,000 took 1.5 s); tick boxes and 删除 only for those who may edit it (approvers)."""

    select = RowCheckBoxColumn(
        name="permission",
        form="permissions-form",
        label=lambda record: record.principal,
        default="",  # the pinned own account has none
    )
    principal = tables.Column(
        verbose_name=_("Authorized account ID"),
        attrs={"td": {"class": "font-monospace small id-break"}},
    )
    description = tables.Column(
        verbose_name=pgettext_lazy("service", "Description"),
        default="—",
        orderable=False,
        attrs={"td": {"class": "text-break", "data-field": "description"}},
    )
    created_at = DateTimeColumn(
        verbose_name=_("Added"), format="Y-m-d H:i:s", attrs={"td": {"class": "nowrap"}}
    )
    actions = ActionsColumn(verbose_name=_("Operation"))

    class Meta(BaseTable.Meta):
        model = None
        fields = ["select", "principal", "description", "created_at", "actions"]
        pinned_row_attrs = {"class": "table-secondary"}
        order_by = "-created_at"

    def __init__(self, *args, service, can_approve: bool, **kwargs):
        self.service = service
        self.can_approve = can_approve
        super().__init__(*args, **kwargs)
        if not can_approve:
            self.columns.hide("select")

    def get_top_pinned_data(self):
        return [OwnAccount(self.service.project.account.principal)]

    def render_principal(self, value):
        if value != "*":
            return value
        return cell_html(
            '{} <span class="badge text-bg-warning">{}</span>', value, _("every account")
        )

    @cached_property
    def remove_url(self) -> str:
        return reverse("services:permissions_remove_confirm", args=[self.service.pk])

    def render_actions(self, record):
        if record.pk is None:
            return _("Your own account: always allowed")
        if not self.can_approve:
            return ""
        edit = reverse_ids("services:permission_description", self.service.pk, record.pk)
        confirm = self.remove_url
        return row_actions(
            page_link(edit, _("Edit description"), record.principal),
            delete_link(f"{confirm}?permission={record.pk}", record.principal),
        )
