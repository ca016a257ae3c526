"""The base of every table, and columns shared by resource tables: status badges with their
meaning (D1)."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.template.loader import render_to_string

PER_PAGE = 20
PER_PAGE_RANGE = range(10, 101)  # ?per_page= outside it (0, -1, 5, a million) is PER_PAGE


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
        per_page = PER_PAGE

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        """Every page of every table, whoever configures it (RequestConfig reads ?per_page= as
        any integer): 10 to 100 rows, else the default, so a page is never an error or huge."""
        per_page = per_page if per_page in PER_PAGE_RANGE else PER_PAGE
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)

    @property
    def has_transitional_rows(self) -> bool:
        """Whether a row is in a passing state, so the table refreshes itself until settled."""
        return any(getattr(row.record, "is_transitional", False) for row in self.paginated_rows)
