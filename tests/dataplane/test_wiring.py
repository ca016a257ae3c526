"""How operations reach the host (issue 14): a state change that the data plane carries enqueues
one converge after commit; nothing with the simulated driver; one converger at a time."""

from __future__ import annotations

import threading
import time

import pytest

from console.network import dataplane
from console.network.dataplane.linux import DataplaneError, LinuxDriver
from console.network.dataplane.simulated import SimulatedDriver
from endpoints.models import Endpoint, EndpointStatus
from services.models import EndpointService
from services.operations import decide_connections
from tests.services.conftest import user


@pytest.fixture
def converges(monkeypatch):
    """The converges enqueued, each run against a simulated driver standing in for the host."""
    runs: list[SimulatedDriver] = []

    def fake_driver(name: str = ""):
        runs.append(SimulatedDriver())
        return runs[-1]

    monkeypatch.setattr(dataplane, "get_driver", fake_driver)
    return runs


def web_pending():
    web = EndpointService.objects.get(name="web", is_system=False)
    return web, Endpoint.objects.get(status=EndpointStatus.PENDING, service=web)


def test_an_accept_converges_the_host_once_after_commit(
    demo_data, settings, converges, django_capture_on_commit_callbacks
):
    settings.DATAPLANE = "linux"
    web, pending = web_pending()
    accepted = Endpoint.objects.get(status=EndpointStatus.ACCEPTED, service=web)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # Two endpoints decided in one transaction: two records, one converge.
        decide_connections(user("a-approver"), web.pk, [pending.pk, accepted.pk], "reject")
    assert len([c for c in callbacks if getattr(c, "dataplane", False)]) == 1
    assert len(converges) == 1
    assert not [k for k in converges[0].desired.frontends if k.startswith(str(accepted.pk))]
    with django_capture_on_commit_callbacks(execute=True):
        decide_connections(user("a-approver"), web.pk, [pending.pk], "accept")
    assert len(converges) == 2
    assert f"{pending.pk}:80" in converges[1].desired.frontends


def test_the_simulated_driver_enqueues_nothing(
    demo_data, settings, converges, django_capture_on_commit_callbacks
):
    assert settings.DATAPLANE == "simulated"
    web, pending = web_pending()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide_connections(user("a-approver"), web.pk, [pending.pk], "accept")
    assert not [c for c in callbacks if getattr(c, "dataplane", False)] and converges == []


def test_a_change_the_host_does_not_carry_enqueues_nothing(
    demo_data, settings, converges, django_capture_on_commit_callbacks
):
    settings.DATAPLANE = "linux"
    from console.tags.operations import create_predefined_tag

    admin = user("a-admin")
    with django_capture_on_commit_callbacks(execute=True):
        create_predefined_tag(admin, admin.account_id, "team", "web")
    assert converges == []


def test_a_rolled_back_change_enqueues_nothing(demo_data, settings, converges):
    from django.db import transaction

    settings.DATAPLANE = "linux"
    web, pending = web_pending()
    with pytest.raises(RuntimeError), transaction.atomic():
        decide_connections(user("a-approver"), web.pk, [pending.pk], "accept")
        raise RuntimeError
    assert converges == []


def test_one_converger_at_a_time(tmp_path):
    """A second converger waits for the lock; one that waits too long says so."""
    first, second = (
        LinuxDriver("vpcl-", str(tmp_path / "run")),
        LinuxDriver("vpcl-", str(tmp_path / "run")),
    )
    order: list[str] = []

    def hold() -> None:
        with first.locked():
            order.append("first in")
            time.sleep(0.4)
            order.append("first out")

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.1)
    with pytest.raises(DataplaneError, match="Another converge"), second.locked(timeout=0.1):
        pass
    with second.locked():
        order.append("second in")
    thread.join()
    assert order == ["first in", "first out", "second in"]


def test_the_endpoint_page_shows_the_command_that_works_on_this_host(login, settings):
    accepted = Endpoint.objects.get(status=EndpointStatus.ACCEPTED, service__name="web")
    page = login("b-admin").get(f"/endpoints/{accepted.pk}/")
    assert "ip netns exec" not in page.content.decode()  # simulated: nothing on this host
    settings.DATAPLANE, settings.DATAPLANE_PREFIX = "linux", "vpce-"
    text = login("b-admin").get(f"/endpoints/{accepted.pk}/").content.decode()
    namespace = "vpce-v" + str(accepted.vpc_id).replace("-", "")[:8]
    for port in (80, 443):
        assert f"ip netns exec {namespace} curl http://{accepted.node_ip}:{port}/" in text
    assert "控制台所在主机" in text


def test_the_connection_check_needs_a_real_data_plane(login):
    web = EndpointService.objects.get(name="web", is_system=False)
    client = login("a-admin")
    assert 'data-check="connection"' not in client.get(f"/services/{web.pk}/").content.decode()
    assert client.get(f"/services/{web.pk}/backend-probe/").status_code == 404


def test_make_run_asks_whether_the_host_can_run_the_linux_driver(monkeypatch, capsys):
    from django.core.management import CommandError, call_command

    from console.network.management.commands import dataplane as command

    monkeypatch.setattr(command, "missing_tools", lambda: ["root", "nft"])
    with pytest.raises(CommandError, match="needs root, nft"):
        call_command("dataplane", "--check", "--driver", "linux")
    call_command("dataplane", "--check", "--driver", "simulated")
    assert "can run here" in capsys.readouterr().out
    monkeypatch.setattr(command, "missing_tools", lambda: [])
    call_command("dataplane", "--check", "--driver", "linux")
    assert "linux data plane can run here" in capsys.readouterr().out


def test_the_connection_check_is_reused_for_a_while_and_capped(login, settings, monkeypatch):
    """A reload of 基本信息 forks no new probe for PROBE_FRESH seconds; at most 8 ports."""
    from django.core.cache import cache

    from services import backend_check
    from services.models import PortMapping

    cache.clear()
    settings.DATAPLANE = "linux"
    asked: list[int] = []
    monkeypatch.setattr(
        backend_check.dataplane,
        "probe",
        lambda vpc, address, port: asked.append(port) or "reachable",
    )
    web = EndpointService.objects.get(name="web", is_system=False)
    client = login("a-admin")
    for _ in range(2):
        page = client.get(f"/services/{web.pk}/backend-probe/").content.decode()
        assert 'data-port="443" data-result="reachable"' in page
    assert sorted(asked) == [80, 443]
    PortMapping.objects.bulk_create(
        PortMapping(service=web, protocol="TCP", service_port=9000 + n, terminal_port=9000 + n)
        for n in range(10)
    )
    cache.clear()
    client.get(f"/services/{web.pk}/backend-probe/")
    assert len(asked) == 2 + backend_check.MAX_PROBED_PORTS


def test_a_converge_still_waiting_in_the_queue_serves_later_commits(settings, demo_data):
    """With the database task backend, a commit enqueues no second converge while one is
    queued and not started: that one reads the database when it runs."""
    from django_tasks_db.models import DBTaskResult

    from console.network.dataplane import enqueue_converge

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    waiting = lambda: DBTaskResult.objects.filter(  # noqa: E731
        task_path="console.network.tasks.converge_dataplane", status="READY"
    ).count()
    enqueue_converge()
    enqueue_converge()
    assert waiting() == 1
    DBTaskResult.objects.update(status="RUNNING")  # the worker took it: the next commit counts
    enqueue_converge()
    assert waiting() == 1
