"""The base of every table, and columns shared by resource tables: status badges with their
meaning (D1), and row actions shown only to users who may use them (issue 12).

Cells are built with cell_html (format_html, faster), never a template rendered per row (issue
13 measured the per-row render_to_string as most of a list's time). django-tables2 orders,
pages and heads the tables; their rows are built by BaseTable.body_rows, which works out once
per column what django-tables2 works out again for every cell (issue 13: ~1 ms per row at 8
columns)."""

import datetime
import html
import inspect
from functools import partialmethod
from itertools import count

import django_tables2 as tables
from django.core.paginator import EmptyPage, Paginator
from django.db import connections, models
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.functional import Promise, cached_property
from django.utils.hashable import make_hashable
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.base import LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.paginators import LazyPaginator
from django_tables2.rows import BoundRow
from django_tables2.utils import A, signature

from console.tenancy.querysets import can

from .urls import reverse_ids

PER_PAGE = 20
PER_PAGE_RANGE = range(10, 101)  # ?per_page= outside it (0, -1, 5, a million) is PER_PAGE


def cell_html(format_string: str, *args) -> SafeString:
    """format_html, as Django escapes its arguments (conditional_escape: a lazy text is made
    text, an object with __html__ is trusted, anything else is escaped as html.escape does),
    without Django's escape going through keep_lazy for every argument: 14 → 4 µs for a row's
    button, the most of what a row's controls cost (issue 13)."""
    if not args:
        raise TypeError("cell_html needs arguments: a text without any is not a format")
    return SafeString(format_string.format(*map(_escaped, args)))


def _escaped(value) -> str:
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


SPINNER = mark_safe(
    '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>'
)


def status_badge(obj) -> str:
    """A status badge whose meaning (§5.4) shows on hover and on keyboard focus, in words for
    screen readers; a spinner while the status is passing (创建中, 删除中)."""
    transitional = getattr(obj, "is_transitional", False)
    return cell_html(
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


LINK = "btn btn-sm btn-link p-0"
DANGER_LINK = f"{LINK} text-danger"


def modal_link(url: str, label: str, subject, css: str = LINK, include: str = "") -> str:
    """A row's link that opens its dialog in #modal-slot (htmx), or its page without script;
    `subject` names the row for screen readers; `include`: a field sent along (hx-include)."""
    return cell_html(
        '<a class="{}" href="{}" hx-get="{}"{} hx-target="#modal-slot" hx-swap="innerHTML"'
        ' hx-push-url="false" hx-select="unset">{}<span class="visually-hidden"> {}</span></a>',
        css,
        url,
        url,
        cell_html(' hx-include="{}"', include) if include else "",
        label,
        subject,
    )


def page_link(url: str, label: str, subject) -> str:
    """A row's link to a page of its own."""
    return cell_html(
        '<a class="{}" href="{}">{}<span class="visually-hidden"> {}</span></a>',
        LINK,
        url,
        label,
        subject,
    )


def row_button(form: str, url: str, value, label: str, css: str = LINK) -> str:
    """A row's button that posts the form `form` to `url` with row=`value`."""
    return cell_html(
        '<button type="submit" form="{}" formaction="{}" name="row" value="{}" class="{}">{}'
        '<span class="visually-hidden"> {}</span></button>',
        form,
        url,
        value,
        css,
        label,
        value,
    )


def row_actions(*controls: str) -> str:
    """The 操作 cell: the row's controls side by side."""
    return cell_html('<div class="d-flex flex-wrap gap-2">{}</div>', mark_safe("".join(controls)))


def delete_link(url: str, subject) -> str:
    """删除 of a row: its confirmation dialog."""
    return modal_link(url, _("Delete"), subject, "btn btn-sm btn-link text-danger p-0")


class RowCheckBoxColumn(tables.CheckBoxColumn):
    """A row's tick box, submitted with the form `form` as `name`, named for screen readers by
    `label(record)`; the header's box ticks them all. CheckBoxColumn's markup without working
    its attributes out again for every row (issue 13: 55 µs a cell)."""

    def __init__(self, *, name: str, form: str, label, **kwargs):
        self.input_name, self.form, self.label = name, form, label
        kwargs.setdefault("accessor", "pk")
        select_all = {"aria-label": gettext_lazy("Select all"), "data-select-all": name}
        super().__init__(attrs={"th__input": select_all}, **kwargs)

    def render(self, value, bound_column, record, table):
        return cell_html(
            '<input type="checkbox" name="{}" value="{}" form="{}" aria-label="{}"{} />',
            self.input_name,
            value,
            self.form,
            self.label(record),
            mark_safe(" checked") if str(value) in getattr(table, "ticked", ()) else "",
        )


class StatusColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, record, table):
        """One badge per status and kind of row per table: it depends on nothing else."""
        return table.once((self, type(record), record.status), lambda: status_badge(record))


