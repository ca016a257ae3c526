"""Form helpers: rows added and removed in place, and operation errors shown at their field."""

from __future__ import annotations

import re
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy

ID_RE = re.compile(r"[0-9]{1,18}")

# The empty choice of a select, in the manual's words (Django's own "- Select an option -"
# has no zh-hans translation).
CHOOSE_ONE = gettext_lazy("Choose one")


def parse_ids(values) -> list[int]:
    """Submitted row IDs as integers; anything else (forged, huge, '²') is dropped."""
    return [int(v) for v in values if isinstance(v, str) and ID_RE.fullmatch(v)]


def row_index(action: str) -> int:
    """The row of a `remove_<rows>-<n>` button, or -1."""
    number = action.rsplit("-", 1)[-1]
    return int(number) if ID_RE.fullmatch(number) else -1


def _total(data: QueryDict, prefix: str, limit: int) -> int:
    value = data.get(f"{prefix}-TOTAL_FORMS") or "0"
    return min(int(value), limit) if ID_RE.fullmatch(value) else 0


def add_formset_row(data: QueryDict, prefix: str, limit: int) -> QueryDict:
    """The same POST data with one more (empty) row in formset `prefix`, up to `limit`."""
    data = data.copy()
    total = _total(data, prefix, limit)
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, limit))
    return data


def remove_formset_row(
    data: QueryDict, prefix: str, index: int, fields: list[str], keep: int = 1
) -> QueryDict:
    """The same POST data without row `index` of formset `prefix` (later rows move up); never
    fewer than `keep` rows (a service needs a port mapping; tags may all go)."""
    data = data.copy()
    total = _total(data, prefix, 1000)
    if not 0 <= index < total or total <= keep:
        return data
    for row in range(index, total - 1):
        for field in fields:
            data.setlist(f"{prefix}-{row}-{field}", data.getlist(f"{prefix}-{row + 1}-{field}"))
    for field in fields:
        data.pop(f"{prefix}-{total - 1}-{field}", None)
    data[f"{prefix}-TOTAL_FORMS"] = str(total - 1)
    return data


def filled_forms(formset: forms.BaseFormSet) -> list[forms.Form]:
    """The rows of a formset that were filled in. A row added and left empty (or sent with no
    fields at all) is ignored: not refused, and not passed on to the operation."""
    return [form for form in formset.forms if not (form.empty_permitted and not form.has_changed())]


def filled_rows(formset: forms.BaseFormSet) -> list[dict]:
    """The cleaned data of a valid formset's filled rows, in order; operation errors keyed
    "<prefix>.<n>" name the n-th of these, and apply_errors() puts them there."""
    return [form.cleaned_data for form in filled_forms(formset)]


def cleaned_or_none(field: forms.Field, value):
    """A raw value read outside a form's validation (a search term, a name to look up) as
    `field` cleans it, or None when the field refuses it (a NUL byte, too long): such a value
    never reaches the database."""
    try:
        return field.clean(value)
    except ValidationError:
        return None


def apply_errors(
    error: ValidationError,
    form: forms.Form,
    formsets: dict[str, forms.BaseFormSet],
    strip_prefix: str = "",
) -> dict[str, list[str]]:
    """Put an operation's errors where the user typed: "vpc" on the form's field,
    "ports.2.terminal_port" on the third filled row of the ports formset (see filled_rows).
    Returns errors about a whole formset ({"ports": [...]}) for the template to show above
    its rows."""
    sections: dict[str, list[str]] = {}
    for key, errors in error.update_error_dict({}).items():
        messages = [m for e in errors for m in ValidationError(e).messages]
        key = key.removeprefix(strip_prefix) if strip_prefix else key
        prefix, _, rest = key.partition(".")
        if prefix in formsets and rest:
            row, _, field = rest.partition(".")
            filled_forms(formsets[prefix])[int(row)].add_error(field or None, messages)
        elif prefix in formsets:
            sections.setdefault(prefix, []).extend(messages)
        elif key in form.fields:
            form.add_error(key, messages)
        else:
            form.add_error(None, messages)
    return sections


def without_errors(*items):
    """Bound forms and formsets that render what was typed but no errors yet: for a form
    re-rendered because a row was added or a choice changed, not because it was submitted."""
    for item in items:
        if isinstance(item, forms.BaseFormSet):
            item._non_form_errors = ErrorList()
            item._errors = []
            without_errors(*item.forms)
        else:
            item._errors = ErrorDict()
            item.cleaned_data = {}
    return items


