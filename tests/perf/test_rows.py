"""Issue 13: a list's rows are built once per column (BaseTable.body_rows) and its page read by
key (page_by_key); the HTML is what django-tables2's own per-cell rendering gives."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.db.models import Count
from django.template import Context, Template
from django.template.base import render_value_in_context
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from bench.grow import grow
from console.tenancy.models import User
from console.ui.tables import DateTimeColumn, page_by_key
from services.demo import web_service
from services.models import EndpointService

pytestmark = pytest.mark.django_db


def lists() -> dict[str, list[str]]:
    web = web_service()
    return {
        "a-admin": [
            reverse("services:list"),
            reverse("services:list") + "?sort=-service_name&page=2",
            reverse("endpoints:list"),
            reverse("endpoints:list") + "?sort=status",
            reverse("activity"),
            reverse("services:connections", args=[web.pk]),
            reverse("services:permissions", args=[web.pk]),
        ],
        "a-approver": [
            reverse("inbox"),
            reverse("services:connections", args=[web.pk]),
            reverse("services:permissions", args=[web.pk]),
        ],
        "operator": [reverse("services:list"), reverse("endpoints:list"), reverse("activity")],
    }


def per_cell(table, first_row_odd: bool) -> list[str]:
    """The rows as django-tables2 renders them: {% for column, cell in row.items %}."""
    context = Context()
    table._counter = itertools.count(int(first_row_odd))  # the rows' even/odd counter
    return [
        f"<tr {row.attrs.as_html()}>"
        + "".join(
            f"<td {column.attrs['td'].as_html()}>{render_value_in_context(cell, context)}</td>"
            for column, cell in row.items()
        )
        + "</tr>"
        for row in table.paginated_rows
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_list_shows_the_rows_django_tables2_would(client, demo_data, language):
    grow(30)
    for username, urls in lists().items():
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url, headers={"accept-language": language})
            assert response.status_code == 200, url
            table = response.context["table"]
            rows = table.body_rows
            assert len(rows) >= 2, url  # something to compare
            assert rows == per_cell(table, re.search(r"\b(even|odd)\b", rows[0])[1] == "odd")
            assert all(row in response.content.decode() for row in rows), url


def test_a_page_is_read_by_its_keys_and_is_the_same_page(login):
    grow(30)
    client = login("operator")
    url = reverse("services:list") + "?sort=-service_name&page=2"
    with CaptureQueriesContext(connection) as captured:
        table = client.get(url).context["table"]
    shown = [row.record.pk for row in table.paginated_rows]
    everyone = EndpointService.objects.order_by("-service_name", "pk")  # the operator: all
    everyone = everyone.filter(project__region__code="cn-gzt")
    assert shown == [s.pk for s in everyone[20:40]]
    page = [q["sql"] for q in captured.captured_queries if "LIMIT 20 OFFSET 20" in q["sql"]]
    assert len(page) == 1 and '"services_endpointservice"."id" IN (SELECT' in page[0]


def test_what_cannot_be_read_by_key_is_read_as_it_was(demo_data):
    plain = EndpointService.objects.order_by("name")
    annotated = plain.annotate(n=Count("endpoints"))[0:5]
    assert page_by_key(annotated) is annotated  # its counts would be lost
    assert page_by_key(plain) is plain  # not a page
    assert page_by_key(plain.distinct()[0:5]).query.distinct
    page = page_by_key(plain.select_related("project__account")[1:3])
    assert list(page) == list(plain.order_by("name", "pk")[1:3])  # ties by key
    assert page.query.select_related == {"project": {"account": {}}}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("fmt", ["Y-m-d H:i", "Y-m-d H:i:s", "j F Y, l H:i", "Y年n月j日 %d"])
def test_a_time_reads_as_the_date_filter_shows_it(language, fmt):
    column = DateTimeColumn(format=fmt, default="—")
    value = datetime.datetime(2026, 3, 4, 23, 5, 9, tzinfo=datetime.UTC)
    bound = type("Bound", (), {"default": "—"})()
    with translation.override(language), timezone.override("Asia/Shanghai"):
        expected = Template("{{ v|date:f }}").render(Context({"v": value, "f": fmt}))
        assert column.render(value, bound) == expected
        assert column.render(None, bound) == "—"


def test_a_row_link_is_what_reverse_gives(demo_data):
    """reverse_ids: the URL reversed once with stand-in ids, the row's ids put in their place;
    what it cannot stand in for (a name, a pattern that refuses the stand-in) is reversed."""
    from django.urls import set_script_prefix

    from console.ui.urls import reverse_ids

    web = web_service()
    endpoint = web.endpoints.first()
    for name, args in [
        ("services:detail", [web.pk]),
        ("services:connection_history", [web.pk, endpoint.pk]),
        ("endpoints:delete_confirm", [endpoint.pk]),
    ]:
        assert reverse_ids(name, *args) == reverse(name, args=args)
    assert reverse_ids("services:detail", str(web.pk)) == reverse("services:detail", args=[web.pk])
    with pytest.raises(Exception, match="Reverse"):
        reverse_ids("services:detail", 12)  # a <uuid:pk> refuses an integer, as reverse() does
    set_script_prefix("/console/")
    try:
        assert reverse_ids("services:detail", web.pk) == f"/console/services/{web.pk}/"
    finally:
        set_script_prefix("/")