class BooleanColumn(tables.BooleanColumn):
    """django-tables2's, its two cells made once per table."""

    def render(self, value, record, bound_column):
        cell = lambda: super(BooleanColumn, self).render(value, record, bound_column)  # noqa: E731
        if not isinstance(value, bool | int | str | None):
            return cell()
        return bound_column._table.once((self, value), cell)


class ActionsColumn(tables.Column):
    """操作: the table's render_actions(record) builds the cell."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", {"td": {"class": "nowrap"}})
        super().__init__(*args, **kwargs)


class DateTimeColumn(tables.DateTimeColumn):
    """django-tables2's, as its template `{{ value|date:format }}` shows it, without compiling
    that template for every cell."""

    NUMERIC = {"Y": "%Y", "m": "%m", "d": "%d", "H": "%H", "i": "%M", "s": "%S"}

    def __init__(self, *args, format, **kwargs):
        super().__init__(*args, format=format, **kwargs)
        self.format = format
        # Digits only (Y-m-d H:i:s) read the same in every language: strftime, 10× faster.
        letters = [c for c in format if c.isalpha()]
        numeric = all(c in self.NUMERIC for c in letters) and "\\" not in format
        strftime = "".join(self.NUMERIC.get(c, c.replace("%", "%%")) for c in format)
        self.strftime = strftime if numeric else None

    def render(self, value, bound_column):
        if value in (None, ""):  # its empty_values are none: `|default:default`
            return bound_column.default
        value = template_localtime(value)
        if self.strftime and isinstance(value, datetime.datetime):
            return value.strftime(self.strftime)
        return date_format(value, self.format)


CELL_CONTEXT = Context()  # how {{ cell }} shows a value: localized, escaped


class CellRenderer:
    """One column's cells as django-tables2 renders them (BoundRow.get_cell: the accessor's
    value, a choice's label, the default when empty, render_FOO or the column's render with the
    arguments it names, linkify; {{ cell }} escaping), with what does not change from row to
    row worked out once per table: the render function's arguments, the <td> attributes, and
    for model rows which field the accessor ends at. Anything unusual goes through
    django-tables2 itself."""

    def __init__(self, bound_column):
        self.bound_column = bound_column
        self.column = bound_column.column
        self.render = bound_column.render
        wanted, catch_all = signature(self.render)
        self.wanted = None if catch_all else wanted
        attrs = {**bound_column._table.attrs, **self.column.attrs}
        td = attrs.get("td", attrs.get("cell", {}))
        self.td = None if any(callable(v) for v in td.values()) else self.td_html()
        self.accessor = A(bound_column.accessor)
        *self.path, self.last = self.accessor.bits or ("",)
        self.labels = {}  # model class -> its choices' labels when the value is one
        self.simple = not isinstance(self.column, ManyToManyColumn)
        self.link_to = self.plain_link(bound_column.link)

    @staticmethod
    def plain_link(link) -> tuple | None:
        """linkify=("view", [A("…")]) with nothing else: (view, accessor), so that each row's
        link is made from its id (reverse_ids) instead of django-tables2's reverse()."""
        if not isinstance(link, LinkTransform) or link.url or link.attrs:
            return None
        reverse_args = link.reverse_args
        args = reverse_args.get("args") or ()
        if set(reverse_args) != {"viewname", "args"} or not isinstance(
            reverse_args["viewname"], str
        ):
            return None
        if len(args) != 1 or not isinstance(args[0], A):
            return None
        return reverse_args["viewname"], args[0]

    def td_html(self) -> str:
        return self.bound_column.attrs["td"].as_html()

    def call_render(self, bound_column, value=None, row=None):
        kwargs = {
            "value": value,
            "record": row.record,
            "column": bound_column.column,
            "bound_column": bound_column,
            "bound_row": row,
            "table": bound_column._table,
        }
        if self.wanted is None:
            content = self.render(**kwargs)
        elif all(name in kwargs for name in self.wanted):
            content = self.render(**{name: kwargs[name] for name in self.wanted})
        else:
            return None  # as django-tables2: a render wanting more is not called
        if self.link_to:
            viewname, accessor = self.link_to
            url = reverse_ids(viewname, accessor.resolve(row.record))
            return cell_html('<a href="{}">{}</a>', url, content)
        return bound_column.link(content, **kwargs) if bound_column.link else content

    def value(self, record):
        """The accessor's value on a model row (a choice's label), or NotImplemented."""
        model = type(record)
        if not self.simple or not self.last or not isinstance(record, models.Model):
            return NotImplemented
        try:
            current = record
            for bit in self.path:
                current = getattr(current, bit)
                if current is None:
                    return None
            labels = self.labels.get(model)
            if labels is None:
                labels = self.labels[model] = self.choice_labels(model, type(current))
            value = getattr(current, labels[0] if labels else self.last)
        except Exception:
            # django-tables2 takes a failed lookup for None, but for a link column's text
            return NotImplemented if isinstance(self.column, BaseLinkColumn) else None
        if labels:  # what get_FOO_display() says, without building its dict per call
            return force_str(labels[1].get(make_hashable(value), value), strings_only=True)
        return NotImplemented if callable(value) else value

    def choice_labels(self, model, owner) -> tuple:
        """A field with choices and Django's own get_FOO_display: its attribute and labels."""
        field = self.accessor.get_field(model)
        display = inspect.getattr_static(owner, f"get_{self.last}_display", None)
        if (
            getattr(field, "name", None) == self.last
            and getattr(field, "choices", None)
            and isinstance(display, partialmethod)
        ):
            return field.attname, dict(make_hashable(field.flatchoices))
        return ()

    def cell(self, row) -> str:
        bound_column = self.bound_column
        value = self.value(row.record)
        if value is NotImplemented:
            value = row._get_and_render_with(
                bound_column,
                render_func=lambda column, value=None: self.call_render(column, value, row),
                default=bound_column.default,
            )
        elif value in self.column.empty_values:
            value = bound_column.default
        else:
            value = self.call_render(bound_column, value, row)
        if self.td is None:  # attributes computed from the row's record and value
            bound_column.current_record, bound_column.current_value = row.record, value
            td = self.td_html()
        else:
            td = self.td
        return f"<td {td}>{render_value_in_context(value, CELL_CONTEXT)}</td>"


