"""Endpoint service operations: every rule accepted and refused (S2-S11), with its audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from console.audit.models import AuditRecord
from console.network.models import VPC, LoadBalancer, NetworkACLRule, Server
from console.quotas.models import Quota
from console.tags import operations as tag_ops
from endpoints.models import Endpoint, EndpointStatus
from services import operations as ops
from services.backend_check import check_backend
from services.models import EndpointService, Permission, ServiceStatus
from services.operations import Port

from .conftest import connect, project, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- create (S2-S5) -------------------------------------------------------------------------


def test_create_makes_a_service_that_becomes_available(
    a_network, create_kwargs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service = ops.create_service(
            user("a-admin"),
            a_network["project"],
            name="shop",
            approval_enabled=True,
            tags=[("env", "prod")],
            **{**create_kwargs, "ports": [Port("TCP", 80, 8080), Port("UDP", 53, 53)]},
        )
        assert service.status == ServiceStatus.CREATING
    service.refresh_from_db()
    assert service.status == ServiceStatus.AVAILABLE
    assert service.service_name == f"cn-gzt.shop.{service.pk}"
    assert service.backend == a_network["elb"] and service.approval_enabled
    assert [(p.protocol, p.service_port, p.terminal_port) for p in service.ports.all()] == [
        ("TCP", 80, 8080),
        ("UDP", 53, 53),
    ]
    assert {t.key: t.value for t in service.tags.all()} == {"env": "prod"}
    actions = list(
        AuditRecord.objects.filter(resource_id=str(service.pk)).values_list("action", "actor_name")
    )
    assert actions[::-1] == [("service.create", "a-admin"), ("service.provision", "system")]


def test_a_service_without_a_name_is_named_region_dot_id(a_network, create_kwargs):
    service = ops.create_service(user("a-admin"), a_network["project"], **create_kwargs)
    assert service.service_name == f"cn-gzt.{service.pk}"


def test_an_ecs_backend_is_accepted(a_network, create_kwargs):
    service = ops.create_service(
        user("a-admin"),
        a_network["project"],
        **{**create_kwargs, "backend_type": "VM", "backend_id": a_network["ecs"].pk},
    )
    assert service.server == a_network["ecs"] and service.load_balancer is None


@pytest.mark.parametrize("name", ["a" * 17, "shop!", "商店", "a b"])
def test_a_bad_name_is_refused_at_the_field(a_network, create_kwargs, name):
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(user("a-admin"), a_network["project"], name=name, **create_kwargs)
    assert "16 characters" in errors(excinfo)["name"][0]
    assert EndpointService.objects.filter(project=a_network["project"]).count() == 2


@pytest.mark.parametrize("choice", ["always", "", None])
def test_an_unknown_client_ip_pass_through_is_refused_at_its_field(
    a_network, create_kwargs, choice
):
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(user("a-admin"), a_network["project"], tcp_proxy=choice, **create_kwargs)
    assert "proxy_open" in errors(excinfo)["tcp_proxy"][0]  # the choices are named
    assert EndpointService.objects.filter(project=a_network["project"]).count() == 2


def test_client_ip_pass_through_is_kept_from_create(a_network, create_kwargs):
    service = ops.create_service(
        user("a-admin"), a_network["project"], tcp_proxy="proxy_open", **create_kwargs
    )
    service.refresh_from_db()
    assert service.tcp_proxy == "proxy_open"


def test_another_accounts_vpc_or_backend_is_refused(a_network, create_kwargs):
    b_vpc = VPC.objects.get(name="vpc-4e1c")
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(
            user("a-admin"), a_network["project"], **{**create_kwargs, "vpc_id": b_vpc.pk}
        )
    assert "vpc" in errors(excinfo)
    b_elb = LoadBalancer.objects.get(name="elb-2d6f")
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(
            user("a-admin"), a_network["project"], **{**create_kwargs, "backend_id": b_elb.pk}
        )
    assert "backend" in errors(excinfo)


def test_the_backend_must_be_in_the_chosen_vpc_and_of_the_chosen_type(a_network, create_kwargs):
    other_vpc_server = Server.objects.get(name="ecs-0b9e")  # tenant-a, but cn-sh
    for backend_type, backend_id in (
        ("VM", other_vpc_server.pk),
        ("VM", a_network["elb"].pk),
        ("XX", a_network["elb"].pk),
    ):
        with pytest.raises(ValidationError) as excinfo:
            ops.create_service(
                user("a-admin"),
                a_network["project"],
                **{**create_kwargs, "backend_type": backend_type, "backend_id": backend_id},
            )
        assert {"backend", "backend_type"} & errors(excinfo).keys()


@pytest.mark.parametrize(
    ("ports", "key", "text"),
    [
        ([], "ports", "at least one"),
        ([Port("TCP", n, n) for n in range(1, 52)], "ports", "At most 50"),
        ([Port("TCP", 0, 80)], "ports.0.service_port", "1 to 65535"),
        ([Port("TCP", 80, 65536)], "ports.0.terminal_port", "1 to 65535"),
        ([Port("ICMP", 80, 80)], "ports.0.protocol", "TCP or UDP"),
        (
            [Port("TCP", 80, 80), Port("TCP", 81, 80)],
            "ports.1.terminal_port",
            "already used in row 1",
        ),
    ],
)
def test_bad_port_mappings_are_refused_with_the_row_named(
    a_network, create_kwargs, ports, key, text
):
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(
            user("a-admin"), a_network["project"], **{**create_kwargs, "ports": ports}
        )
    assert text in " ".join(errors(excinfo)[key])
    assert not EndpointService.objects.filter(ports__service_port=81).exists()


def test_the_same_terminal_port_for_tcp_and_udp_and_fifty_mappings_are_accepted(
    a_network, create_kwargs
):
    ports = [Port("TCP", 53, 53), Port("UDP", 53, 53)] + [
        Port("TCP", 1000 + n, 1000 + n) for n in range(48)
    ]
    service = ops.create_service(
        user("a-admin"), a_network["project"], **{**create_kwargs, "ports": ports}
    )
    assert service.ports.count() == 50


def test_tags_at_most_ten_with_distinct_keys(a_network, create_kwargs):
    ten = [(f"k{n}", "v") for n in range(10)]
    assert (
        ops.create_service(
            user("a-admin"), a_network["project"], tags=ten, **create_kwargs
        ).tags.count()
        == 10
    )
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(
            user("a-admin"), a_network["project"], tags=[*ten, ("k10", "v")], **create_kwargs
        )
    assert "at most 10" in errors(excinfo)["tags"][0]
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(
            user("a-admin"),
            a_network["project"],
            tags=[("env", "a"), ("env", "b")],
            **create_kwargs,
        )
    assert "twice" in errors(excinfo)["tags.1.key"][0]
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(
            user("a-admin"), a_network["project"], tags=[("bad key!", "")], **create_kwargs
        )
    assert "tags.0.key" in errors(excinfo)


def test_the_quota_of_twenty_holds_and_an_operator_can_raise_it(a_network, create_kwargs):
    admin, p = user("a-admin"), a_network["project"]
    for _ in range(18):  # tenant-a has 2 already
        ops.create_service(admin, p, **create_kwargs)
    with pytest.raises(ValidationError) as excinfo:
        ops.create_service(admin, p, **create_kwargs)
    assert "quota of 20" in errors(excinfo)["__all__"][0]
    assert EndpointService.objects.filter(project=p).count() == 20
    Quota.objects.create(project=p, resource="endpoint_service", limit=21)
    ops.create_service(admin, p, **create_kwargs)
    assert EndpointService.objects.filter(project=p).count() == 21


def test_the_quota_is_per_region(a_network, create_kwargs):
    Quota.objects.create(project=a_network["project"], resource="endpoint_service", limit=2)
    with pytest.raises(ValidationError):
        ops.create_service(user("a-admin"), a_network["project"], **create_kwargs)
    sh = project("tenant-a", "cn-sh")
    service = ops.create_service(
        user("a-admin"),
        sh,
        vpc_id=VPC.objects.filter(project=sh).first().pk,
        backend_type="LB",
        backend_id=LoadBalancer.objects.get(project=sh).pk,
        ports=[Port("TCP", 1, 1)],
    )
    assert service.project == sh


@pytest.mark.parametrize("username", ["a-member", "a-approver", "b-admin"])
def test_only_the_accounts_admin_may_create(a_network, create_kwargs, username):
    with pytest.raises(PermissionDenied):
        ops.create_service(user(username), a_network["project"], **create_kwargs)


# --- connections: accept and reject (S8) ------------------------------------------------------


def pending(web):
    return web.endpoints.get(status=EndpointStatus.PENDING)


def test_an_approver_accepts_and_rejects_connections(web):
    endpoint = pending(web)
    changed = ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "accept")
    assert [e.pk for e in changed] == [endpoint.pk]
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.ACCEPTED
    ops.decide_connections(user("a-admin"), web.pk, [endpoint.pk], "reject")
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.REJECTED
    record = AuditRecord.objects.filter(resource_id=str(endpoint.pk)).first()
    assert (record.action, record.actor_name, record.before, record.after) == (
        "connection.reject",
        "a-admin",
        {"status": "accepted"},
        {"status": "rejected"},
    )
    assert record.project == web.project


def test_several_ticked_connections_are_decided_at_once(web):
    ids = [pending(web).pk, connect(web).pk, connect(web).pk]
    assert len(ops.decide_connections(user("a-approver"), web.pk, ids, "accept")) == 3
    assert set(Endpoint.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"accepted"}


def test_accepting_an_accepted_connection_changes_nothing(web):
    accepted = web.endpoints.get(status=EndpointStatus.ACCEPTED)
    assert ops.decide_connections(user("a-approver"), web.pk, [accepted.pk], "accept") == []


def test_a_creating_connection_cannot_be_decided(web):
    endpoint = connect(web, EndpointStatus.CREATING)
    with pytest.raises(ValidationError, match="cannot become"):
        ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "accept")
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.CREATING


def test_with_approval_off_an_accepted_connection_is_cut_off_and_brought_back(web):
    """Issue 10: 拒绝 on an accepted connection whether approval is on or off; 接受 again."""
    ops.update_service(user("a-admin"), web.pk, approval_enabled=False)
    waiting = pending(web)
    accepted = web.endpoints.get(status=EndpointStatus.ACCEPTED)
    assert waiting.status == EndpointStatus.PENDING  # turning approval off decided nothing
    ops.decide_connections(user("a-approver"), web.pk, [accepted.pk], "reject")
    accepted.refresh_from_db()
    assert accepted.status == EndpointStatus.REJECTED
    ops.decide_connections(user("a-approver"), web.pk, [accepted.pk], "accept")
    accepted.refresh_from_db()
    assert accepted.status == EndpointStatus.ACCEPTED
    with pytest.raises(PermissionDenied):  # a member still decides nothing
        ops.decide_connections(user("a-member"), web.pk, [accepted.pk], "reject")


def test_a_member_gets_403_and_another_account_404(web):
    with pytest.raises(PermissionDenied):
        ops.decide_connections(user("a-member"), web.pk, [pending(web).pk], "accept")
    for name in ("b-approver", "b-admin"):  # the endpoint's own account does not decide
        with pytest.raises(Http404):
            ops.decide_connections(user(name), web.pk, [pending(web).pk], "accept")
    assert pending(web)


def test_unknown_or_foreign_connection_ids_are_refused(web):
    other = connect(EndpointService.objects.get(name="app"))
    with pytest.raises(ValidationError, match="no longer exists"):
        ops.decide_connections(user("a-approver"), web.pk, [other.pk], "accept")
    with pytest.raises(ValidationError, match="at least one"):
        ops.decide_connections(user("a-approver"), web.pk, [], "accept")


# --- whitelist (S9) --------------------------------------------------------------------------

HEX = "1564ec50ef2a47c791ea5536353ed4b9"


def test_whitelist_records_are_added_and_removed(web):
    added = ops.add_permissions(user("a-approver"), web.pk, [f"iam:domain::{HEX}", "*"])
    assert [p.principal for p in added] == [f"iam:domain::{HEX}", "*"]
    assert set(web.permissions.values_list("principal", flat=True)) >= {"*", f"iam:domain::{HEX}"}
    ids = [p.pk for p in web.permissions.filter(principal__in=["*", f"iam:domain::{HEX}"])]
    assert ops.remove_permissions(user("a-approver"), web.pk, ids) == 2
    assert not web.permissions.filter(pk__in=ids).exists()
    assert AuditRecord.objects.filter(resource_id=str(web.pk), action="permission.remove").exists()


@pytest.mark.parametrize(
    ("lines", "text"),
    [
        (["iam:domain::XYZ"], "Line 1: iam:domain::XYZ is not"),
        ([f"iam:domain::{HEX}", f"iam:domain::{HEX}"], "Line 2: "),
        (["*", "**"], "Line 2: ** is not"),
        ([], "at least one"),
        ([f"iam:domain::{n:032x}" for n in range(51)], "At most 50"),
    ],
)
def test_bad_whitelist_lines_are_refused_with_the_line_named(web, lines, text):
    before = web.permissions.count()
    with pytest.raises(ValidationError) as excinfo:
        ops.add_permissions(user("a-approver"), web.pk, lines)
    assert text in " ".join(errors(excinfo)["principals"])
    assert web.permissions.count() == before


def test_existing_and_own_account_lines_are_refused(web):
    b = project("tenant-b").account.principal
    a = project("tenant-a").account.principal
    with pytest.raises(ValidationError) as excinfo:
        ops.add_permissions(user("a-approver"), web.pk, [b, a])
    messages = errors(excinfo)["principals"]
    assert "Line 1" in messages[0] and "already" in messages[0]
    assert "Line 2" in messages[1] and "own account" in messages[1]


def test_fifty_records_at_once_are_accepted(web):
    assert (
        len(
            ops.add_permissions(
                user("a-approver"), web.pk, [f"iam:domain::{n:032x}" for n in range(50)]
            )
        )
        == 50
    )


def test_a_member_cannot_change_the_whitelist(web):
    with pytest.raises(PermissionDenied):
        ops.add_permissions(user("a-member"), web.pk, ["*"])
    with pytest.raises(PermissionDenied):
        ops.remove_permissions(
            user("a-member"), web.pk, list(web.permissions.values_list("pk", flat=True))
        )


def test_removing_an_unknown_record_is_refused(web):
    with pytest.raises(ValidationError, match="no longer exists"):
        ops.remove_permissions(user("a-approver"), web.pk, [999999])


# --- delete (S11) ----------------------------------------------------------------------------


def test_delete_is_refused_while_an_endpoint_is_accepted_or_creating(web):
    with pytest.raises(ValidationError, match="1 endpoint is accepted or being created"):
        ops.delete_service(user("a-admin"), web.pk)
    web.endpoints.filter(status=EndpointStatus.ACCEPTED).update(status=EndpointStatus.CREATING)
    with pytest.raises(ValidationError):
        ops.delete_service(user("a-admin"), web.pk)
    web.refresh_from_db()
    assert web.status == ServiceStatus.AVAILABLE


def test_delete_goes_through_deleting_and_removes_dead_connections(
    web, django_capture_on_commit_callbacks
):
    web.endpoints.filter(status=EndpointStatus.ACCEPTED).update(status=EndpointStatus.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        service = ops.delete_service(user("a-admin"), web.pk)
        assert service.status == ServiceStatus.DELETING
    assert not EndpointService.objects.filter(pk=web.pk).exists()
    assert not Endpoint.objects.filter(service_id=web.pk).exists()
    assert not Permission.objects.filter(service_id=web.pk).exists()
    assert list(
        AuditRecord.objects.filter(resource_id=str(web.pk)).values_list("action", flat=True)[:2]
    ) == ["service.deleted", "service.delete"]


def test_system_services_are_never_deleted(demo_data):
    obs = EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.obs")
    with pytest.raises(Http404):  # a tenant cannot even see it as theirs
        ops.delete_service(user("a-admin"), obs.pk)
    with pytest.raises(ValidationError, match="cannot be deleted"):
        ops.delete_service(user("operator"), obs.pk)


def test_only_admins_delete(web):
    with pytest.raises(PermissionDenied):
        ops.delete_service(user("a-approver"), web.pk)
    with pytest.raises(Http404):
        ops.delete_service(user("b-admin"), web.pk)


# --- tags ------------------------------------------------------------------------------------


def test_tags_are_added_edited_and_deleted_up_to_ten(web):
    services = EndpointService.objects.all()
    tag = tag_ops.add_tag(user("a-admin"), services, web.pk, "env", "prod")
    tag_ops.edit_tag(user("a-admin"), services, web.pk, tag.pk, "test")
    assert web.tags.get().value == "test"
    with pytest.raises(ValidationError, match="used already"):
        tag_ops.add_tag(user("a-admin"), services, web.pk, "env", "x")
    for n in range(9):
        tag_ops.add_tag(user("a-admin"), services, web.pk, f"k{n}", "")
    with pytest.raises(ValidationError, match="at most 10"):
        tag_ops.add_tag(user("a-admin"), services, web.pk, "k10", "")
    tag_ops.delete_tag(user("a-admin"), services, web.pk, tag.pk)
    assert web.tags.count() == 9
    assert (
        AuditRecord.objects.filter(resource_id=str(web.pk), action__startswith="tag.").count() == 12
    )


def test_members_cannot_tag(web):
    with pytest.raises(PermissionDenied):
        tag_ops.add_tag(user("a-member"), EndpointService.objects.all(), web.pk, "env", "prod")


# --- backend check (N2) ----------------------------------------------------------------------


def test_the_backend_check_finds_a_missing_security_group_rule(demo_data):
    assert check_backend(EndpointService.objects.get(name="web")).ok
    app = check_backend(EndpointService.objects.get(name="app"))
    assert not app.security_group_ok and app.acl_ok and app.security_groups == ["sg-638b-app"]
    assert check_backend(EndpointService.objects.get(service_name="cn.ctyun.cn-gzt.obs")) is None


def test_the_backend_check_finds_an_acl_that_blocks(web):
    acl = web.backend.subnet.network_acl
    NetworkACLRule.objects.create(
        acl=acl, priority=10, direction="ingress", action="deny", cidr="198.19.0.0/16"
    )
    result = check_backend(EndpointService.objects.get(pk=web.pk))
    assert result.security_group_ok and not result.acl_ok and result.acl == acl.name
