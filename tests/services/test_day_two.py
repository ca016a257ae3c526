"""Day two of an endpoint service (issue 10): 修改 (name, 描述, 连接审批, backend, port mappings,
客户端IP透传), rename, cut off an accepted connection, descriptions of connections and whitelist
records, and removing a whitelist record with or without its accounts' connections. The
operations first, then the pages as each role sees them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from console.audit.models import AuditRecord
from console.network.models import LoadBalancer, Server
from endpoints.models import EndpointStatus
from endpoints.operations import find_service
from services import operations as ops
from services.models import EndpointService, Permission

from .conftest import connect, project, user, whitelist_rows

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def accepted(web):
    return web.endpoints.get(status=EndpointStatus.ACCEPTED)


def b_principal() -> str:
    return project("tenant-b").account.principal


# --- update_service ---------------------------------------------------------------------------


def test_an_administrator_changes_everything_and_the_log_has_before_and_after(web):
    ecs = Server.objects.get(name="ecs-66a6")
    ops.update_service(
        user("a-admin"),
        web.pk,
        description="shop front",
        approval_enabled=False,
        backend_type="VM",
        backend_id=ecs.pk,
        ports=[ops.Port("TCP", 8080, 80), ops.Port("UDP", 53, 53)],
        tcp_proxy="proxy_open",
    )
    web.refresh_from_db()
    assert (web.description, web.approval_enabled, web.backend, web.tcp_proxy) == (
        "shop front",
        False,
        ecs,
        "proxy_open",
    )
    assert sorted((p.protocol, p.service_port, p.terminal_port) for p in web.ports.all()) == [
        ("TCP", 8080, 80),
        ("UDP", 53, 53),
    ]
    entry = AuditRecord.objects.filter(action="service.edit").latest("pk")
    assert entry.before["backend_type"] == "LB" and entry.after["backend_type"] == "VM"
    assert entry.before["ports"] == [["TCP", 80, 80], ["TCP", 443, 443]]
    assert entry.after["tcp_proxy"] == "proxy_open" and "name" not in entry.after
    # approval off decided nothing: the pending connection still waits
    assert web.endpoints.filter(status=EndpointStatus.PENDING).count() == 1


def test_nothing_changed_writes_nothing(web):
    before = AuditRecord.objects.count()
    ops.update_service(user("a-admin"), web.pk, description="", approval_enabled=True)
    assert AuditRecord.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "no spaces"}, "name"),
        ({"name": "x" * 17}, "name"),
        ({"description": "a" * 513}, "description"),
        ({"description": "<b>"}, "description"),
        ({"tcp_proxy": "always"}, "tcp_proxy"),
        ({"approval_enabled": "yes"}, "approval_enabled"),
        ({"ports": []}, "ports"),
        ({"ports": [ops.Port("TCP", 80, 81), ops.Port("TCP", 90, 81)]}, "ports.1.terminal_port"),
        ({"ports": [ops.Port("TCP", 0, 81)]}, "ports.0.service_port"),
        ({"ports": [ops.Port("TCP", 1, 1)] * 51}, "ports"),
    ],
)
def test_bad_input_is_named_at_its_field_and_nothing_changes(web, changes, field):
    before = (web.service_name, web.description, web.ports.count(), web.tcp_proxy)
    with pytest.raises(ValidationError) as excinfo:
        ops.update_service(user("a-admin"), web.pk, **{"description": "kept?", **changes})
    assert field in excinfo.value.message_dict
    web.refresh_from_db()
    assert (web.service_name, web.description, web.ports.count(), web.tcp_proxy) == before


def test_the_backend_must_be_in_the_services_vpc(web):
    other = LoadBalancer.objects.get(name="elb-2d6f")  # tenant-b's
    with pytest.raises(ValidationError) as excinfo:
        ops.update_service(user("a-admin"), web.pk, backend_type="LB", backend_id=other.pk)
    assert "backend" in excinfo.value.message_dict
    sh = LoadBalancer.objects.get(project=project("tenant-a", "cn-sh"))  # another VPC of tenant-a
    with pytest.raises(ValidationError):
        ops.update_service(user("a-admin"), web.pk, backend_id=sh.pk)
    web.refresh_from_db()
    assert web.load_balancer.name == "elb-97rn"


def test_only_administrators_change_and_only_their_own(web):
    for name in ("a-approver", "a-member"):
        with pytest.raises(PermissionDenied):
            ops.update_service(user(name), web.pk, description="x")
    with pytest.raises(Http404):
        ops.update_service(user("b-admin"), web.pk, description="x")
    web.refresh_from_db()
    assert web.description == ""


def test_a_cloud_service_or_one_not_available_is_not_changed_here(web):
    dns = EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.dns")
    with pytest.raises(ValidationError, match="云服务由平台提供"):
        ops.update_service(user("operator"), dns.pk, description="x")
    EndpointService.objects.filter(pk=web.pk).update(status="creating")
    with pytest.raises(ValidationError, match="只有可连接时才能修改"):
        ops.update_service(user("a-admin"), web.pk, description="x")


def test_affected_connections_counts_accepted_endpoints_for_backend_ports_and_tcp_proxy(web):
    connect(web, EndpointStatus.ACCEPTED)
    assert ops.affected_connections(web, {"tcp_proxy": "toa_open"}) == 2
    assert ops.affected_connections(web, {"tcp_proxy": "close"}) == 0
    assert ops.affected_connections(web, {"ports": [ops.Port("TCP", 80, 80)]}) == 2
    same = [ops.Port("TCP", 80, 80), ops.Port("TCP", 443, 443)]
    assert ops.affected_connections(web, {"ports": same, "description": "x"}) == 0
    ecs = Server.objects.get(name="ecs-66a6")
    assert ops.affected_connections(web, {"backend_id": str(ecs.pk)}) == 2


# --- rename -----------------------------------------------------------------------------------


def test_rename_changes_the_full_name_and_the_old_one_no_longer_verifies(web):
    old = web.service_name
    b, b_project = user("b-admin"), project("tenant-b")
    assert find_service(b, b_project, old) == web
    endpoint = accepted(web)
    ops.rename_service(user("a-admin"), web.pk, "shop")
    web.refresh_from_db()
    assert web.service_name == f"cn-gzt.shop.{web.pk}"
    assert find_service(b, b_project, old) is None
    assert find_service(b, b_project, web.service_name) == web
    endpoint.refresh_from_db()  # the endpoint references the service, not its name
    assert endpoint.service == web and endpoint.status == EndpointStatus.ACCEPTED
    ops.rename_service(user("a-admin"), web.pk, "")
    web.refresh_from_db()
    assert web.service_name == f"cn-gzt.{web.pk}"
    with pytest.raises(ValidationError):
        ops.rename_service(user("a-admin"), web.pk, "bad.name")
    with pytest.raises(PermissionDenied):
        ops.rename_service(user("a-approver"), web.pk, "x")


# --- connection descriptions ----------------------------------------------------------------


def test_approvers_describe_connections(web):
    endpoint = accepted(web)
    ops.describe_connections(user("a-approver"), web.pk, {endpoint.pk: "  team shop  "})
    endpoint.refresh_from_db()
    assert endpoint.connection_description == "team shop"
    assert AuditRecord.objects.filter(action="connection.describe").exists()
    with pytest.raises(ValidationError) as excinfo:
        ops.describe_connections(user("a-approver"), web.pk, {endpoint.pk: "a" * 513})
    assert "connections.0.description" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        ops.describe_connections(user("a-member"), web.pk, {endpoint.pk: "x"})
    with pytest.raises(Http404):
        ops.describe_connections(user("b-admin"), web.pk, {endpoint.pk: "x"})
    other = connect(EndpointService.objects.get(name="app"))
    with pytest.raises(ValidationError, match="已不存在"):
        ops.describe_connections(user("a-approver"), web.pk, {other.pk: "x"})
    endpoint.refresh_from_db()
    assert endpoint.connection_description == "team shop"


def test_an_upper_case_or_unhyphenated_endpoint_id_is_the_same_connection(web):
    """A valid UUID in another spelling used to find the endpoint, then raise a KeyError (a
    500 through the API's PUT …/connections/description): review of issue 10."""
    endpoint = accepted(web)
    for spelling in (str(endpoint.pk).upper(), endpoint.pk.hex):
        ops.describe_connections(user("a-approver"), web.pk, {spelling: f"via {spelling}"})
        endpoint.refresh_from_db()
        assert endpoint.connection_description == f"via {spelling}"


# --- whitelist descriptions and removal --------------------------------------------------------


def test_whitelist_records_get_a_description_and_it_can_change(web):
    principal = f"iam:domain::{'c' * 32}"
    [added] = ops.add_permissions(user("a-approver"), web.pk, [principal], "partner")
    assert added.description == "partner"
    ops.update_permission_description(user("a-approver"), web.pk, added.pk, "ex-partner")
    added.refresh_from_db()
    assert added.description == "ex-partner"
    with pytest.raises(ValidationError) as excinfo:
        ops.add_permissions(user("a-approver"), web.pk, [f"iam:domain::{'d' * 32}"], "<x>")
    assert "description" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        ops.update_permission_description(user("a-approver"), web.pk, added.pk, "x" * 256)
    with pytest.raises(PermissionDenied):
        ops.update_permission_description(user("a-member"), web.pk, added.pk, "x")
    with pytest.raises(Http404):
        ops.update_permission_description(user("b-admin"), web.pk, added.pk, "x")
    added.refresh_from_db()
    assert added.description == "ex-partner"


def test_removing_a_record_leaves_connections_connected_unless_asked(web):
    record = web.permissions.get(principal=b_principal())
    assert ops.connections_losing_permission(web, [record.pk]) == 1
    ops.remove_permissions(user("a-approver"), web.pk, [record.pk])
    assert accepted(web).status == EndpointStatus.ACCEPTED

    record = Permission.objects.create(service=web, principal=b_principal())
    ops.remove_permissions(user("a-approver"), web.pk, [record.pk], reject_connections=True)
    assert not web.endpoints.filter(status=EndpointStatus.ACCEPTED).exists()
    assert web.endpoints.filter(status=EndpointStatus.REJECTED).count() == 1
    assert AuditRecord.objects.filter(action="connection.reject").count() == 1


def test_a_star_left_on_the_whitelist_keeps_everyone_allowed(web):
    star = Permission.objects.create(service=web, principal="*")
    record = web.permissions.get(principal=b_principal())
    assert ops.connections_losing_permission(web, [record.pk]) == 0
    assert ops.connections_losing_permission(web, [star.pk]) == 0  # b is still named
    assert ops.connections_losing_permission(web, [star.pk, record.pk]) == 1


# --- pages: 修改 -------------------------------------------------------------------------------


def edit_data(web, **overrides) -> dict:
    data = {
        "name": web.name,
        "description": web.description,
        "approval_enabled": "on" if web.approval_enabled else "",
        "backend_type": web.backend_type,
        "backend": str(web.backend.pk),
        "tcp_proxy": web.tcp_proxy,
        "ports-TOTAL_FORMS": "2",
        "ports-INITIAL_FORMS": "0",
        "ports-0-protocol": "TCP",
        "ports-0-service_port": "80",
        "ports-0-terminal_port": "80",
        "ports-1-protocol": "TCP",
        "ports-1-service_port": "443",
        "ports-1-terminal_port": "443",
        "_action": "save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_only_administrators_see_and_open_modify(login, web):
    edit = reverse("services:edit", args=[web.pk])
    assert f'href="{edit}"' in html(login("a-admin").get(reverse("services:detail", args=[web.pk])))
    for name in ("a-approver", "a-member"):
        client = login(name)
        assert f'href="{edit}"' not in html(client.get(reverse("services:detail", args=[web.pk])))
        assert client.get(edit).status_code == 403
        assert client.post(edit, edit_data(web, description="x")).status_code == 403
    assert login("b-admin").get(edit).status_code == 404
    web.refresh_from_db()
    assert web.description == ""


def test_modify_shows_the_current_values_and_saves_the_basic_fields(login, web):
    client = login("a-admin")
    edit = reverse("services:edit", args=[web.pk])
    page = html(client.get(edit))
    assert "修改终端节点服务" in page and 'value="web"' in page and "elb-97rn" in page
    assert "待接受的连接" in page  # the switch says what turning approval off does
    response = client.post(
        edit,
        edit_data(
            web,
            name="shop",
            description="门户",
            approval_enabled=None,
            tcp_proxy="toa_open",
            _action="confirm",
        ),
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "services:detail", args=[web.pk]
    )
    page = html(client.get(response["Location"]))
    assert f"cn-gzt.shop.{web.pk}" in page and "门户" in page and "TCP 选项（TOA）" in page
    web.refresh_from_db()
    assert (web.name, web.approval_enabled, web.tcp_proxy) == ("shop", False, "toa_open")


def test_a_change_reaching_accepted_endpoints_is_confirmed_first(login, web):
    client = login("a-admin")
    edit = reverse("services:edit", args=[web.pk])
    ecs = Server.objects.get(name="ecs-66a6")
    data = edit_data(web, backend_type="VM", backend=str(ecs.pk))
    response = client.post(edit, data)
    page = html(response)
    assert response.status_code == 200 and 'data-testid="edit-confirmation"' in page
    assert "影响 1 个已接受的终端节点" in page and 'value="confirm"' in page
    web.refresh_from_db()
    assert web.backend_type == "LB"  # nothing saved before 确定
    response = client.post(edit, {**data, "_action": "confirm"})
    assert response.status_code == 302
    web.refresh_from_db()
    assert web.backend == ecs
    # a description alone reaches no endpoint: no confirmation
    assert client.post(edit, edit_data(web, description="x")).status_code == 302


def test_bad_input_comes_back_at_the_field_with_what_was_typed(login, web):
    client = login("a-admin")
    edit = reverse("services:edit", args=[web.pk])
    response = client.post(
        edit,
        edit_data(web, name="bad name", description="typed", **{"ports-1-terminal_port": "80"}),
    )
    page = html(response)
    assert response.status_code == 422
    assert 'value="bad name"' in page and "typed</textarea>" in page
    assert 'aria-invalid="true"' in page
    response = client.post(edit, edit_data(web, **{"ports-1-terminal_port": "80"}))
    assert response.status_code == 422 and "已在第 1 行使用" in html(response)
    web.refresh_from_db()
    assert (web.name, web.ports.count()) == ("web", 2)


def test_port_rows_are_added_and_removed_in_place(login, web):
    client = login("a-admin")
    edit = reverse("services:edit", args=[web.pk])
    page = html(client.post(edit, edit_data(web, _action="add_port")))
    assert 'name="ports-2-service_port"' in page
    page = html(client.post(edit, edit_data(web, _action="remove_port-0")))
    assert 'name="ports-1-service_port"' not in page and 'value="443"' in page
    response = client.post(
        edit,
        edit_data(
            web,
            **{"ports-TOTAL_FORMS": "1", "ports-1-protocol": None, "_action": "confirm"},
            **{"ports-1-service_port": None, "ports-1-terminal_port": None},
        ),
    )
    assert response.status_code == 302 and web.ports.count() == 1


def test_a_cloud_service_has_no_modify(login):
    dns = EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.dns")
    client = login("operator")
    assert reverse("services:edit", args=[dns.pk]) not in html(
        client.get(reverse("services:detail", args=[dns.pk]))
    )
    page = html(client.get(reverse("services:edit", args=[dns.pk])))
    assert "云服务由平台提供" in page and 'value="save"' not in page


def test_create_takes_a_description_and_the_list_finds_it(login, web, a_network):
    client = login("a-admin")
    response = client.post(
        reverse("services:create"),
        {
            "name": "docs",
            "vpc": a_network["vpc"].pk,
            "backend_type": "LB",
            "backend": a_network["elb"].pk,
            "description": "internal documentation",
            "ports-TOTAL_FORMS": "1",
            "ports-INITIAL_FORMS": "0",
            "ports-0-protocol": "TCP",
            "ports-0-service_port": "80",
            "ports-0-terminal_port": "8080",
            "tags-TOTAL_FORMS": "0",
            "tags-INITIAL_FORMS": "0",
            "_action": "create",
        },
    )
    assert response.status_code == 302
    assert EndpointService.objects.get(name="docs").description == "internal documentation"
    page = html(client.get(reverse("services:list"), {"q": "documentation"}))
    assert "cn-gzt.docs." in page and web.service_name not in page


# --- pages: 连接管理 ---------------------------------------------------------------------------


def test_with_approval_off_an_accepted_connection_can_be_rejected_and_accepted(login, web):
    EndpointService.objects.filter(pk=web.pk).update(approval_enabled=False)
    endpoint = accepted(web)
    client = login("a-approver")
    page = html(client.get(reverse("services:connections", args=[web.pk])))
    assert f'name="endpoint" value="{endpoint.pk}"' in page  # the ticks are there
    assert f"{reverse('services:reject_confirm', args=[web.pk])}?endpoint={endpoint.pk}" in page
    client.post(reverse("services:reject", args=[web.pk]), {"endpoint": endpoint.pk})
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.REJECTED
    consumer = html(login("b-admin").get(reverse("endpoints:detail", args=[endpoint.pk])))
    assert "已拒绝" in consumer
    client = login("a-approver")
    client.post(reverse("services:accept", args=[web.pk]), {"endpoint": endpoint.pk})
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.ACCEPTED


def test_connection_description_is_edited_and_shown(login, web):
    endpoint = accepted(web)
    url = reverse("services:connection_description", args=[web.pk, endpoint.pk])
    client = login("a-approver")
    assert url in html(client.get(reverse("services:connections", args=[web.pk])))
    response = client.post(url, {"description": "x" * 513})
    assert response.status_code == 422 and "x" * 513 in html(response)
    response = client.post(url, {"description": "B 的商城"})
    assert response.status_code == 302
    assert "B 的商城" in html(client.get(reverse("services:connections", args=[web.pk])))
    assert login("a-member").post(url, {"description": "m"}).status_code == 403
    assert login("b-admin").get(url).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.connection_description == "B 的商城"
    # the consumer never sees the provider's note
    assert "B 的商城" not in html(
        login("b-admin").get(reverse("endpoints:detail", args=[endpoint.pk]))
    )


# --- pages: 权限管理 ---------------------------------------------------------------------------


def test_whitelist_description_in_the_add_dialog_and_per_record(login, web):
    client = login("a-approver")
    url = reverse("services:permissions", args=[web.pk])
    principals = whitelist_rows(
        f"iam:domain::{'a' * 32}", f"iam:domain::{'b' * 32}", description="合作伙伴"
    )
    response = client.post(url, principals)
    assert response.status_code == 302
    assert set(
        web.permissions.filter(description="合作伙伴").values_list("principal", flat=True)
    ) == {
        f"iam:domain::{'a' * 32}",
        f"iam:domain::{'b' * 32}",
    }
    record = web.permissions.get(principal=f"iam:domain::{'a' * 32}")
    edit = reverse("services:permission_description", args=[web.pk, record.pk])
    assert edit in html(client.get(url))
    assert client.post(edit, {"description": "前合作伙伴"}).status_code == 302
    page = html(client.get(url))
    assert "前合作伙伴" in page and "合作伙伴" in page
    response = client.post(url, whitelist_rows(f"iam:domain::{'e' * 32}", description="<b>"))
    assert response.status_code == 422 and "不能包含" in html(response)
    assert not web.permissions.filter(principal=f"iam:domain::{'e' * 32}").exists()
    assert login("a-member").get(edit).status_code == 403
    assert f'href="{edit}"' not in html(login("a-member").get(url))
    bad = reverse("services:permission_description", args=[web.pk, "99999999999999999999999"])
    assert login("a-approver").get(bad).status_code == 404


def test_batch_delete_says_how_many_connections_and_offers_to_reject_them(login, web):
    record = web.permissions.get(principal=b_principal())
    client = login("a-approver")
    confirm = html(
        client.get(
            reverse("services:permissions_remove_confirm", args=[web.pk]),
            {"permission": record.pk},
        )
    )
    assert "1 个已接受的连接" in confirm and 'name="reject_connections"' in confirm
    remove = reverse("services:permissions_remove", args=[web.pk])
    client.post(remove, {"permission": record.pk})
    assert accepted(web).status == EndpointStatus.ACCEPTED  # still connected
    record = Permission.objects.create(service=web, principal=b_principal())
    client.post(remove, {"permission": record.pk, "reject_connections": "on"})
    assert not web.endpoints.filter(status=EndpointStatus.ACCEPTED).exists()


# --- 客户端IP透传 on the linux data plane (issue 14) ----------------------------------------------


@pytest.mark.parametrize("choice", ["toa_open", "open"])
def test_toa_is_refused_at_its_field_on_the_linux_data_plane(login, web, settings, choice):
    settings.DATAPLANE = "linux"
    with pytest.raises(ValidationError) as excinfo:
        ops.update_service(user("a-admin"), web.pk, tcp_proxy=choice)
    assert "proxy_open" in " ".join(excinfo.value.message_dict["tcp_proxy"])
    page = login("a-admin").post(
        reverse("services:edit", args=[web.pk]), edit_data(web, tcp_proxy=choice, description="x")
    )
    assert "TOA" in " ".join(page.context["form"].errors["tcp_proxy"])
    web.refresh_from_db()
    assert (web.tcp_proxy, web.description) == ("close", "")  # nothing saved
    ops.update_service(user("a-admin"), web.pk, tcp_proxy="proxy_open")  # PROXY v2 is fine
    web.refresh_from_db()
    assert web.tcp_proxy == "proxy_open"


def test_a_service_already_on_toa_can_still_be_edited_on_the_linux_data_plane(web, settings):
    web.tcp_proxy = "toa_open"
    web.save(update_fields=["tcp_proxy"])
    settings.DATAPLANE = "linux"
    ops.update_service(user("a-admin"), web.pk, tcp_proxy="toa_open", description="kept TOA")
    web.refresh_from_db()
    assert (web.tcp_proxy, web.description) == ("toa_open", "kept TOA")


def test_toa_is_accepted_on_the_simulated_data_plane(web, settings):
    assert settings.DATAPLANE == "simulated"
    ops.update_service(user("a-admin"), web.pk, tcp_proxy="toa_open")
    web.refresh_from_db()
    assert web.tcp_proxy == "toa_open"


@pytest.mark.parametrize("name", ["x" * 40, "no spaces"])
def test_a_bad_name_gets_one_message_at_its_field(login, web, name):
    """The name rule says the length too: not a second, Django-worded message beside it
    (walkthrough, 2026-11-29); the browser's own limit stays on the input."""
    page = login("a-admin").post(reverse("services:edit", args=[web.pk]), edit_data(web, name=name))
    assert page.context["form"].errors["name"] == [
        "长度不超过 16 个字符，允许输入大小写字母、数字、下划线、中划线。"
    ]
    assert 'maxlength="16"' in page.content.decode()
    web.refresh_from_db()
    assert web.name == "web"
    page = login("a-admin").post(
        reverse("services:edit", args=[web.pk]), edit_data(web, name="shop")
    )
    web.refresh_from_db()
    assert web.name == "shop"