def page_by_key(page):
    """A page of a queryset (its slice) read in two steps in one query: the keys of the page's
    rows, sorted and sliced on the filtered table alone, then those rows with their joins. The
    database sorts narrow keys, often from an index alone, not every matching row with all its
    joined columns (issue 13: the operator's services list sorted a region's every service
    with its account, load balancer and server for 20 rows). Anything else as it was."""
    query = getattr(page, "query", None)
    if (
        query is None
        or not query.is_sliced
        or query.annotations
        or query.extra
        or query.distinct
        or query.combinator
        or not connections[page.db].features.allow_sliced_subqueries_with_in
    ):
        return page
    ordering = list(query.order_by)
    if not ordering and query.default_ordering:
        ordering = list(page.model._meta.ordering)
    if not ordering or ordering[-1] not in ("pk", "-pk", "id", "-id"):
        ordering.append("pk")  # ties in a stable order: no row on two pages, none on neither
    everything = page._chain()
    everything.query.clear_limits()
    keys = everything.order_by(*ordering).values("pk")[query.low_mark : query.high_mark]
    rows = page.model._base_manager.using(page.db).filter(pk__in=keys).order_by(*ordering)
    rows.query.select_related = query.select_related
    rows.query.deferred_loading = query.deferred_loading
    rows._prefetch_related_lookups = page._prefetch_related_lookups
    return rows


