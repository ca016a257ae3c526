"""`make run` with the data plane (issue 14): bin/run starts the reconciler beside the web server,
the worker and the sweep; a decision made in the console reaches the host through the worker's
converge task; a killed reconciler is started again; stopping removes every host object. When
the host cannot run the linux driver, bin/run says what to install and the console runs without
it. Real processes on a scratch SQLite database; every wait is bounded."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3

from tests.processes import Console, alive, prepared, scratch_database, shell, wait_for

from .conftest import PREFIX, answer, fetch

ACCEPTED = """
import json
from endpoints.models import Endpoint
e = Endpoint.objects.get(status="accepted", service__name="web", service__is_system=False)
print(json.dumps([str(e.pk), str(e.vpc_id), e.node_ip, str(e.service_id)]))
"""

REJECT = """
import json
from console.tenancy.models import User
from services.operations import decide_connections
decide_connections(User.objects.get(username="a-approver"), "{service}", ["{endpoint}"], "reject")
print(json.dumps("rejected"))
"""


def kill_all(console: Console, name: str) -> None:
    for pid in console.pids(name):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def test_make_run_carries_the_data_plane_and_leaves_nothing_behind(linux, tmp_path, monkeypatch):
    monkeypatch.setenv("DATAPLANE", "linux")
    monkeypatch.setenv("DATAPLANE_PREFIX", PREFIX)
    monkeypatch.setenv("DATAPLANE_RUN_DIR", str(linux.run_dir))
    with scratch_database("sqlite") as url:
        endpoint, vpc, node_ip, service = shell(prepared(url), ACCEPTED)
        ns = linux.vpc_ns(vpc)
        # The reconciler's loop converges at start, then only once a minute: what happens in
        # between is the worker's converge task.
        console = Console(url, tmp_path / "run.log", "--dataplane-every", "60")
        try:
            console.wait_until_up()

            def served():
                return answer(fetch(linux, ns, node_ip, 80)).get("server") == "elb-97rn"

            wait_for(served, 60, "the accepted endpoint carrying traffic")
            shell(url, REJECT.format(service=service, endpoint=endpoint))  # 拒绝

            def refused():
                return fetch(linux, ns, node_ip, 80) == "ConnectionRefusedError"

            wait_for(refused, 30, "the rejected endpoint refusing, through the worker's task")

            reconciler = console.pids("dataplane")[-1]
            os.kill(reconciler, signal.SIGKILL)
            wait_for(lambda: console.pids("dataplane")[-1] != reconciler, 15, "a new reconciler")
            assert f"dataplane (pid {reconciler}) exited with -9; restarting" in console.output()

            started = [
                p for name in ("web", "worker", "sweep", "dataplane") for p in console.pids(name)
            ]
            assert console.stop() == 0, console.output()  # SIGTERM: a clean stop
        finally:
            console.stop()
            kill_all(console, "dataplane")
    assert "dataplane --teardown" in console.output()
    assert linux.namespaces() == [] and not linux.observe().haproxy_pid  # nothing left
    assert not any(alive(pid) for pid in started)


def converge_tasks(path: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(path, timeout=20)) as db:
        rows = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path LIKE ?",
            ["%converge_dataplane"],
        )
        return [status for (status,) in rows]


def test_make_run_without_the_tools_says_what_to_install_and_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAPLANE", "linux")
    monkeypatch.setenv("DATAPLANE_PREFIX", PREFIX)
    monkeypatch.setenv("DATAPLANE_RUN_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # neither haproxy nor ip found
    with scratch_database("sqlite") as url:
        path = url.removeprefix("sqlite:///")
        endpoint, _vpc, _node_ip, service = shell(prepared(url), ACCEPTED)
        with Console(url, tmp_path / "run.log") as console:
            console.wait_until_up()
            # A decision made with DATAPLANE=linux enqueues a converge; the worker, told by
            # bin/run that there is no data plane, finishes it without touching the host.
            shell(url, REJECT.format(service=service, endpoint=endpoint))

            def finished():
                statuses = converge_tasks(path)
                return statuses and all(s in ("SUCCESSFUL", "FAILED") for s in statuses)

            wait_for(finished, 30, "the converge tasks")
            assert set(converge_tasks(path)) == {"SUCCESSFUL"}
            said = console.output()
        assert "apt-get install haproxy nftables dnsmasq-base iproute2" in said, said
        assert "without a data plane" in said
        assert console.pids("dataplane") == [] and "dataplane --teardown" not in console.output()
