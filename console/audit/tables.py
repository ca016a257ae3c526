import json
from functools import cache

import django_tables2 as tables
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from console.ui.tables import BaseTable, DateTimeColumn, cell_html

from .log import SYSTEM
from .models import AuditRecord

# Keys of before/after that are no model field: what the log calls them.
KEY_LABELS = {
    "comment": _("Decision comment"),
    "whitelist": pgettext_lazy("service", "Whitelist"),
    "tags": _("Tags"),
    "error": _("Reason"),
    "answer": _("Answer"),
    "backend": _("Backend"),
    "ports": _("Port mappings"),
    "used": _("Used"),
    "url": _("callback URL"),  # a subscription's, logged on its service
    "emails": _("email addresses"),
    "events": _("Events"),
}


@cache
def resource_model(resource_type: str):
    """The model a record's resource_type (its model_name) names, found without importing the
    resource apps (the shell knows no resource)."""
    return next((m for m in apps.get_models() if m._meta.model_name == resource_type), None)


def field_of(model, key: str):
    try:
        return model._meta.get_field(key) if model else None
    except FieldDoesNotExist:
        return None


def key_label(field, key: str) -> str:
    """The field's verbose name, in the user's language; the raw key only for unknown keys."""
    if getattr(field, "verbose_name", None):
        return capfirst(field.verbose_name)
    return capfirst(str(KEY_LABELS[key])) if key in KEY_LABELS else key


def port_rows(value) -> str | None:
    """[["TCP", 80, 8080], ...] (protocol, 服务端口, 终端端口) -> "TCP 8080→80, ...": port
    mappings as the manual writes them ("终端端口 → 服务端口"), unspaced so that they read apart
    from the log's own " → " between before and after; None for any other value."""
    if (
        isinstance(value, list)
        and value
        and all(
            isinstance(row, list) and len(row) == 3 and row[0] in ("TCP", "UDP") for row in value
        )
    ):
        return ", ".join(
            f"{protocol} {terminal}→{service}" for protocol, service, terminal in value
        )
    return None


def shown(field, value) -> str:
    """A before/after value as the pages say it: a choice's label, 是/否, lists joined."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if (ports := port_rows(value)) is not None:
        return ports
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(map(str, value))
    if isinstance(value, dict) and all(not isinstance(v, dict | list) for v in value.values()):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_lines(record) -> list[str]:
    """ "状态：待接受 → 已接受", one line per key; a creation's values alone (issue 12)."""
    model = resource_model(record.resource_type)
    before, after = record.before or {}, record.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [f"{shown(None, record.before)} → {shown(None, record.after)}"]
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        field = field_of(model, key)
        label = key_label(field, key)
        if record.before is None:
            lines.append(
                gettext("%(field)s: %(value)s")
                % {"field": label, "value": shown(field, after[key])}
            )
        else:
            lines.append(
                gettext("%(field)s: %(before)s → %(after)s")
                % {
                    "field": label,
                    "before": shown(field, before.get(key)),
                    "after": shown(field, after.get(key)),
                }
            )
    return lines


class AuditTable(BaseTable):
    created_at = DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i:s")
    actor_name = tables.Column(verbose_name=_("User"))
    account = tables.Column(accessor="account__name", verbose_name=_("Account"))
    region = tables.Column(accessor="project__region__code", verbose_name=_("Region"), default="—")
    action = tables.Column(verbose_name=_("Action"))
    resource = tables.Column(
        accessor="resource_name",
        verbose_name=_("Resource"),
        attrs={"td": {"class": "text-break small"}},
    )
    change = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=_("Before → after"),
        attrs={"td": {"class": "text-break"}},  # a value may be long and without a space
    )

    counted = False  # the log only grows: pages without a count of every record

    class Meta(BaseTable.Meta):
        model = AuditRecord
        fields = ["created_at", "actor_name", "account", "region", "action", "resource", "change"]
        order_by = "-created_at"
        empty_text = _("No activity matches.")

    def render_actor_name(self, record):
        if record.actor_id is None and record.actor_name == SYSTEM:  # background work
            return gettext("System")
        if record.by_operator:  # a platform operator in a tenant's account (issue 9, defect 10)
            return cell_html(
                "{}<br><span class='badge text-bg-warning'>{}</span>",
                record.actor_name,
                _("Platform operator, for support"),
            )
        return record.actor_name

    def render_action(self, record):
        # 接受连接, in the user's language (the key only if unknown); the key stays for scripts.
        return cell_html('<span data-action="{}">{}</span>', record.action, record.action_label)

    def render_resource(self, record):
        model = resource_model(record.resource_type)  # 终端节点服务, not endpointservice
        kind = capfirst(model._meta.verbose_name) if model else record.resource_type
        return cell_html(
            "{}<br><span class='text-body-secondary'>{} {}</span>",
            record.resource_name,
            kind,
            record.resource_id,
        )

    def render_change(self, record):
        lines = change_lines(record)
        if not lines:
            return "—"
        return cell_html(
            '<ul class="list-unstyled mb-0 small">{}</ul>',
            format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
        )
