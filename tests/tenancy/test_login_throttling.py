"""Login throttling (issue 9, defect 6): 40 wrong passwords used to be answered and the 41st,
right one let in. Now 5 failures in 15 minutes lock the user name (from anywhere) and the
client address (for any name) out, with a 429 that says when to try again."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from console.audit.models import AuditRecord
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def attempt(client, username, password=WRONG, address="10.0.0.1", **headers):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def alert(response) -> str:
    match = re.search(r'id="login-error"[^>]*>([^<]*)<', response.content.decode())
    return match.group(1) if match else ""


def logged_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_five_failures_lock_the_user_out_even_with_the_right_password(client, demo_data):
    for _ in range(4):
        response = attempt(client, "a-admin", **EN)
        assert response.status_code == 200 and "correct" in alert(response)
    response = attempt(client, "a-admin", **EN)  # the 5th failure locks
    assert response.status_code == 429
    response = attempt(client, "a-admin", settings.DEMO_PASSWORD, **EN)
    assert response.status_code == 429 and not response.wsgi_request.user.is_authenticated
    until = timezone.localtime() + timedelta(minutes=15)
    assert re.fullmatch(
        r"Too many failed logins: try again in 1[45] minutes, after \d\d:\d\d\.", alert(response)
    )
    assert until.strftime("%H:%M") in alert(response) or (
        (until - timedelta(minutes=1)).strftime("%H:%M") in alert(response)
    )
    page = response.content.decode()
    assert 'id="login-form"' in page and 'value="a-admin"' in page  # the login page, not a 500
    zh = attempt(client, "a-admin", settings.DEMO_PASSWORD)
    assert zh.status_code == 429 and "分钟后再试" in alert(zh)


def test_an_unknown_user_gets_the_same_answers(client, demo_data):
    answers = {}
    for index, name in enumerate(["a-admin", "no-such-user"]):
        address = f"10.0.1.{index}"
        answers[name] = [
            (r.status_code, re.sub(r"\d", "#", alert(r)))
            for r in [attempt(client, name, address=address, **EN) for _ in range(6)]
        ]
    assert answers["a-admin"] == answers["no-such-user"]
    assert [status for status, _ in answers["a-admin"]] == [200] * 4 + [429] * 2


def test_an_address_is_locked_whatever_user_names_it_tries(client, demo_data):
    for index in range(5):
        attempt(client, f"guess-{index}", address="10.0.0.9")
    locked = attempt(client, "b-admin", settings.DEMO_PASSWORD, address="10.0.0.9")
    assert locked.status_code == 429 and alert(locked)
    assert logged_in(attempt(client, "b-admin", settings.DEMO_PASSWORD, address="10.0.0.10"))


def test_a_user_is_locked_whatever_address_it_is_tried_from(client, demo_data):
    for index in range(5):
        attempt(client, "a-member", address=f"10.0.2.{index}")
    locked = attempt(client, "a-member", settings.DEMO_PASSWORD, address="10.0.2.99")
    assert locked.status_code == 429


def test_a_success_before_the_limit_starts_the_count_again(client, demo_data):
    for _ in range(4):
        attempt(client, "a-admin")
    assert logged_in(attempt(client, "a-admin", settings.DEMO_PASSWORD))
    client.post(reverse("logout"))
    for _ in range(4):
        assert attempt(client, "a-admin").status_code == 200
    assert logged_in(attempt(client, "a-admin", settings.DEMO_PASSWORD))


def test_another_users_success_does_not_clear_the_failures_from_that_address(client, demo_data):
    """axes's own AXES_RESET_ON_SUCCESS would clear them: guess 4 times, log in as yourself,
    guess again, for ever."""
    for _ in range(4):
        attempt(client, "a-admin")
    assert logged_in(attempt(client, "b-admin", settings.DEMO_PASSWORD))
    client.post(reverse("logout"))
    assert attempt(client, "a-admin").status_code == 429


def test_after_the_cool_off_the_right_password_works_again(client, demo_data):
    for _ in range(5):
        attempt(client, "a-admin")
    assert attempt(client, "a-admin", settings.DEMO_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert attempt(client, "a-admin", settings.DEMO_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=1, seconds=1))
    assert logged_in(attempt(client, "a-admin", settings.DEMO_PASSWORD))


def test_refused_attempts_during_the_lock_do_not_extend_it(client, demo_data):
    for _ in range(5):
        attempt(client, "a-admin")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))
    locked = attempt(client, "a-admin", settings.DEMO_PASSWORD, **EN)
    assert locked.status_code == 429 and re.search(r"in [56] minutes", alert(locked))
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=5, seconds=1))
    assert logged_in(attempt(client, "a-admin", settings.DEMO_PASSWORD))


def test_operators_see_failed_and_locked_logins_and_tenants_do_not(client, login, demo_data):
    for _ in range(6):
        attempt(client, "a-admin", address="10.0.3.7")
    attempt(client, "nobody", address="10.0.3.8")
    records = AuditRecord.objects.filter(action__startswith="login.")
    assert sorted(records.values_list("actor_name", "action", "resource_id")) == sorted(
        [("a-admin", "login.failed", "10.0.3.7")] * 4
        + [("a-admin", "login.locked", "10.0.3.7")]  # one record per lockout
        + [("nobody", "login.failed", "10.0.3.8")]
    )
    assert {r.account.name for r in records} == {"tenant-a", "CTC"}

    operator = login("operator").get(reverse("activity"), {"resource": "10.0.3."}, **EN)
    page = operator.content.decode()
    assert "Login failed" in page and "Login refused: too many failures" in page
    assert "10.0.3.7" in page and "nobody" in page

    tenant = login("a-admin").get(reverse("activity"), **EN)
    assert tenant.status_code == 200 and "10.0.3.7" not in tenant.content.decode()
    assert "login." not in tenant.content.decode().replace('value="login.', "")


def test_behind_a_proxy_the_address_comes_from_the_configured_header(client, demo_data):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.AXES_IPWARE_META_PRECEDENCE_ORDER)",
        LOGIN_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
    )
    assert result.stdout.strip() == "['HTTP_X_REAL_IP', 'REMOTE_ADDR']", result.stderr
    with override_settings(AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_REAL_IP", "REMOTE_ADDR"]):
        for index in range(5):  # every request comes from the proxy, 127.0.0.1
            attempt(client, f"guess-{index}", address="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5")
        locked = attempt(
            client, "b-admin", settings.DEMO_PASSWORD, "127.0.0.1", HTTP_X_REAL_IP="203.0.113.5"
        )
        assert locked.status_code == 429
        other = attempt(
            client, "b-admin", settings.DEMO_PASSWORD, "127.0.0.1", HTTP_X_REAL_IP="203.0.113.6"
        )
        assert logged_in(other)


def test_refused_attempts_during_a_lock_do_not_flood_the_activity_log(client, demo_data):
    """One login.locked record per lockout, however often the locked door is tried."""
    for _ in range(30):
        attempt(client, "a-admin", address="10.0.4.1")
    actions = list(
        AuditRecord.objects.filter(action__startswith="login.").values_list("action", flat=True)
    )
    assert actions.count("login.locked") == 1 and actions.count("login.failed") == 4
    attempt(client, "a-member", address="10.0.4.2")  # another lock is recorded on its own
    for _ in range(5):
        attempt(client, "a-member", address="10.0.4.2")
    assert AuditRecord.objects.filter(action="login.locked").count() == 2
