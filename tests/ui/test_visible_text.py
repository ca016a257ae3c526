"""What a reader sees in the text of a page, in English and in zh-hans: placeholders written in
angle brackets stay text (not swallowed as tags), and no Chinese word or separator shows in
the English page (nor an English one in the Chinese page)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from services.models import EndpointService

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


class Text(HTMLParser):
    """The page's text as a browser shows it: tags dropped, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("script", "style", "template")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("script", "style", "template")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible(response) -> str:
    assert response.status_code < 300 or response.status_code in (422,), response.status_code
    parser = Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def web(demo_data) -> EndpointService:
    return EndpointService.objects.get(name="web", is_system=False)


# --- placeholders in angle brackets -----------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "shown"),
    [(EN, "iam:domain::<account ID>, or *"), (ZH, "iam:domain::<帐号ID>，或 *")],
)
def test_the_whitelist_help_shows_its_account_id_placeholder(login, web, headers, shown):
    page = visible(
        login("a-approver").get(reverse("services:permissions", args=[web.pk]), **headers)
    )
    assert shown in page
    assert "iam:domain::, or" not in page and "iam:domain::，或" not in page


@pytest.mark.parametrize(
    ("headers", "shown"),
    [
        (EN, "sha256=<hex HMAC-SHA256 of the raw body with this secret>, X-Vpcep-Event"),
        (ZH, "sha256=<用此密钥对原始请求体计算的HMAC-SHA256十六进制值>、X-Vpcep-Event"),
    ],
)
def test_the_signing_secret_hint_shows_what_the_signature_is(login, web, headers, shown):
    response = login("a-admin").post(
        f"/services/{web.pk}/notifications/",
        {"url": "https://hooks.example.com/vpcep", "events": ["requested", "accepted"]},
        follow=True,
        **headers,
    )
    assert response.status_code == 200  # the page the POST redirects to, with the secret
    page = visible(response)
    assert shown in page
    assert "sha256=, X-Vpcep-Event" not in page and "sha256=、X-Vpcep-Event" not in page


# --- words and separators in the user's language ----------------------------------------------


@pytest.mark.parametrize(
    ("headers", "shown", "foreign"),
    [
        (EN, "looking the service up (Verify) by its old full name", "验证"),
        (ZH, "但按旧的完整名称验证将找不到该服务", "Verify"),
    ],
)
def test_the_rename_hint_names_the_verify_button_in_the_page_language(
    login, web, headers, shown, foreign
):
    page = visible(login("a-admin").get(reverse("services:edit", args=[web.pk]), **headers))
    assert shown in page
    assert foreign not in page


@pytest.mark.parametrize(
    ("headers", "shown", "wrong"),
    [
        (EN, "Connection requested, Accepted", "、"),
        (ZH, "连接请求、已接受", "连接请求, "),
    ],
)
def test_subscribed_events_are_listed_with_the_language_separator(
    login, web, headers, shown, wrong
):
    client = login("a-admin")
    tab = f"/services/{web.pk}/notifications/"
    data = {"url": "https://hooks.example.com/vpcep", "events": ["requested", "accepted"]}
    assert client.post(tab, data).status_code == 302
    page = visible(client.get(tab, **headers))
    assert shown in page
    assert wrong not in page
