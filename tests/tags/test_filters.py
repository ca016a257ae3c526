"""Filtering the lists by tag (issue 10, Tags): `key` or `key=value`, several with commas; the
same fixed number of queries with the filter applied."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from console.tags.filters import parse_tag_query
from endpoints import operations as endpoint_ops
from services import operations as service_ops

from .conftest import project, tag, user

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_a_query_is_keys_or_key_value_pairs():
    assert parse_tag_query(" env=prod , team,owner= ") == [
        ("env", "prod"),
        ("team", None),
        ("owner", ""),
    ]
    assert parse_tag_query(" , ") == []


@pytest.mark.parametrize("text", ["bad key!", "env=a b", "=prod", ",".join(["k"] * 11)])
def test_a_bad_query_is_refused_naming_the_term(text):
    with pytest.raises(ValidationError) as excinfo:
        parse_tag_query(text)
    if "," not in text:
        assert text.strip() in excinfo.value.messages[0]


def test_the_services_list_filters_by_key_or_key_value(login, web, app):
    tag(web, env="prod", team="shop")
    tag(app, env="dev")
    client = login("a-member")
    url = reverse("services:list")
    both = html(client.get(url, {"tag": "env"}))
    assert web.service_name in both and app.service_name in both
    prod = html(client.get(url, {"tag": "env=prod"}))
    assert web.service_name in prod and app.service_name not in prod
    assert app.service_name in html(client.get(url, {"tag": "env=dev"}))
    assert "没有符合条件" in html(client.get(url, {"tag": "env=test"}))
    # Several: all must match.
    page = html(client.get(url, {"tag": "env=prod, team"}))
    assert web.service_name in page and app.service_name not in page
    assert "没有符合条件" in html(client.get(url, {"tag": "env=dev,team"}))
    # With the other filters and sorting.
    page = html(client.get(url, {"tag": "env", "q": "app", "sort": "service_name"}))
    assert app.service_name in page and web.service_name not in page


def test_a_bad_tag_lists_nothing_and_says_why(login, web):
    tag(web, env="prod")
    response = login("a-admin").get(reverse("services:list"), {"tag": "env=a b"})
    page = html(response)
    assert response.status_code == 200 and 'data-testid="filter-errors"' in page
    assert "标签：env=a b：标签值" in page and web.service_name not in page


def test_another_accounts_tagged_services_stay_invisible(login, web):
    tag(web, env="prod")
    page = html(login("b-admin").get(reverse("services:list"), {"tag": "env=prod"}))
    assert web.service_name not in page and "没有符合条件" in page


def test_the_filter_bar_has_the_tag_field_with_label_and_help(login, demo_data):
    for name in ("services:list", "endpoints:list"):
        page = html(login("a-member").get(reverse(name)))
        assert '<label class="form-label small mb-1" for="id_tag">标签</label>' in page
        assert 'aria-describedby="id_tag_helptext"' in page
        assert 'id="id_tag_helptext"' in page and "键 或 键=值" in page


def test_the_english_filter_bar(login, demo_data):
    page = html(login("a-member").get(reverse("services:list"), HTTP_ACCEPT_LANGUAGE="en"))
    assert ">Tag</label>" in page and "separate several with commas" in page


def test_the_endpoints_list_filters_by_tag(login, dns, a_request):
    admin = user("a-admin")
    prod = endpoint_ops.create_endpoint(
        admin, project("tenant-a"), service_id=dns.pk, tags=[("env", "prod")], **a_request
    )
    dev = endpoint_ops.create_endpoint(
        admin, project("tenant-a"), service_id=dns.pk, tags=[("env", "dev")], **a_request
    )
    client = login("a-member")
    url = reverse("endpoints:list")
    page = html(client.get(url, {"tag": "env=prod"}))
    assert str(prod.pk) in page and str(dev.pk) not in page
    page = html(client.get(url, {"tag": "env"}))
    assert str(prod.pk) in page and str(dev.pk) in page
    page = html(client.get(url, {"tag": "env"}, headers={"HX-Request": "true"}))
    assert "<html" not in page and str(prod.pk) in page


def test_the_services_list_with_a_tag_filter_runs_a_fixed_number_of_queries(
    login, web, create_kwargs, django_assert_num_queries
):
    tag(web, env="prod")
    client = login("a-admin")
    url = reverse("services:list")
    client.get(url)
    with django_assert_num_queries(7) as plain:  # one count: the page's and the quota's
        client.get(url)
    with django_assert_num_queries(len(plain.captured_queries) + 1):  # filtered: + the quota's
        assert web.service_name in html(client.get(url, {"tag": "env=prod, env"}))
    for _ in range(10):
        service_ops.create_service(
            user("a-admin"), web.project, tags=[("env", "prod"), ("team", "x")], **create_kwargs
        )
    with django_assert_num_queries(len(plain.captured_queries) + 1):  # filtered: + the quota's
        page = html(client.get(url, {"tag": "env=prod, team"}))
    assert page.count('<tr class="') == 10 and web.service_name not in page


def test_the_endpoints_list_with_a_tag_filter_runs_a_fixed_number_of_queries(
    login, dns, a_request, django_assert_num_queries
):
    client = login("a-admin")
    url = reverse("endpoints:list")
    endpoint_ops.create_endpoint(
        user("a-admin"), project("tenant-a"), service_id=dns.pk, tags=[("env", "a")], **a_request
    )
    client.get(url)
    with django_assert_num_queries(7) as plain:  # one count: the page's and the quota's
        client.get(url)
    with django_assert_num_queries(len(plain.captured_queries) + 1):  # filtered: + the quota's
        client.get(url, {"tag": "env=a"})
    for _ in range(10):
        endpoint_ops.create_endpoint(
            user("a-admin"),
            project("tenant-a"),
            service_id=dns.pk,
            tags=[("env", "a"), ("k", "")],
            **a_request,
        )
    with django_assert_num_queries(len(plain.captured_queries) + 1):  # filtered: + the quota's
        page = html(client.get(url, {"tag": "env=a,k="}))
    assert page.count("cn.ctyun.cn-gzt.dns") >= 10
