"""cell_html (issue 13): the rows' faster format_html escapes exactly as Django's does."""

import uuid

import pytest
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from console.ui.tables import cell_html

lazy_text = lazy(str, str)
ARGUMENTS = st.one_of(
    st.text(),
    st.text(alphabet="<>&\"' ab").map(lazy_text),
    st.text(alphabet="<b>&").map(mark_safe),
    st.integers(),
    st.none(),
    st.uuids(),
    st.sampled_from([gettext_lazy("Delete"), uuid.UUID(int=0), 1.5, True]),
)


@given(st.lists(ARGUMENTS, min_size=1, max_size=6))
def test_it_gives_what_format_html_gives_for_any_arguments(args):
    format_string = "<a " + " ".join('x="{}"' for _ in args) + ">"
    made = cell_html(format_string, *args)
    assert made == format_html(format_string, *args)
    assert isinstance(made, SafeString)


def test_markup_in_a_value_is_escaped_and_markup_made_safe_is_kept():
    made = cell_html("<td>{}{}</td>", "<script>alert('x')</script>", mark_safe("<b>ok</b>"))
    assert made == "<td>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<b>ok</b></td>"


def test_without_arguments_it_refuses_as_format_html_does():
    for make in (cell_html, format_html):
        with pytest.raises(TypeError):
            make("<b>{{}}</b>")
