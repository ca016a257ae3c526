"""Threads that race for the same rows, for the PostgreSQL concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import translation

from console.tenancy.models import User
from console.tenancy.querysets import project_roles


@dataclass
class Outcome:
    username: str
    value: Any = None
    error: BaseException | None = None


def race(*calls: tuple[str, Callable[[User], Any]]) -> list[Outcome]:
    """Run each call as its user in a thread of its own, all released together by a barrier.

    A thread opens its connection and loads its user before the barrier, so the race starts
    at the operation itself; it closes its connection at the end."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome(username) for username, _ in calls]

    def worker(outcome: Outcome, call: Callable[[User], Any]) -> None:
        try:
            with translation.override("en"):
                user = User.objects.get(username=outcome.username)
                project_roles(user)  # the role cache: one query fewer after the barrier
                barrier.wait(timeout=30)
                outcome.value = call(user)
        except BaseException as exc:  # reported by the test, whatever it is
            barrier.abort()  # never leave the other threads waiting
            outcome.error = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(outcome, call), daemon=True)
        for outcome, (_, call) in zip(outcomes, calls, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return outcomes


def unexpected(outcomes: list[Outcome], allowed: tuple[type[BaseException], ...] = ()) -> list:
    return [o.error for o in outcomes if o.error is not None and not isinstance(o.error, allowed)]
