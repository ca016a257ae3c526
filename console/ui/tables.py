"""Table columns shared by resource tables: status badges with their meaning (D1)."""

import django_tables2 as tables
from django.template.loader import render_to_string


class StatusColumn(tables.Column):
    """A status badge whose meaning (§5.4) shows on hover and on keyboard focus."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return render_to_string("ui/status_badge.html", {"object": record})


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-hover align-middle mb-0"}
        template_name = "ui/table.html"

    @property
    def has_transitional_rows(self) -> bool:
        """Whether a row is in a passing state, so the table refreshes itself until settled."""
        return any(getattr(row.record, "is_transitional", False) for row in self.paginated_rows)
