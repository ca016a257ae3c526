"""A refused 接受 / 拒绝 on 连接管理 and 待审批连接: the message names the 审批意见 and stands at
that field, the typed comment and the ticked rows come back, nothing is decided."""

import html
import re

import pytest
from django.urls import reverse

from console.audit.models import AuditRecord
from endpoints.models import Endpoint, EndpointStatus

from .conftest import connect

pytestmark = pytest.mark.django_db

AT_COMMENT = "审批意见不能包含“<”或“>”。"
WRONG_FIELD = "描述不能包含“<”或“>”。"
TICK = "请至少勾选一个连接。"


def text(response) -> str:
    return response.content.decode()


def comment_input(page: str, input_id: str) -> str:
    return re.search(rf'<input[^>]*id="{input_id}"[^>]*>', page).group(0)


def is_ticked(page: str, endpoint: Endpoint) -> bool:
    box = re.search(rf'<input type="checkbox" name="endpoint" value="{endpoint.pk}"[^>]*>', page)
    return " checked" in box.group(0)


def statuses(*endpoints) -> list[str]:
    return [Endpoint.objects.get(pk=e.pk).status for e in endpoints]


@pytest.fixture
def waiting(web):
    """Two pending connections to tenant-a's `web`."""
    return web.endpoints.get(status=EndpointStatus.PENDING), connect(web)


def assert_refused_at_the_comment(page: str, field_id: str, typed: str) -> None:
    """The typed comment is back in its field, marked, with the message under it and only
    there (not also at the top), never the description's wording."""
    field = comment_input(page, field_id)
    assert f'value="{typed}"' in field and "is-invalid" in field
    error = re.search(rf'id="{field_id}-error"[^>]*>([^<]*)<', page).group(1)
    assert html.unescape(error).strip() == AT_COMMENT
    assert WRONG_FIELD not in html.unescape(page)
    assert html.unescape(page).count(AT_COMMENT) == 1


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_connections_tab_keeps_the_comment_and_ticks_and_names_the_comment(
    login, web, waiting, decision
):
    first, second = waiting
    client = login("a-approver")
    tab = reverse("services:connections", args=[web.pk])
    response = client.post(
        reverse(f"services:{decision}", args=[web.pk]),
        {"endpoint": [str(first.pk)], "comment": "VPC <10.0.0.0/8>", "next": tab},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == tab
    page = text(response)
    assert_refused_at_the_comment(page, "decision-comment", "VPC &lt;10.0.0.0/8&gt;")
    assert is_ticked(page, first) and not is_ticked(page, second)
    assert statuses(first, second) == ["pendingAcceptance", "pendingAcceptance"]
    assert not AuditRecord.objects.filter(action__startswith="endpoint.").exists()
    # Shown once: the tab read again is as it always was.
    again = text(client.get(tab))
    assert "VPC &lt;10.0.0.0/8&gt;" not in again and AT_COMMENT not in html.unescape(again)
    assert not is_ticked(again, first)


def test_connections_tab_keeps_the_comment_when_nothing_is_ticked(login, web, waiting):
    client = login("a-approver")
    response = client.post(
        reverse("services:accept", args=[web.pk]), {"comment": "Welcome"}, follow=True
    )
    page = text(response)
    assert TICK in page  # about the tick boxes: at the top, as before
    field = comment_input(page, "decision-comment")
    assert 'value="Welcome"' in field and "is-invalid" not in field
    assert statuses(*waiting) == ["pendingAcceptance", "pendingAcceptance"]


def test_connections_tab_accepts_with_a_plain_comment(login, web, waiting):
    first, second = waiting
    client = login("a-approver")
    response = client.post(
        reverse("services:accept", args=[web.pk]),
        {"endpoint": [str(first.pk)], "comment": "Welcome"},
        follow=True,
    )
    page = text(response)
    assert "已接受 1 个连接。" in page
    assert 'value=""' in comment_input(page, "decision-comment")
    first.refresh_from_db()
    assert (first.status, first.decision_comment) == ("accepted", "Welcome")
    assert statuses(second) == ["pendingAcceptance"]


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_inbox_keeps_the_comment_and_ticks_and_names_the_comment(login, web, waiting, decision):
    first, second = waiting
    client = login("a-approver")
    inbox = reverse("inbox") + f"?service={web.pk}"
    response = client.post(
        reverse(f"inbox_{decision}"),
        {"endpoint": [str(first.pk), str(second.pk)], "comment": "a > b", "next": inbox},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == inbox  # its filter kept
    page = text(response)
    assert_refused_at_the_comment(page, "inbox-comment", "a &gt; b")
    assert is_ticked(page, first) and is_ticked(page, second)
    assert statuses(first, second) == ["pendingAcceptance", "pendingAcceptance"]
    again = text(client.get(inbox))
    assert "a &gt; b" not in again and not is_ticked(again, first)


def test_inbox_keeps_the_comment_when_nothing_is_ticked_and_accepts_a_good_one(login, web, waiting):
    first, second = waiting
    client = login("a-approver")
    page = text(client.post(reverse("inbox_accept"), {"comment": "Welcome"}, follow=True))
    assert TICK in page and 'value="Welcome"' in comment_input(page, "inbox-comment")
    assert statuses(first, second) == ["pendingAcceptance", "pendingAcceptance"]
    client.post(reverse("inbox_accept"), {"endpoint": [str(first.pk)], "comment": "Welcome"})
    first.refresh_from_db()
    assert (first.status, first.decision_comment) == ("accepted", "Welcome")
    assert statuses(second) == ["pendingAcceptance"]
