"""Issue 11, the inbox part: 审批意见, 连接记录, 待审批连接 and 待接受连接自动拒绝."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from console.sweep import sweep
from endpoints import operations as endpoint_ops
from endpoints.models import ConnectionEvent, Endpoint, EndpointStatus
from services import operations as ops
from services.inbox import pending_connections
from services.models import EndpointService
from tests.api.test_types import api, world  # noqa: F401 (fixtures)

from .conftest import connect, project, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def html(response) -> str:
    return response.content.decode()


def pending(web) -> Endpoint:
    return web.endpoints.get(status=EndpointStatus.PENDING)


def shanghai_service(web) -> EndpointService:
    """A second service of tenant-a, in the other region."""
    service = EndpointService.objects.get(pk=web.pk)
    service.pk = uuid.uuid4()
    service.project = project("tenant-a", "cn-sh")
    service.name = "sh"
    service.service_name = f"cn-sh.sh.{service.pk}"
    service.save()
    return service


def events(endpoint) -> list[tuple]:
    return list(
        ConnectionEvent.objects.filter(endpoint_ref=str(endpoint.pk))
        .order_by("created_at", "id")
        .values_list("kind", "status", "actor_name", "comment")
    )


# --- 审批意见 and 连接记录: the operations -------------------------------------------------------


def test_a_decision_keeps_its_comment_on_the_endpoint_and_in_the_history(web):
    endpoint = pending(web)
    ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "accept", " Welcome ")
    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.decision_comment) == ("accepted", "Welcome")
    ops.decide_connections(user("a-admin"), web.pk, [endpoint.pk], "reject")
    endpoint.refresh_from_db()
    assert endpoint.decision_comment == ""  # the latest decision's comment: none
    assert events(endpoint) == [
        ("accepted", "accepted", "a-approver", "Welcome"),
        ("rejected", "rejected", "a-admin", ""),
    ]


def test_a_too_long_comment_is_refused_at_its_field_and_nothing_changes(web):
    endpoint = pending(web)
    with pytest.raises(ValidationError) as excinfo:
        ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "accept", "x" * 256)
    assert "At most 255" in excinfo.value.message_dict["comment"][0]
    endpoint.refresh_from_db()
    assert (endpoint.status, events(endpoint)) == ("pendingAcceptance", [])


def test_a_request_and_a_deletion_are_recorded(web, demo_data):
    b = project("tenant-b")
    subnet = pending(web).subnet
    endpoint = endpoint_ops.create_endpoint(
        user("b-admin"), b, service_id=web.pk, vpc_id=subnet.vpc_id, subnet_id=subnet.pk
    )
    assert events(endpoint) == [("requested", "creating", "b-admin", "")]
    event = ConnectionEvent.objects.get(endpoint_ref=str(endpoint.pk))
    assert (event.consumer_project, event.provider_project) == (b, web.project)
    accepted = web.endpoints.get(status=EndpointStatus.ACCEPTED)
    endpoint_ops.delete_endpoint(user("b-admin"), accepted.pk)
    assert events(accepted) == [("deleted", "deleting", "b-admin", "")]


def test_the_inbox_decides_across_services_and_regions_in_one_go(web):
    sh = shanghai_service(web)
    ids = [pending(web).pk, connect(web).pk, connect(sh).pk]
    changed = ops.decide_pending(user("a-approver"), ids, "reject", "Not now")
    assert sorted(e.pk for e in changed) == sorted(ids)
    assert set(Endpoint.objects.filter(pk__in=ids).values_list("status", "decision_comment")) == {
        ("rejected", "Not now")
    }


def test_the_inbox_refuses_connections_that_are_not_the_users_to_decide(web):
    mine = pending(web)
    for name in ("b-approver", "a-member"):  # the consumer's account; a read-only member
        with pytest.raises(ValidationError, match="no longer exists"):
            ops.decide_pending(user(name), [mine.pk], "accept")
    with pytest.raises(ValidationError, match="at least one"):
        ops.decide_pending(user("a-approver"), [], "accept")
    # One foreign ID among good ones: nothing at all is decided.
    with pytest.raises(ValidationError, match="no longer exists"):
        ops.decide_pending(user("a-approver"), [mine.pk, uuid.uuid4()], "accept")
    mine.refresh_from_db()
    assert mine.status == "pendingAcceptance"


def test_a_member_still_cannot_decide_with_a_comment(web):
    with pytest.raises(PermissionDenied):
        ops.decide_connections(user("a-member"), web.pk, [pending(web).pk], "accept", "hi")


# --- 待接受连接自动拒绝 --------------------------------------------------------------------------


def age(endpoint, days: float) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_the_sweep_rejects_connections_pending_too_long_as_the_system(web):
    ops.update_service(user("a-admin"), web.pk, auto_reject_days=3)
    old, recent = pending(web), connect(web)
    age(old, 3.1)
    age(recent, 2.9)
    assert sweep().auto_rejected == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == ("rejected", "pendingAcceptance")
    assert events(old) == [
        ("rejected", "rejected", "system", "自动拒绝：3天内未被接受。")  # the site's language
    ]
    assert old.decision_comment == "自动拒绝：3天内未被接受。"
    assert sweep().auto_rejected == 0  # once


def test_without_auto_reject_days_nothing_is_rejected(web):
    old = pending(web)
    age(old, 400)
    assert sweep().auto_rejected == 0
    old.refresh_from_db()
    assert old.status == "pendingAcceptance"


def test_auto_reject_days_are_checked(web):
    for bad in (0, 366, "3", True):
        with pytest.raises(ValidationError) as excinfo:
            ops.update_service(user("a-admin"), web.pk, auto_reject_days=bad)
        assert "auto_reject_days" in excinfo.value.message_dict
    ops.update_service(user("a-admin"), web.pk, auto_reject_days=None)
    web.refresh_from_db()
    assert web.auto_reject_days is None


def edit_data(web, **extra):
    data = {
        "name": web.name,
        "description": web.description,
        "approval_enabled": "on",
        "backend_type": web.backend_type,
        "backend": str(web.backend.pk),
        "tcp_proxy": web.tcp_proxy,
        "ports-TOTAL_FORMS": "1",
        "ports-INITIAL_FORMS": "0",
        "ports-0-protocol": "TCP",
        "ports-0-service_port": "80",
        "ports-0-terminal_port": "80",
        "_action": "confirm",
    }
    return data | extra


def test_the_edit_page_sets_auto_reject_days_and_refuses_a_bad_value(login, web):
    client = login("a-admin")
    page = html(client.get(reverse("services:edit", args=[web.pk])))
    assert 'name="auto_reject_days"' in page
    response = client.post(
        reverse("services:edit", args=[web.pk]), edit_data(web, auto_reject_days="0")
    )
    assert response.status_code == 422
    assert "greater than or equal to 1" in html(response)
    web.refresh_from_db()
    assert web.auto_reject_days is None
    response = client.post(
        reverse("services:edit", args=[web.pk]), edit_data(web, auto_reject_days="7")
    )
    assert response.status_code == 302
    web.refresh_from_db()
    assert web.auto_reject_days == 7


# --- 连接管理 with 审批意见, and the provider's 连接记录 --------------------------------------------


def test_connections_tab_accepts_one_row_with_a_comment_and_not_the_ticked_ones(login, web):
    client = login("a-approver")
    page = html(client.get(reverse("services:connections", args=[web.pk])))
    assert 'name="comment"' in page and "Connection history" in page
    row, ticked = pending(web), connect(web)
    response = client.post(
        reverse("services:accept", args=[web.pk]),
        {"row": str(row.pk), "endpoint": [str(ticked.pk)], "comment": "ok"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    ticked.refresh_from_db()
    assert (row.status, row.decision_comment, ticked.status) == (
        "accepted",
        "ok",
        "pendingAcceptance",
    )


def test_reject_confirmation_carries_the_comment(login, web):
    client = login("a-approver")
    endpoint = pending(web)
    url = reverse("services:reject_confirm", args=[web.pk])
    page = html(client.get(url, {"endpoint": str(endpoint.pk), "comment": "Wrong VPC"}))
    assert 'name="comment"' in page and "Wrong VPC" in page
    client.post(
        reverse("services:reject", args=[web.pk]),
        {"endpoint": str(endpoint.pk), "comment": "Wrong VPC"},
    )
    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.decision_comment) == ("rejected", "Wrong VPC")


def test_the_provider_reads_a_connections_history_approvers_only(login, web):
    endpoint = pending(web)
    ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "reject", "Sorry")
    url = reverse("services:connection_history", args=[web.pk, endpoint.pk])
    page = html(login("a-approver").get(url))
    assert "Sorry" in page and "a-approver" in page and "Rejected" in page
    assert login("a-member").get(url).status_code == 403
    assert login("b-approver").get(url).status_code == 404


# --- the consumer's side ----------------------------------------------------------------------


def test_the_consumer_reads_the_comment_and_the_history_but_not_the_providers_note(login, web):
    endpoint = pending(web)
    ops.describe_connections(user("a-approver"), web.pk, {endpoint.pk: "internal note"})
    ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "accept", "Welcome aboard")
    client = login("b-member")
    basic = html(client.get(reverse("endpoints:detail", args=[endpoint.pk])))
    assert "Welcome aboard" in basic and "Connection history" in basic
    history = html(client.get(reverse("endpoints:history", args=[endpoint.pk])))
    assert "Welcome aboard" in history and "a-approver" in history
    assert "internal note" not in basic + history
    assert (
        login("a-approver").get(reverse("endpoints:history", args=[endpoint.pk])).status_code == 404
    )


def test_the_consumer_history_runs_a_fixed_number_of_queries(login, web, django_assert_num_queries):
    endpoint = pending(web)
    client = login("b-admin")
    url = reverse("endpoints:history", args=[endpoint.pk])
    ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "accept")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "reject", "x")
        ops.decide_connections(user("a-approver"), web.pk, [endpoint.pk], "accept", "y")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


# --- the API ----------------------------------------------------------------------------------


def test_the_api_takes_a_comment_and_the_consumer_reads_it(api, world):  # noqa: F811
    suffix = f"vpc-endpoint-services/{world.web.pk}/connections/action"
    body = {"action": "receive", "endpoints": [str(world.pending.pk)], "comment": "Via API"}
    assert api("a-admin", "POST", suffix, body).status_code == 200
    shown = api("b-admin", "GET", f"vpc-endpoints/{world.pending.pk}", None).json()
    assert (shown["status"], shown["decision_comment"]) == ("accepted", "Via API")
    too_long = {**body, "action": "reject", "comment": "x" * 256}
    assert api("a-admin", "POST", suffix, too_long).status_code == 400
    world.pending.refresh_from_db()
    assert world.pending.status == "accepted"


# --- 待审批连接: the inbox page and the badge -------------------------------------------------


def test_the_inbox_lists_pending_connections_in_every_region(login, web):
    sh = shanghai_service(web)
    there = connect(sh)
    accepted = web.endpoints.get(status=EndpointStatus.ACCEPTED)
    client = login("a-approver")
    page = html(client.get(reverse("inbox")))
    here = pending(web)
    for text in (str(here.pk), str(there.pk), "tenant-b", str(here.packet_id), str(here.vpc_id)):
        assert text in page
    assert str(accepted.pk) not in page
    assert here.project.account.domain_id in page
    filtered = html(client.get(reverse("inbox"), {"region": str(sh.project.region_id)}))
    assert str(there.pk) in filtered and str(here.pk) not in filtered
    filtered = html(client.get(reverse("inbox"), {"service": str(web.pk)}))
    assert str(here.pk) in filtered and str(there.pk) not in filtered
    newest_first = html(client.get(reverse("inbox"), {"sort": "-created_at"}))
    assert newest_first.index(str(there.pk)) < newest_first.index(str(here.pk))


def test_the_inbox_decides_one_row_or_the_ticked_with_a_comment(login, web):
    client = login("a-approver")
    row, ticked = pending(web), connect(web)
    client.post(reverse("inbox_reject"), {"row": str(row.pk), "endpoint": [str(ticked.pk)]})
    row.refresh_from_db()
    ticked.refresh_from_db()
    assert (row.status, ticked.status) == ("rejected", "pendingAcceptance")
    response = client.post(
        reverse("inbox_accept"), {"endpoint": [str(ticked.pk)], "comment": "Fine"}, follow=True
    )
    assert "1 connection accepted." in html(response)
    ticked.refresh_from_db()
    assert (ticked.status, ticked.decision_comment) == ("accepted", "Fine")
    response = client.post(reverse("inbox_accept"), {"comment": "Fine"}, follow=True)
    assert "Tick at least one connection." in html(response)


def test_members_have_no_inbox_and_other_accounts_see_nothing_of_theirs(login, web):
    client = login("a-member")
    assert 'data-testid="nav-inbox"' not in html(client.get(reverse("services:list")))
    for name in ("inbox", "inbox_badge"):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse("inbox_accept"), {"row": str(pending(web).pk)}).status_code == 403
    client = login("b-approver")
    assert 'data-testid="nav-inbox"' in html(client.get(reverse("services:list")))
    assert str(pending(web).pk) not in html(client.get(reverse("inbox")))
    assert 'data-count="0"' in html(client.get(reverse("inbox_badge")))
    client.post(reverse("inbox_accept"), {"row": str(pending(web).pk)})
    assert pending(web)  # still waiting


def test_the_badge_counts_and_costs_one_query(login, web):
    approver = user("a-approver")
    assert pending_connections(approver).count() == 1  # the roles are cached from now on
    with CaptureQueriesContext(connection) as queries:
        assert pending_connections(approver).count() == 1
    assert len(queries.captured_queries) == 1
    connect(shanghai_service(web))
    assert 'data-count="2"' in html(login("a-approver").get(reverse("inbox_badge")))


def test_the_inbox_and_the_badge_run_a_fixed_number_of_queries(
    login, web, django_assert_num_queries
):
    client = login("a-approver")
    for name in ("inbox", "inbox_badge"):
        client.get(reverse(name))
    with CaptureQueriesContext(connection) as inbox_few:
        client.get(reverse("inbox"))
    with CaptureQueriesContext(connection) as badge_few:
        client.get(reverse("inbox_badge"))
    sh = shanghai_service(web)
    for _ in range(6):
        connect(web)
        connect(sh)
    with django_assert_num_queries(len(inbox_few.captured_queries)):
        assert html(client.get(reverse("inbox"))).count('name="row"') == 26  # 13 rows × 2
    with django_assert_num_queries(len(badge_few.captured_queries)):
        assert 'data-count="13"' in html(client.get(reverse("inbox_badge")))


def test_the_inbox_service_filter_offers_only_services_with_a_connection_waiting(login, web):
    """Issue 13: an account with thousands of services gets a short select, not all of them."""
    sh = shanghai_service(web)
    client = login("a-approver")
    pending(web)
    options = html(client.get(reverse("inbox")))
    assert f'value="{web.pk}"' in options
    assert f'value="{sh.pk}"' not in options  # nothing waits on it
    connect(sh)
    assert f'value="{sh.pk}"' in html(client.get(reverse("inbox")))


def test_the_service_filter_offers_no_other_accounts_service(login, web):
    """b-approver's filter does not offer tenant-a's web, which has a connection waiting."""
    pending(web)
    page = html(login("b-approver").get(reverse("inbox")))
    assert 'name="service"' in page and f'value="{web.pk}"' not in page


def test_every_endpoint_carries_its_services_project_and_access_does_not_rest_on_it(login, web):
    """Endpoint.provider_project is copied from the service when the endpoint is made (issue
    13); who may decide is still read from the service, so a wrong copy could at most leave a
    service out of its approvers' filter: it shows nothing to anyone else."""
    subnet = pending(web).subnet
    made = endpoint_ops.create_endpoint(
        user("b-admin"),
        project("tenant-b"),
        service_id=web.pk,
        vpc_id=subnet.vpc_id,
        subnet_id=subnet.pk,
    )
    assert made.provider_project_id == web.project_id != made.project_id
    assert not Endpoint.objects.exclude(provider_project_id=F("service__project_id"))
    waiting = pending(web)
    Endpoint.objects.filter(pk=waiting.pk).update(provider_project=project("tenant-b"))
    assert 'data-count="0"' in html(login("b-approver").get(reverse("inbox_badge")))
    assert f'value="{web.pk}"' not in html(login("b-approver").get(reverse("inbox")))
    assert str(waiting.pk) in html(login("a-approver").get(reverse("inbox")))
