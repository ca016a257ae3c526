"""The activity log speaks the user's language (walkthrough, 2026-11-29): a resource by its
kind (终端节点服务, not "endpointservice"), background work as 系统, labelled keys and port
mappings as the pages write them, never raw internal keys."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from console.audit.log import record
from services import operations as ops
from services.models import EndpointService
from tests.services.conftest import user

pytestmark = pytest.mark.django_db


def activity_text(client, language: str) -> str:
    page = client.get(reverse("activity"), headers={"accept-language": language})
    assert page.status_code == 200
    # Each cell's text between " | ", as a screen reader reads the row.
    html = re.sub(r"</t[dh]>", " | ", page.content.decode())
    return re.sub(r"\s+", " ", strip_tags(html))


@pytest.fixture
def changed(login, django_capture_on_commit_callbacks):
    web = EndpointService.objects.get(name="web", is_system=False)
    ops.update_service(user("a-admin"), web.pk, ports=[ops.Port("TCP", 80, 8080)])
    record(
        None, "service.provision", web, before={"status": "creating"}, after={"status": "available"}
    )
    client = login("a-admin")
    client.cookies.pop("django_language", None)
    return client


def test_the_log_in_english_names_kinds_keys_and_ports(changed):
    text = activity_text(changed, "en")
    assert "Endpoint service " in text and "endpointservice" not in text
    assert "Port mappings: TCP 80→80, TCP 443→443 → TCP 8080→80" in text
    assert '[["TCP"' not in text
    assert "| System |" in text and "| system |" not in text  # background work


def test_the_log_in_chinese_names_kinds_keys_and_ports(changed):
    text = activity_text(changed, "zh-hans")
    assert "终端节点服务 " in text and "endpointservice" not in text
    assert "端口映射：TCP 80→80, TCP 443→443 → TCP 8080→80" in text
    assert "| 系统 |" in text and "| system |" not in text
