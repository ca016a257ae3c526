"""Login, the region/project selector, 我的凭证, language and admin access (T1-T4)."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from console.tenancy.models import Project
from console.tenancy.projects import SESSION_KEY

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "set_language", "favicon", "home"}


def console_urls():
    """Every URL outside the admin, with placeholder arguments: (namespace, name, url)."""

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern) and not str(p.pattern).startswith("^"):
                route = re.sub(r"<int:\w+>", "1", prefix + str(p.pattern))
                url = "/" + re.sub(
                    r"<(?:\w+:)?(\w+)>", "00000000-0000-0000-0000-000000000000", route
                )
                yield namespace, p.name, url

    return sorted(set(walk(get_resolver().url_patterns)))


def project(account: str, region: str) -> Project:
    return Project.objects.get(account__name=account, region__code=region)


@pytest.mark.parametrize(("namespace", "name", "url"), console_urls())
def test_every_url_needs_a_login(client, namespace, name, url):
    response = client.get(url)
    if (
        namespace == "api"
    ):  # signed requests instead of a session: a JSON answer, never a login page
        assert response.status_code in (200, 401) and response["Content-Type"] == "application/json"
    elif name == "metrics":  # a scraper's bearer token instead of a session: 401, no figures
        assert response.status_code == 401 and b"vpcep_" not in response.content
    elif name in PUBLIC:
        assert response.status_code in (200, 302, 405)
        assert not response.get("Location", "").startswith(reverse("login") + "?")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_a_failed_login_says_so_and_keeps_the_user_name(client, demo_data):
    response = client.post(reverse("login"), {"username": "a-admin", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入一个正确的用户名和密码" in html
    assert 'value="a-admin"' in html
    assert "_auth_user_id" not in client.session


def test_a_login_opens_the_console_and_logout_closes_it(client, demo_data):
    response = client.post(
        reverse("login"), {"username": "a-admin", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("endpoints:list")
    page = client.get(reverse("endpoints:list"))
    assert "终端节点" in page.content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("endpoints:list")).status_code == 302


def test_the_default_region_is_selected_first(login):
    client = login("a-member")
    response = client.get(reverse("services:list"))
    assert response.context["tenancy"].project == project("tenant-a", "cn-gzt")
    assert "华南-广州" in response.content.decode()


def test_selecting_a_region_is_kept_in_the_session(login):
    client = login("a-member")
    shanghai = project("tenant-a", "cn-sh")
    response = client.post(
        reverse("select_project"),
        {"project_id": shanghai.project_id, "next": reverse("services:list")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("services:list")
    assert client.session[SESSION_KEY] == shanghai.project_id
    page = client.get(reverse("endpoints:list"))
    assert page.context["tenancy"].project == shanghai
    assert "华东-上海" in page.content.decode()


def test_another_accounts_project_cannot_be_selected(login):
    client = login("a-admin")
    response = client.post(
        reverse("select_project"), {"project_id": project("tenant-b", "cn-sh").project_id}
    )
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_a_forged_project_id_is_a_404_and_a_get_is_refused(login):
    client = login("a-admin")
    assert client.post(reverse("select_project"), {"project_id": "f" * 32}).status_code == 404
    assert client.post(reverse("select_project"), {}).status_code == 404
    assert client.get(reverse("select_project")).status_code == 405


def test_an_unsafe_next_url_goes_home_instead(login):
    client = login("a-admin")
    response = client.post(
        reverse("select_project"),
        {"project_id": project("tenant-a", "cn-sh").project_id, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_an_unknown_project_in_the_session_falls_back_to_the_default(login):
    client = login("a-admin")
    session = client.session
    session[SESSION_KEY] = project("tenant-b", "cn-sh").project_id  # not theirs
    session.save()
    response = client.get(reverse("endpoints:list"))
    assert response.status_code == 200
    assert response.context["tenancy"].project == project("tenant-a", "cn-gzt")


def test_the_selector_offers_only_the_users_projects(login):
    response = login("b-member").get(reverse("endpoints:list"))
    offered = {p.project_id for p in response.context["tenancy"].projects}
    assert offered == {
        project("tenant-b", "cn-gzt").project_id,
        project("tenant-b", "cn-sh").project_id,
    }
    html = response.content.decode()
    assert project("tenant-a", "cn-gzt").project_id not in html


def test_my_credentials_shows_the_account_name_and_id(login):
    response = login("b-approver").get(reverse("credentials"))
    html = response.content.decode()
    b = project("tenant-b", "cn-gzt").account
    assert "我的凭证" in html and "帐号ID" in html
    assert b.name in html and b.domain_id in html and f"iam:domain::{b.domain_id}" in html
    assert project("tenant-b", "cn-sh").project_id in html
    assert project("tenant-a", "cn-sh").account.domain_id not in html


def test_zh_hans_is_the_default_and_english_the_second(login):
    client = login("a-admin")
    html = client.get(reverse("services:list")).content.decode()
    assert '<html lang="zh-hans">' in html and "终端节点服务" in html and "我的凭证" in html
    client.post(reverse("set_language"), {"language": "en", "next": reverse("services:list")})
    html = client.get(reverse("services:list")).content.decode()
    assert '<html lang="en">' in html and "Endpoint services" in html and "My credentials" in html
    assert "终端节点服务" not in html


def test_a_browser_asking_for_english_gets_english(login):
    html = login("a-admin").get(reverse("quotas"), headers={"accept-language": "en-US,en;q=0.9"})
    assert "My quotas" in html.content.decode()


def test_the_admin_is_for_operators_only(login, client):
    assert login("a-admin").get("/admin/").status_code == 302
    client.logout()
    response = login("operator").get("/admin/")
    assert response.status_code == 200
    assert "运维" in response.content.decode()


def test_operators_see_the_administration_link_and_tenants_do_not(login, client):
    assert (
        reverse("admin:index")
        not in login("a-admin").get(reverse("endpoints:list")).content.decode()
    )
    client.logout()
    assert (
        reverse("admin:index") in login("operator").get(reverse("endpoints:list")).content.decode()
    )


def test_an_unknown_url_is_a_friendly_404(login):
    response = login("a-admin").get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_credentials_runs_a_fixed_number_of_queries(login, django_assert_num_queries):
    client = login("a-admin")
    client.get(reverse("credentials"))  # warm the session
    # session, user, roles, selectable projects, the projects table, the access keys
    with django_assert_num_queries(6):
        assert client.get(reverse("credentials")).status_code == 200
