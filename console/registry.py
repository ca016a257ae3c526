"""What the shell needs from the resource apps, registered by them (issue 12, "the shell knows
no resource").

`console/` never imports a resource app (`services`, `endpoints`, `notifications`, `api`;
tests/test_layering.py holds it to that). Each resource app registers here, from its
`AppConfig.ready()`, what the shell runs on its behalf:

- its **status help** for the help page (`StatusHelp`);
- its **sweep steps** for the reconcile sweep (`SweepStep`: stuck rows given their task
  again, or any other periodic repair that returns how many things it did);
- its **quota counters** (`QuotaCounter`: the rows counted against one quota resource);
- its **demo builders** (`DemoBuilder`: called by `console.demo.seed()` after the accounts,
  users, projects and networks exist);
- its **operator pages** (`OperatorPage`: a URL under 运维管理);
- its **data plane state** (`DataplaneBuilder`: what the host carries for it, issue 14);
- its **metrics** (`Metric`: gauges on the console's /metrics, issue 14).

A new resource app plugs in by registering; nothing in `console/` changes. Registering the same
name again replaces the entry, so a reloaded app config does not count twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class StatusHelp:
    """One table of the help page: what each status of one kind of resource means (§5.4)."""

    key: str  # the table's HTML id is "<key>-statuses"
    caption: Any  # a lazy string: "Endpoint service statuses"
    choices: Callable[[], Iterable[tuple[str, Any]]]  # (value, label), in display order
    meanings: dict[str, Any]  # value -> what it means
    position: int = 100


@dataclass(frozen=True)
class SweepStep:
    """A periodic repair run by `console.sweep.sweep()`.

    `run(now, stuck_before)` returns how many things it did; `kind` says which count of the
    sweep's summary it adds to: "enqueued" (work given to a task again) or "auto_rejected"
    (connections rejected for being overdue). A "stuck" step (see `StuckRows`) is run by the
    sweep's own logic, which skips rows whose task is waiting, running or failing."""

    name: str
    run: Callable[[datetime, datetime], int]
    kind: str = "enqueued"
    position: int = 100


@dataclass(frozen=True)
class StuckRows:
    """Rows left in a transient state (创建中, 删除中) and the task that moves them on: the
    sweep enqueues `task` with the row's primary key for each row of `queryset()` updated
    before the cut-off, unless that task is already waiting, running or keeps failing."""

    name: str
    queryset: Callable[[], QuerySet]  # filtered to the stuck state; must have updated_at
    task: Any  # a django.tasks Task taking the row's primary key as a string
    position: int = 100


@dataclass(frozen=True)
class QuotaCounter:
    """The rows counted against one quota resource (a key of console.quotas.limits)."""

    resource: str
    queryset: Callable[[], QuerySet]  # the counted rows; "project" is the project they use
    account_annotation: str = ""  # the annotation name on the operator's account table


@dataclass(frozen=True)
class DemoBuilder:
    """Builds a resource app's demo rows: `build()` runs inside seed()'s transaction, after
    regions, accounts, users, projects and networks; `counts()` names what it made."""

    name: str
    build: Callable[[], None]
    counts: Callable[[], dict[str, int]] = dict
    position: int = 100


@dataclass(frozen=True)
class OperatorPage:
    """A page under 运维管理 (/operations/<route>), named "operator:<name>"."""

    route: str
    view: Callable
    name: str


@dataclass(frozen=True)
class DataplaneBuilder:
    """Adds a resource app's part of the data plane's desired state (issue 14): `build()`
    returns a console.network.dataplane.state.DesiredState merged over the network inventory.
    `watches`: the activity log's resource types (model names) whose changes alter that part;
    when one is recorded, the host converges once the transaction commits."""

    name: str
    build: Callable[[], Any]
    position: int = 100
    watches: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Metric:
    """A gauge of the console's /metrics (issue 14): `collect()` returns (labels, value) pairs,
    in a fixed number of queries."""

    name: str
    help: str
    collect: Callable[[], Iterable[tuple[dict[str, str], float]]]


class Registry:
    def __init__(self) -> None:
        self.status_help: dict[str, StatusHelp] = {}
        self.sweep_steps: dict[str, SweepStep] = {}
        self.stuck_rows: dict[str, StuckRows] = {}
        self.quota_counters: dict[str, QuotaCounter] = {}
        self.demo_builders: dict[str, DemoBuilder] = {}
        self.operator_pages: dict[str, OperatorPage] = {}
        self.dataplane_builders: dict[str, DataplaneBuilder] = {}
        self.metrics: dict[str, Metric] = {}

    def register(self, *entries) -> None:
        tables = {
            StatusHelp: (self.status_help, "key"),
            SweepStep: (self.sweep_steps, "name"),
            StuckRows: (self.stuck_rows, "name"),
            QuotaCounter: (self.quota_counters, "resource"),
            DemoBuilder: (self.demo_builders, "name"),
            OperatorPage: (self.operator_pages, "name"),
            DataplaneBuilder: (self.dataplane_builders, "name"),
            Metric: (self.metrics, "name"),
        }
        for entry in entries:
            table, key = tables[type(entry)]
            table[getattr(entry, key)] = entry

    @staticmethod
    def ordered(table: dict) -> list:
        return sorted(table.values(), key=lambda entry: getattr(entry, "position", 0))


registry = Registry()
register = registry.register
