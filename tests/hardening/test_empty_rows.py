"""Rows added and left empty on the create pages (issue 9, defect 2): an empty row is ignored,
a half-filled one is named at its row; never a 500."""

import pytest
from django.urls import reverse

from endpoints.models import Endpoint
from services.models import EndpointService
from tests.endpoints.test_views import wizard_data
from tests.services.test_views import form_data

pytestmark = pytest.mark.django_db


def one_port(a_network, **overrides):
    """The create form with one port row and one tag row (env=prod)."""
    data = form_data(a_network, **{"ports-TOTAL_FORMS": "1"})
    for field in ("protocol", "service_port", "terminal_port"):
        data.pop(f"ports-1-{field}")
    return {**data, **overrides}


def created(name="shop") -> EndpointService | None:
    return EndpointService.objects.filter(name=name).first()


# --- 终端节点服务 ----------------------------------------------------------------------------


def test_an_empty_tag_row_is_ignored(login, a_network):
    data = one_port(a_network, **{"tags-TOTAL_FORMS": "2", "tags-1-key": "", "tags-1-value": ""})
    response = login("a-admin").post(reverse("services:create"), data)
    assert response.status_code == 302
    assert [(t.key, t.value) for t in created().tags.all()] == [("env", "prod")]


def test_an_empty_second_port_row_is_ignored(login, a_network):
    # ports-TOTAL_FORMS=2 and no ports-1-* fields at all, as a forged or truncated post sends
    response = login("a-admin").post(
        reverse("services:create"), one_port(a_network, **{"ports-TOTAL_FORMS": "2"})
    )
    assert response.status_code == 302 and created().ports.count() == 1


def test_a_port_row_added_and_left_as_it_came_is_ignored(login, a_network):
    # 添加端口映射, then 立即创建: the new row's protocol select still says TCP
    data = one_port(a_network, **{"ports-TOTAL_FORMS": "2", "ports-1-protocol": "TCP"})
    data.update({"ports-1-service_port": "", "ports-1-terminal_port": ""})
    assert login("a-admin").post(reverse("services:create"), data).status_code == 302
    assert created().ports.count() == 1


def test_every_row_empty_is_refused_at_the_first_port_row(login, a_network):
    data = one_port(a_network, **{"tags-TOTAL_FORMS": "1", "tags-0-key": "", "tags-0-value": ""})
    data.update({"ports-0-service_port": "", "ports-0-terminal_port": ""})
    response = login("a-admin").post(reverse("services:create"), data)
    assert response.status_code == 422 and created() is None
    assert response.context["ports"].forms[0].errors["service_port"]
    assert not response.context["tags"].forms[0].errors  # the empty tag row is no error


def test_a_half_filled_row_is_named_at_its_row(login, a_network):
    data = one_port(
        a_network,
        **{
            "ports-TOTAL_FORMS": "2",
            "ports-1-protocol": "UDP",
            "ports-1-service_port": "53",  # and no terminal port
            "tags-TOTAL_FORMS": "2",
            "tags-1-value": "only-a-value",  # a value without its key; tags-1-key missing
        },
    )
    response = login("a-admin").post(reverse("services:create"), data)
    assert response.status_code == 422 and created() is None
    ports, tags = response.context["ports"], response.context["tags"]
    assert ports.forms[1].errors["terminal_port"] and not ports.forms[0].errors
    assert tags.forms[1].errors["key"] and not tags.forms[0].errors
    assert 'value="only-a-value"' in response.content.decode()


def test_an_operation_error_lands_on_its_row_past_an_empty_one(login, a_network):
    # Rows: 80->8080 TCP, empty, 81->8080 TCP (a duplicate terminal port). The operation
    # sees two rows; its "ports.1" is the third row on the page.
    data = form_data(
        a_network,
        **{
            "ports-TOTAL_FORMS": "3",
            "ports-1-protocol": "TCP",
            "ports-1-service_port": "",
            "ports-1-terminal_port": "",
            "ports-2-protocol": "TCP",
            "ports-2-service_port": "81",
            "ports-2-terminal_port": "8080",
        },
    )
    response = login("a-admin").post(reverse("services:create"), data)
    assert response.status_code == 422 and created() is None
    forms = response.context["ports"].forms
    assert forms[2].errors["terminal_port"] and not forms[1].errors and not forms[0].errors


# --- 终端节点 ---------------------------------------------------------------------------------


def test_an_empty_tag_row_is_ignored_in_the_wizard(login, dns):
    client = login("a-admin")
    data = {**wizard_data(dns), "tags-TOTAL_FORMS": "3", "tags-1-key": "", "_action": "confirm"}
    confirm = client.post(reverse("endpoints:create"), data)  # tags-2-* missing altogether
    assert confirm.status_code == 200 and "env=prod" in confirm.content.decode()
    payload = confirm.context["payload"]
    response = client.post(reverse("endpoints:create"), {"_action": "submit", "payload": payload})
    assert response.status_code == 302
    endpoint = Endpoint.objects.get(project__account__name="tenant-a")
    assert [(t.key, t.value) for t in endpoint.tags.all()] == [("env", "prod")]


def test_a_tag_value_without_its_key_is_named_at_its_row_in_the_wizard(login, dns):
    data = {**wizard_data(dns), "tags-TOTAL_FORMS": "2", "tags-1-value": "x"}
    response = login("a-admin").post(reverse("endpoints:create"), {**data, "_action": "confirm"})
    assert response.status_code == 422
    assert response.context["tags"].forms[1].errors["key"]
    assert not Endpoint.objects.filter(project__account__name="tenant-a").exists()
