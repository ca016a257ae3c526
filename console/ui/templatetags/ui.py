from django import template

register = template.Library()


@register.simple_tag
def widget(field):
    """A form field's widget, marked invalid (Bootstrap's is-invalid) when it has errors.
    Django itself adds aria-invalid and aria-describedby for the errors and help text."""
    if not field.errors:
        return field.as_widget()
    css = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{css} is-invalid".strip()})


@register.simple_tag
def status_badge(obj):
    """The status badge of a table cell, on detail pages too (one markup, issue 12)."""
    from console.ui.tables import status_badge as badge

    return badge(obj)


@register.inclusion_tag("ui/support_banner.html")
def support_banner(obj):
    """The banner on an object a platform operator acted on for support (issue 9, defect 10)."""
    from django.utils.dateparse import parse_datetime

    from console.audit.models import ACTION_LABELS

    note = getattr(obj, "support_note", None) or {}
    return {
        "object": obj,
        "note": note,
        "label": ACTION_LABELS.get(note.get("action"), note.get("action")),
        "at": parse_datetime(note.get("at") or ""),
    }
