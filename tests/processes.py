"""The console as `make run` starts it, for the tests that need real processes (issue 9):
bin/run (gunicorn, db_worker, the sweep) on a scratch database of its own, reached on
127.0.0.1 only. Everything is bounded in time, and every process started is killed at the end."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import requests

ROOT = Path(__file__).resolve().parent.parent


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


@contextlib.contextmanager
def scratch_database(kind: str = "") -> Iterator[str]:
    """The DATABASE_URL of an empty database, dropped afterwards: a new database on the test
    run's PostgreSQL server when its DATABASE_URL names one (and kind is not "sqlite"), else
    SQLite in a temporary folder (named by the URL, as defect 1 needs it to work)."""
    url = os.environ.get("DATABASE_URL", "")
    if kind != "sqlite" and is_postgres(url):
        import psycopg

        name = f"vpcep_scratch_{uuid.uuid4().hex[:12]}"
        server = urlparse(url)
        with psycopg.connect(urlunparse(server._replace(path="/postgres")), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
            try:
                yield urlunparse(server._replace(path=f"/{name}"))
            finally:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="vpcep-scratch-") as folder:
            yield f"sqlite:///{folder}/db.sqlite3"


def environment(database_url: str) -> dict[str, str]:
    """The production settings (not the tests'), as `make run` has them."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "console.settings",
        "DATABASE_URL": database_url,
        "HTTPS": "false",
        "DEBUG": "false",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONUNBUFFERED": "1",
    }


def manage(database_url: str, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def shell(database_url: str, code: str, timeout: float = 60):
    """Run Python in `manage.py shell` on that database; it prints one JSON value last."""
    return json.loads(manage(database_url, "shell", "-c", code, timeout=timeout).splitlines()[-1])


def prepared(database_url: str) -> str:
    """Migrated and seeded with the demo data, as `make run` does before it starts."""
    manage(database_url, "migrate", "--no-input", "-v", "0")
    manage(database_url, "seed_demo")
    return database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:g} s")


class Console:
    """bin/run started on a free port; its output (and its children's) goes to `log`."""

    def __init__(self, database_url: str, log: Path, *options: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "bin/run", "--port", str(self.port), *options],
                cwd=ROOT,
                env=environment(database_url),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self, name: str) -> list[int]:
        """The pids bin/run started `name` ("web", "worker", "sweep") with, oldest first."""
        return [int(p) for p in re.findall(rf"started {name} \(pid (\d+)\)", self.output())]

    def wait_until_up(self, timeout: float = 30) -> None:
        def answers():
            assert self.process.poll() is None, f"bin/run exited:\n{self.output()}"
            with contextlib.suppress(requests.RequestException):  # not listening yet, or slow
                return requests.get(f"{self.url}/v1", timeout=10).status_code == 200

        wait_for(answers, timeout, f"the console on {self.url}")

    def stop(self) -> int | None:
        """SIGTERM to bin/run, which stops its children; whatever is left is killed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Children live in process groups of their own (gunicorn's workers in its group).
        for pid in {p for name in ("web", "worker", "sweep") for p in self.pids(name)}:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        return self.process.returncode

    def __enter__(self) -> Console:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) is not alive either.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    return True
