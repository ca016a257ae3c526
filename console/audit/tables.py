import json

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from console.ui.tables import BaseTable

from .models import AuditRecord


class AuditTable(BaseTable):
    created_at = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i:s")
    actor_name = tables.Column(verbose_name=_("User"))
    account = tables.Column(accessor="account__name", verbose_name=_("Account"))
    region = tables.Column(accessor="project__region__code", verbose_name=_("Region"), default="—")
    action = tables.Column(
        verbose_name=_("Action"), attrs={"td": {"class": "font-monospace small"}}
    )
    resource = tables.Column(
        accessor="resource_name",
        verbose_name=_("Resource"),
        attrs={"td": {"class": "text-break small"}},
    )
    change = tables.Column(empty_values=(), orderable=False, verbose_name=_("Before → after"))

    class Meta(BaseTable.Meta):
        model = AuditRecord
        fields = ["created_at", "actor_name", "account", "region", "action", "resource", "change"]
        order_by = "-created_at"
        empty_text = _("No activity matches.")

    def render_actor_name(self, record):
        if record.by_operator:  # a platform operator in a tenant's account (issue 9, defect 10)
            return format_html(
                "{}<br><span class='badge text-bg-warning'>{}</span>",
                record.actor_name,
                _("Platform operator, for support"),
            )
        return record.actor_name

    def render_action(self, record):
        return format_html(
            "{}<br><span class='text-body-secondary'>{}</span>", record.action_label, record.action
        )

    def render_resource(self, record):
        return format_html(
            "{}<br><span class='text-body-secondary'>{} {}</span>",
            record.resource_name,
            record.resource_type,
            record.resource_id,
        )

    def render_change(self, record):
        def show(value):
            return (
                json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else "—"
            )

        return format_html(
            "<code class='small'>{}</code> → <code class='small'>{}</code>",
            show(record.before),
            show(record.after),
        )