class BoundedLazyPaginator(LazyPaginator):
    """LazyPaginator, with a page number whose offset the database can hold: a larger one
    (?page=9999999999999999999) is past the end, as any page after the last."""

    def validate_number(self, number):
        number = super().validate_number(number)
        if (number - 1) * self.per_page > 2**62:
            raise EmptyPage("past the largest offset")  # never shown: page 1 is
        return number


class KeyedRows:
    """A table's rows whose slices (its pages) are read by key (page_by_key)."""

    def __init__(self, rows):
        self.rows = rows

    def __len__(self) -> int:  # the counted paginator's count: the rows' (one COUNT query)
        return len(self.rows)

    def __getitem__(self, key):
        rows = self.rows[key]
        rows.data = page_by_key(rows.data)
        return rows


class BaseTable(tables.Table):
    # False for a table that grows without bound (the activity log): its pages are read
    # without counting its rows (LazyPaginator reads one row more than the page to know whether
    # another follows), so a page costs the same after a million records (issue 13).
    counted = True

    class Meta:
        attrs = {"class": "table table-hover align-middle mb-0"}
        template_name = "ui/table.html"
        per_page = PER_PAGE

    def __init__(self, *args, ticked=(), **kwargs):
        """`ticked`: the rows whose tick box shows ticked (their pks), as they were when a
        bulk action was refused, so the user need not tick them again."""
        self.ticked = frozenset(map(str, ticked))
        super().__init__(*args, **kwargs)

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        """Every page of every table, whoever configures it (RequestConfig reads ?per_page= as
        any integer): 10 to 100 rows, else the default, so a page is never an error or huge."""
        per_page = per_page if per_page in PER_PAGE_RANGE else PER_PAGE
        if not self.counted:
            paginator_class = BoundedLazyPaginator
            self._counter = count()  # LazyPaginator makes the page's rows at once
        # Every page, RequestConfig's fallback to the first or last one included, read by key.
        self.paginator = paginator_class(KeyedRows(self.rows), per_page, *args, **kwargs)
        self.page = self.paginator.page(page)
        return self

    def may(self, action: str, project_id) -> bool:
        """Whether the viewing user may do `action` in that project: a row offers only what its
        user can use (issue 12). The roles are read once per request, not per row."""
        request = getattr(self, "request", None)
        return request is not None and can(request.user, action, project_id)

    @cached_property
    def memo(self) -> dict:
        """Cells that are the same on every row that has their value, made once per table."""
        return {}

    def once(self, key, make):
        """The memo's cell for `key`, made by `make()` the first time."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    @cached_property
    def body_rows(self) -> list[str]:
        """The page's rows as HTML, as {% for column, cell in row.items %} would render them.
        Read at rendering time, after columns are hidden."""
        renderers = [CellRenderer(column) for column in self.columns]
        # Rows without row_attrs of their own differ only by odd/even: two <tr>s per table.
        plain = not any(callable(value) for value in (self.row_attrs or {}).values())
        tr = {}

        def attrs(row) -> str:
            if not plain or type(row) is not BoundRow:  # pinned rows have their own
                return row.attrs.as_html()
            key = row.row_counter % 2
            if key not in tr:
                tr[key] = row.attrs.as_html()
            return tr[key]

        return [
            cell_html(
                "<tr {}>{}</tr>",
                attrs(row),
                mark_safe("".join([renderer.cell(row) for renderer in renderers])),
            )
            for row in self.paginated_rows
        ]

    @property
    def has_transitional_rows(self) -> bool:
        """Whether a row is in a passing state, so the table refreshes itself until settled."""
        return any(getattr(row.record, "is_transitional", False) for row in self.paginated_rows)
