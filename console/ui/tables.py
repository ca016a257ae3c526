"""The base of every table, and columns shared by resource tables: status badges with their
meaning (D1), and row actions shown only to users who may use them (issue 12).

Cells are built with format_html, never a template rendered per row (issue 13 measured the
per-row render_to_string as most of a list's time)."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from console.tenancy.querysets import can

PER_PAGE = 20
PER_PAGE_RANGE = range(10, 101)  # ?per_page= outside it (0, -1, 5, a million) is PER_PAGE

SPINNER = mark_safe(
    '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>'
)


def status_badge(obj) -> str:
    """A status badge whose meaning (§5.4) shows on hover and on keyboard focus, in words for
    screen readers; a spinner while the status is passing (创建中, 删除中)."""
    transitional = getattr(obj, "is_transitional", False)
    return format_html(
        '<span class="badge status-badge status-{}{}" tabindex="0" data-bs-toggle="tooltip"'
        ' data-bs-title="{}" title="{}">{}{}<span class="visually-hidden">: {}</span></span>',
        obj.status,
        " status-transitional" if transitional else "",
        obj.status_help,
        obj.status_help,
        SPINNER if transitional else "",
        obj.get_status_display(),
        obj.status_help,
    )


def modal_link(url: str, label: str, subject, css: str = "btn btn-sm btn-link p-0") -> str:
    """A row's link that opens its dialog in #modal-slot (htmx), or its page without script;
    `subject` names the row for screen readers."""
    return format_html(
        '<a class="{}" href="{}" hx-get="{}" hx-target="#modal-slot" hx-swap="innerHTML"'
        ' hx-push-url="false" hx-select="unset">{}<span class="visually-hidden"> {}</span></a>',
        css,
        url,
        url,
        label,
        subject,
    )


def delete_link(url: str, subject) -> str:
    """删除 of a row: its confirmation dialog."""
    return modal_link(url, _("Delete"), subject, "btn btn-sm btn-link text-danger p-0")


class StatusColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return status_badge(record)


class ActionsColumn(tables.Column):
    """操作: the table's render_actions(record) builds the cell."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", {"td": {"class": "nowrap"}})
        super().__init__(*args, **kwargs)


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-hover align-middle mb-0"}
        template_name = "ui/table.html"
        per_page = PER_PAGE

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        """Every page of every table, whoever configures it (RequestConfig reads ?per_page= as
        any integer): 10 to 100 rows, else the default, so a page is never an error or huge."""
        per_page = per_page if per_page in PER_PAGE_RANGE else PER_PAGE
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    def may(self, action: str, project_id) -> bool:
        """Whether the viewing user may do `action` in that project: a row offers only what its
        user can use (issue 12). The roles are read once per request, not per row."""
        request = getattr(self, "request", None)
        return request is not None and can(request.user, action, project_id)

    @property
    def has_transitional_rows(self) -> bool:
        """Whether a row is in a passing state, so the table refreshes itself until settled."""
        return any(getattr(row.record, "is_transitional", False) for row in self.paginated_rows)