def error_messages(form: forms.Form) -> list[str]:
    """A refused form's errors as messages that name their field, for a form whose fields sit
    in a table row and whose answer is a redirect with messages."""
    texts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        texts += [
            gettext("%(field)s: %(error)s") % {"field": label, "error": e} if label else e
            for e in errors
        ]
    return texts


def with_errors_of(form: forms.Form, *names: str) -> forms.Form:
    """A form re-rendered without errors (see without_errors) but for the named fields, checked
    alone: 验证 says at the field why a typed name cannot be looked up (a NUL byte, too long)."""
    without_errors(form)
    for name in names:
        try:
            form.fields[name].clean(form[name].value())
        except ValidationError as exc:
            form.add_error(name, exc)
    return form


def is_uuid(value) -> bool:
    """Whether a submitted value can be an object's UUID (a forged one is simply not found)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def refuse_json_constant(name: str):
    """json.loads(..., parse_constant=this): NaN and Infinity are not JSON, and PostgreSQL's
    jsonb refuses them (a 500 there), so they are refused as bad JSON everywhere."""
    raise ValueError(f"{name} is not a JSON number")


def form_helper(*fields, horizontal: bool = True, **attrs) -> FormHelper:
    """A crispy FormHelper for a form whose <form> tag and csrf token the template writes:
    the layout's fields (crispy layout objects or names), labels beside the fields when
    `horizontal`, and `attrs` (helper settings such as form_show_labels) as given."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if horizontal:
        helper.form_class = "form-horizontal"
        helper.label_class = "col-sm-2 fw-semibold"
        helper.field_class = "col-sm-10"
    for name, value in attrs.items():
        setattr(helper, name, value)
    helper.layout = Layout(*fields)
    return helper


class Cell(Field):
    """A field of a formset row, in its table cell: the pack's field template with tag td."""

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        extra_context = {**(extra_context or {}), "tag": "td"}
        return super().render(form, context, template_pack, extra_context, **kwargs)


class RowFormSet(forms.BaseFormSet):
    """A formset shown as table rows (port mappings, tags, whitelist records): each row is
    rendered by crispy ({% crispy row %}) as one cell per field. The column headers show the
    labels; each control is named with its row for screen readers ("协议 2"), or as the form's
    `row_labels` say ({"principal": _("Authorized account ID %(n)d")})."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        row_labels = getattr(form, "row_labels", {})
        for name, field in form.fields.items():
            label = row_labels.get(name)
            label = label % {"n": i + 1} if label else f"{field.label} {i + 1}"
            field.widget.attrs["aria-label"] = label
        form.helper = form_helper(
            *(Cell(name) for name in form.fields), horizontal=False, form_show_labels=False
        )
        return form


class FieldWithList(Field):
    """A choice followed by its 查看… link (查看虚拟私有云, 查看负载均衡) that shows in place
    what it chooses from (the console has no VPC or ELB pages of its own): `rows(form)` gives
    the table's rows, one tuple of cells each, under `columns`."""

    template = "ui/field_with_list.html"

    def __init__(self, name, *, link, columns, rows, empty, **kwargs):
        super().__init__(name, **kwargs)
        self.list = {"link": link, "columns": columns, "rows": rows, "empty": empty}

    def render(self, form, context, template_pack=TEMPLATE_PACK, extra_context=None, **kwargs):
        listing = {**self.list, "rows": self.list["rows"](form), "id": f"{self.fields[0]}-list"}
        extra_context = {**(extra_context or {}), "listing": listing}
        return super().render(form, context, template_pack, extra_context, **kwargs)


def vpc_field(name: str = "vpc", **attrs) -> FieldWithList:
    """The VPC choice of a create form with 查看虚拟私有云: the VPCs it offers, name and CIDR."""
    return FieldWithList(
        name,
        link=gettext_lazy("View VPCs"),
        columns=(gettext_lazy("VPC"), gettext_lazy("CIDR")),
        rows=lambda form: [(v.name, v.cidr) for v in form.fields[name].queryset],
        empty=gettext_lazy("Your account has no VPC in this region."),
        **attrs,
    )
