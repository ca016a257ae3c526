"""The services side's forms rendered by crispy-bootstrap5 (issue 12), with the manual's words:
查看虚拟私有云 and 查看负载均衡 on the create form, 键/值 with 编辑 and 删除 on the tag tab."""

import re

import pytest
from django.urls import reverse

from console.network.models import VPC

from .conftest import project
from .test_views import form_data, html

pytestmark = pytest.mark.django_db


def listing(page: str, testid: str) -> str:
    """The rows of a 查看… table (console.ui.forms.FieldWithList)."""
    return re.search(rf'data-testid="{testid}".*?</table>', page, re.S).group(0)


def test_the_create_form_lists_the_vpcs_and_the_chosen_vpcs_load_balancers(login, a_network):
    client = login("a-admin")
    page = html(client.get(reverse("services:create")))
    assert "查看虚拟私有云" in page and "查看负载均衡" in page and "查看预定义标签" in page
    vpcs = listing(page, "vpc-list")
    assert "vpc-638b" in vpcs and "192.168.0.0/20" in vpcs
    other = VPC.objects.filter(project=project("tenant-b")).first()
    assert other.name not in vpcs or other.cidr not in vpcs  # tenant-b's are not listed
    assert other.pk.hex not in page and str(other.pk) not in page
    assert "该虚拟私有云中没有。" in listing(page, "backend-list")  # no VPC chosen yet
    # Choosing the VPC re-renders the fields (htmx): its load balancers are listed.
    vpc = str(a_network["vpc"].pk)
    page = html(client.get(reverse("services:create"), {"vpc": vpc}, HTTP_HX_REQUEST="true"))
    assert "elb-97rn" in listing(page, "backend-list")
    # ... and the servers when the backend type is 云服务器.
    page = html(
        client.get(
            reverse("services:create"),
            {"vpc": vpc, "backend_type": "VM"},
            HTTP_HX_REQUEST="true",
        )
    )
    assert "查看云服务器" in page and "ecs-66a6" in listing(page, "backend-list")


def test_the_create_form_is_crispy_with_htmx_on_the_layout(login, a_network):
    page = html(login("a-admin").get(reverse("services:create")))
    vpc = re.search(r'<select[^>]*name="vpc"[^>]*>', page).group(0)
    assert 'hx-get="/services/create/"' in vpc and 'hx-target="#service-form-fields"' in vpc
    assert 'id="div_id_name"' in page and 'id="div_id_ports-0-service_port"' in page
    switch = re.search(r'<input[^>]*name="approval_enabled"[^>]*>', page).group(0)
    assert 'role="switch"' in switch and 'aria-describedby="id_approval_enabled_helptext"' in switch
    port = re.search(r'<input[^>]*name="ports-0-service_port"[^>]*>', page).group(0)
    assert 'aria-label="服务端口 1"' in port
    add = re.search(r'<button[^>]*value="add_port"[^>]*>', page, re.S).group(0)
    assert 'hx-post="/services/create/"' in add


def test_a_refused_create_keeps_what_was_typed_with_the_error_at_its_row(login, a_network):
    response = login("a-admin").post(
        reverse("services:create"), form_data(a_network, **{"ports-1-terminal_port": "70000"})
    )
    assert response.status_code == 422
    page = html(response)
    row = re.search(r'<input[^>]*name="ports-1-terminal_port"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in row and 'value="70000"' in row and "is-invalid" in row
    assert 'id="id_ports-1-terminal_port_error"' in page
    assert re.search(r'name="name"[^>]*value="shop"', page)


def test_the_edit_form_names_the_full_name_in_the_help(login, web):
    page = html(login("a-admin").get(reverse("services:edit", args=[web.pk])))
    assert web.service_name in page and 'id="id_name_helptext"' in page
    assert f'hx-get="/services/{web.pk}/edit/"' in page  # the backend type re-renders


@pytest.fixture
def tagged(web):
    return web.tags.create(key="env", value="prod")


def test_the_tag_tab_has_key_and_value_with_edit_and_delete(login, web, tagged):
    url = reverse("services:tags", args=[web.pk])
    page = html(login("a-admin").get(url))
    assert re.search(r"<th[^>]*>键</th>\s*<th[^>]*>值</th>", page)
    assert f'href="{url}?edit={tagged.pk}#tag-row-{tagged.pk}"' in page and "删除" in page
    assert f'id="tag-value-{tagged.pk}"' not in page  # shown as text until 编辑
    page = html(login("a-admin").get(url, {"edit": tagged.pk}))
    field = re.search(rf'<input[^>]*id="tag-value-{tagged.pk}"[^>]*>', page).group(0)
    assert 'value="prod"' in field and ">保存</button>" in page


def test_a_member_sees_the_tags_without_edit_or_delete(login, web, tagged):
    url = reverse("services:tags", args=[web.pk])
    for query in ({}, {"edit": tagged.pk}):
        page = html(login("a-member").get(url, query))
        assert "prod" in page and "#tag-row-" not in page and "编辑<span" not in page
        assert 'id="tag-value-' not in page and 'name="delete"' not in page


def test_a_refused_tag_is_named_at_its_field(login, web):
    response = login("a-admin").post(
        reverse("services:tags", args=[web.pk]), {"key": "bad key", "value": "v"}
    )
    assert response.status_code == 422
    page = html(response)
    key = re.search(r'<input[^>]*name="key"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in key and 'value="bad key"' in key
    assert 'id="id_key_error"' in page
    assert not web.tags.exists()
