"""Issue 12: no English catalog string in the Chinese UI. Django 6.1's empty choice
"- Select an option -" has no zh-hans translation, so the forms say the manual's 请选择;
every form page of the operator's, the quotas', the credentials' and the endpoints' side is
read in zh-hans, and a refused form (re-rendered with its errors) too."""

import pytest
from django.urls import reverse

from endpoints.models import Endpoint
from tests.endpoints.conftest import a_request, dns  # noqa: F401 - fixtures of a_endpoint
from tests.endpoints.test_views import a_endpoint  # noqa: F401 - the DNS endpoint fixture

pytestmark = pytest.mark.django_db

# English that Django or the pack would show if a choice or placeholder were left to them.
ENGLISH = ("Select an option", "---------", "This field is required", "Enter a whole number")


def read(client, url, data=None) -> str:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code in (200, 422), url
    return response.content.decode()


def assert_chinese(page: str, url: str) -> None:
    leaked = [text for text in ENGLISH if text in page]
    assert not leaked, f"{url} shows {leaked}"


@pytest.mark.parametrize(
    "url", ["operator:quota_requests", "operator:system_services", "quotas", "credentials", "help"]
)
def test_the_console_form_pages_speak_chinese(login, url):
    client = login("operator" if url.startswith("operator") else "a-admin")
    page = read(client, reverse(url))
    assert_chinese(page, url)
    if url.startswith("operator"):
        assert "请选择" in page  # the empty choice of 帐号 and 区域


@pytest.mark.parametrize("url", ["operator:quota_requests", "operator:system_services", "quotas"])
def test_a_refused_form_speaks_chinese_at_its_field(login, url):
    client = login("operator" if url.startswith("operator") else "a-admin")
    page = read(client, reverse(url), {"_action": "create", "limit": ""})
    assert_chinese(page, url)
    assert "这个字段是必填项。" in page and "invalid-feedback" in page


def test_the_endpoint_form_pages_speak_chinese(login, a_endpoint):  # noqa: F811
    client = login("a-admin")
    pk = a_endpoint.pk
    Endpoint.objects.filter(pk=pk).update(status="accepted")
    for url in (
        reverse("endpoints:create"),
        reverse("endpoints:edit", args=[pk]),
        reverse("endpoints:notifications", args=[pk]),
    ):
        assert_chinese(read(client, url), url)
    assert_chinese(read(client, reverse("endpoints:create"), {"category": "cloud"}), "create")


def test_the_check_sees_an_english_empty_choice(login):
    """The check above can fail: Django's own empty choice, untranslated, is caught."""
    from django import forms
    from django.utils import translation

    from console.tenancy.models import Region

    with translation.override("zh-hans"):
        empty = str(next(iter(forms.ModelChoiceField(Region.objects.all()).choices))[1])
    assert any(text in empty for text in ENGLISH)
