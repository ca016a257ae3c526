import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BREAK_AFTER = re.compile(r"([.\-_/:@])")


@register.filter
def breakable(value) -> SafeString:
    """Escaped text with a <wbr> after each dot, hyphen, underscore, slash, colon and @, so
    a long name or ID wraps there (cn-gzt.<wbr>web.<wbr>…) instead of at every character."""
    if hasattr(value, "__html__"):  # markup already: its tags must stay whole
        return value
    return mark_safe(_BREAK_AFTER.sub(r"\1<wbr>", str(conditional_escape(value))))


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
