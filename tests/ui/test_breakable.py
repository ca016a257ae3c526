"""Issue 12, narrow screens: long names and IDs wrap after dots and hyphens, never mid-word."""

from django.template import Context, Template
from django.utils.safestring import mark_safe

from console.ui.templatetags.ui import breakable


def test_a_name_may_wrap_after_its_dots_and_hyphens():
    assert breakable("cn-gzt.web.ab12") == "cn-<wbr>gzt.<wbr>web.<wbr>ab12"


def test_text_without_separators_is_left_whole():
    assert breakable("abcdef") == "abcdef"


def test_markup_typed_by_a_user_is_escaped_not_broken_open():
    html = Template("{% load ui %}{{ name|breakable }}").render(
        Context({"name": '<img src=x onerror="a.b">'})
    )
    assert "<img" not in html
    assert html.startswith("&lt;img src=x onerror=&quot;a.<wbr>b&quot;&gt;")


def test_markup_already_built_stays_whole():
    link = mark_safe('<a href="/services/x-y/">x</a>')
    assert breakable(link) == link
