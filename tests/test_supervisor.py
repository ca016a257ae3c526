"""`make run` survives a dead worker (issue 9, defect 7): bin/run restarts a worker killed with
SIGKILL, and its sweep gives a task lost with a killed worker to a live one. Real processes on
a SQLite database of their own; every wait is bounded and every process is killed at the end."""

import os
import signal
import sqlite3
from contextlib import closing

from .processes import Console, alive, prepared, scratch_database, shell, wait_for

# What a worker killed mid-task leaves behind: the row 创建中, its task result "running".
LOSE_A_TASK = """
import json
from datetime import timedelta
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from services.models import EndpointService
from services.tasks import provision_service
app = EndpointService.objects.get(name="app")
long_ago = timezone.now() - timedelta(minutes=10)
EndpointService.objects.filter(pk=app.pk).update(status="creating", updated_at=long_ago)
result = provision_service.enqueue(str(app.pk))
DBTaskResult.objects.filter(pk=result.id).update(
    status="RUNNING", started_at=long_ago, worker_ids=["killed-worker"]
)
print(json.dumps(result.id))
"""

CREATE_A_SERVICE = """
import json
from console.tenancy.models import User
from services import operations as ops
from services.models import EndpointService
web = EndpointService.objects.get(name="web")
service = ops.create_service(
    User.objects.get(username="a-admin"), web.project, name="after-kill", vpc_id=web.vpc_id,
    backend_type="LB", backend_id=web.load_balancer_id, ports=[ops.Port("TCP", 81, 81)],
)
print(json.dumps(service.status))
"""


def status(path: str, name: str) -> str | None:
    with closing(sqlite3.connect(path, timeout=20)) as db:
        row = db.execute("SELECT status FROM services_endpointservice WHERE name = ?", [name])
        return next(iter(row.fetchone() or ()), None)


def task_status(path: str, task_id: str) -> str | None:
    with closing(sqlite3.connect(path, timeout=20)) as db:
        row = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
            [task_id.replace("-", "")],
        )
        return next(iter(row.fetchone() or ()), None)


def test_a_killed_worker_is_restarted_and_lost_work_is_done(tmp_path):
    with scratch_database("sqlite") as url:
        path = url.removeprefix("sqlite:///")
        lost = shell(prepared(url), LOSE_A_TASK)
        console = Console(url, tmp_path / "run.log", "--sweep-every", "1", "--restart-delay", "0.2")
        with console:
            console.wait_until_up()
            # The sweep marks the lost task failed and enqueues the work again; a worker runs it.
            wait_for(lambda: status(path, "app") == "available", 30, "the lost provisioning")
            assert task_status(path, lost) == "FAILED"

            worker = console.pids("worker")[-1]
            os.kill(worker, signal.SIGKILL)
            wait_for(lambda: console.pids("worker")[-1] != worker, 15, "a new worker")
            assert not alive(worker) and alive(console.pids("worker")[-1])
            assert f"worker (pid {worker}) exited with -9; restarting" in console.output()

            assert shell(url, CREATE_A_SERVICE) == "creating"
            wait_for(lambda: status(path, "after-kill") == "available", 30, "the new service")

            started = [p for name in ("web", "worker", "sweep") for p in console.pids(name)]
            assert console.stop() == 0, console.output()  # SIGTERM: a clean stop
        assert not any(alive(pid) for pid in started)


def test_two_consoles_on_one_host_share_nothing_in_home(tmp_path, monkeypatch):
    """gunicorn 25+ opens a control socket at ~/.gunicorn/gunicorn.ctl unless told not to: two
    `make run`s (or a test run beside one) would take the same path in turn."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    with scratch_database("sqlite") as url:
        prepared(url)
        first = Console(url, tmp_path / "first.log")
        second = Console(url, tmp_path / "second.log")
        with first, second:
            first.wait_until_up()
            second.wait_until_up()
            assert list(home.iterdir()) == []  # no ~/.gunicorn, no socket of anyone's
