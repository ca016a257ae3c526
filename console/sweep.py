"""The sweep that keeps background work moving when a process dies (issue 9, defect 7).

A worker killed mid-task leaves its task result "running" for ever and its row in 创建中 or
删除中; a web process that dies between its commit and the enqueue leaves a row with no task
at all. `sweep()` finds both and gives the row its task again, and prunes old task results.
It runs the other steps the resource apps registered (issue 12: console.registry), such as
rejecting, as the system, connections left pending longer than their service's
待接受连接自动拒绝 days (issue 11) and re-enqueuing overdue notifications, and last refreshes
SQLite's planner statistics (`refresh_statistics`, issue 13). `manage.py reconcile`
runs it once, or every minute with `--every 60` (as `make run` and the production units do).

Re-running is safe: each task locks its row and skips it unless it is still in the state the
task expects (each resource app's tasks.py), and a task killed half-way left
nothing behind, since its work is one transaction that the dead connection rolled back.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from console.registry import registry

log = logging.getLogger(__name__)

# Every task here takes milliseconds: one still "running" after a minute lost its worker.
LOST_AFTER = timedelta(seconds=60)
KEEP_RESULTS = timedelta(days=1)
# A task that fails by itself this often is left alone (and logged) until its results are pruned.
GIVE_UP_AFTER = 3
LOST = "console.sweep.WorkerLost"


class WorkerLost(Exception):
    """The exception class a task result lost with its worker is marked failed with."""


@dataclass
class Swept:
    lost: int = 0  # running task results whose worker is gone, now failed
    enqueued: int = 0  # rows in 创建中/删除中 given their task again
    pruned: int = 0  # finished task results deleted
    auto_rejected: int = 0  # connections pending past their service's auto_reject_days (issue 11)

    def __str__(self) -> str:
        return (
            f"Enqueued {self.enqueued} task(s) again; {self.lost} lost with their worker; "
            f"{self.pruned} old result(s) pruned; "
            f"{self.auto_rejected} pending connection(s) rejected automatically."
        )


def sweep(older_than: timedelta = LOST_AFTER, keep_results: timedelta = KEEP_RESULTS) -> Swept:
    now = timezone.now()
    swept = Swept(
        lost=fail_lost_tasks(now - older_than),
        enqueued=enqueue_stuck(now - older_than),
        pruned=prune_results(now - keep_results),
    )
    for step in registry.ordered(registry.sweep_steps):  # the resource apps' own steps
        setattr(swept, step.kind, getattr(swept, step.kind) + step.run(now, now - older_than))
    try:  # last: waiting for a busy database must not hold up the repairs above
        refresh_statistics()
    except DatabaseError:
        log.warning("Planner statistics not refreshed this time.", exc_info=True)
    if swept.lost or swept.enqueued or swept.pruned or swept.auto_rejected:
        log.info("%s", swept)
    return swept


def fail_lost_tasks(started_before: datetime) -> int:
    """Mark failed the task results still running since before `started_before`: their worker
    died (django-tasks-db keeps no heartbeat, so age is the sign). Should the worker be alive
    after all, it overwrites this when it finishes, and the extra run the row gets skips."""
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=started_before)
        .update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=LOST,
            traceback="The worker running this task was gone before it finished.\n",
            return_value=None,
        )
    )


def enqueue_stuck(updated_before: datetime) -> int:
    """Give a task to each row in 创建中/删除中 since before `updated_before` that has none
    waiting or running (an enqueue lost with its web process, a task lost with its worker).
    The rows and their tasks are what the resource apps registered as `StuckRows`."""
    jobs = [(entry.queryset(), entry.task) for entry in registry.ordered(registry.stuck_rows)]
    pending = pending_tasks()
    failing = failing_tasks()
    count = 0
    for queryset, task in jobs:
        for pk in queryset.filter(updated_at__lt=updated_before).values_list("pk", flat=True):
            key = (task.module_path, str(pk))
            if key in pending:
                continue
            if failing.get(key, 0) >= GIVE_UP_AFTER:
                log.error(
                    "%s(%s) failed %d times; not retried until its results are pruned.",
                    *key,
                    failing[key],
                )
                continue
            task.enqueue(str(pk))
            count += 1
    return count


def failing_tasks(**only) -> Counter:
    """How often each (task path, first argument) failed by itself (not lost with a worker)."""
    failed = (
        DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, **only)
        .exclude(exception_class_path=LOST)
        .values_list("task_path", "args_kwargs")
    )
    return Counter((path, str(call["args"][0])) for path, call in failed if call.get("args"))


def tries_left(task, pk) -> int:
    """How many more times the sweep will give `task(pk)` to a worker should this run fail by
    itself: a task can end its row in 失败 on its last try instead (endpoints/tasks.py). Only
    the database backend keeps the results this counts: with another there is no retry to
    wait for, so none is left. A database that cannot answer this counts as one more try."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return 0
    try:
        failed = failing_tasks(task_path=task.module_path)[(task.module_path, str(pk))]
    except DatabaseError:
        return 1
    return max(GIVE_UP_AFTER - failed - 1, 0)


def pending_tasks() -> set[tuple[str, str]]:
    """(task path, first argument) of every task waiting or running: few, as the queue is."""
    waiting = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("task_path", "args_kwargs")
    return {(path, str(call["args"][0])) for path, call in waiting if call.get("args")}


def prune_results(finished_before: datetime) -> int:
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=finished_before).delete()
    return deleted


def refresh_statistics() -> None:
    """SQLite chooses its indexes from the statistics ANALYZE leaves (sqlite_stat1); without
    them it guesses, and with thousands of rows it guesses wrong: the inbox sorted every
    connection of the approver's services instead of reading the partial index of waiting ones
    in order (issue 13). `analysis_limit` samples each index, so this takes milliseconds
    whatever the size. PostgreSQL's autovacuum keeps its own statistics."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
