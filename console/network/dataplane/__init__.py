"""The data plane (issue 14): what the console's rows mean on a host.

`desired_state()` reads the database: the network inventory (inventory.py) plus what each
resource app registered as a console.registry.DataplaneBuilder (endpoints/dataplane.py: the
accepted interface endpoints' frontends). `get_driver()` returns the driver settings.DATAPLANE
names (env DATAPLANE): `simulated` (the default: nothing on the host) or `linux` (linux.py).
`manage.py dataplane` converges the host to the database once or every N seconds, and
`--teardown` removes every host object the driver made.

Operations reach the host through the activity log: `console.audit.log.record()` calls
`changed(resource_type)`; when a resource app's builder watches that type and the driver is not
the simulated one, one `converge_dataplane` task (console/network/tasks.py) is enqueued when the
transaction commits, however many records it wrote. The reconciler's loop (`--every N`, started
by `make run` with the linux driver) converges too, so a lost task or a host change made by hand
is mended within N seconds. `converge()` holds the driver's lock: one converge at a time per host.

A driver:

    converge(desired: DesiredState) -> list[str]   # what it changed; [] when already right
    teardown() -> list[str]                        # removes everything it made
    observe()                                      # what the host carries now

A multi-host driver (one HAProxy per host, or OVN's northbound database) takes the same
DesiredState; nothing here assumes one machine but linux.py.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction

from console.registry import registry

from . import inventory
from .state import DesiredState

DRIVERS = ("simulated", "linux")


class Driver(Protocol):
    name: str

    def converge(self, desired: DesiredState) -> list[str]: ...

    def teardown(self) -> list[str]: ...

    def observe(self) -> Any: ...

    def locked(self) -> contextlib.AbstractContextManager: ...


log = logging.getLogger("console.dataplane")


def desired_state() -> DesiredState:
    state = inventory.build()
    for builder in registry.ordered(registry.dataplane_builders):
        state.merge(builder.build())
    return state


def get_driver(name: str = "") -> Driver:
    name = name or settings.DATAPLANE
    if name == "linux":
        from .linux import LinuxDriver

        return LinuxDriver(settings.DATAPLANE_PREFIX, settings.DATAPLANE_RUN_DIR)
    if name == "simulated":
        from .simulated import SimulatedDriver

        return SimulatedDriver()
    raise ValueError(f"DATAPLANE is {name!r}; it is one of {', '.join(DRIVERS)}.")


def converge(driver: Driver | None = None) -> list[str]:
    """Converge the host to the database now, holding the driver's lock (a second converger on
    the same host waits). Returns what changed."""
    driver = driver or get_driver()
    with driver.locked():
        return driver.converge(desired_state())


def teardown(driver: Driver | None = None) -> list[str]:
    """Remove everything the driver made, its lock file last (nothing is left on the host)."""
    driver = driver or get_driver()
    with driver.locked():
        done = driver.teardown()
    lock_file = getattr(driver, "lock_file", None)
    if lock_file is not None:
        lock_file.unlink(missing_ok=True)
    return done


def vpc_namespace(vpc_id) -> str:
    """The network namespace a VPC is on this host ("" when the data plane is simulated): the
    endpoint's page shows `ip netns exec <it> curl ...`, which works on the console's host."""
    driver = get_driver()
    return driver.vpc_ns(str(vpc_id)) if hasattr(driver, "vpc_ns") else ""


def probe(vpc_id, address: str, port: int) -> str:
    """Can endpoint traffic reach address:port in this VPC? "reachable", "refused", "timeout"
    or "unreachable" from the host's data plane; "" when it is simulated (nothing to ask)."""
    driver = get_driver()
    if not hasattr(driver, "probe"):
        return ""
    try:
        return driver.probe(str(vpc_id), address, port)
    except (OSError, RuntimeError, subprocess.SubprocessError):
        log.exception("The backend probe failed.")
        return "unreachable"


def sample(driver: Driver | None = None) -> int:
    """Store the endpoints' connection figures now (the reconciler's every round)."""
    driver = driver or get_driver()
    if not hasattr(driver, "run_dir"):
        return 0
    from . import metrics

    return metrics.sample(driver.run_dir)


def live_figures(endpoint_ids=None) -> dict:
    """endpoint id -> metrics.Figures now, for those with a frontend (of `endpoint_ids`, or
    all; {} when simulated)."""
    driver = get_driver()
    if not hasattr(driver, "run_dir"):
        return {}
    from . import metrics

    live = metrics.live(driver.run_dir)
    if endpoint_ids is None:
        return live
    wanted = {str(pk) for pk in endpoint_ids}
    return {k: v for k, v in live.items() if k in wanted}


def watched() -> frozenset[str]:
    return frozenset().union(*(b.watches for b in registry.dataplane_builders.values()))


def changed(resource_type: str) -> None:
    """A state change of `resource_type` is being recorded: converge the host once the
    transaction commits (one task per transaction). Nothing at all with the simulated driver."""
    if settings.DATAPLANE == "simulated" or resource_type not in watched():
        return
    connection = transaction.get_connection()
    if any(getattr(hook, "pending", False) for _ids, hook, _robust in connection.run_on_commit):
        return  # this transaction converges already

    def converge_after_commit() -> None:
        converge_after_commit.pending = False
        enqueue_converge()

    converge_after_commit.dataplane = converge_after_commit.pending = True
    transaction.on_commit(converge_after_commit, robust=True)


def converge_waiting() -> bool:
    """Whether a converge task is queued and not started yet: it will read the database when
    it runs, so this commit needs no other (the database task backend only)."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path="console.network.tasks.converge_dataplane", status="READY"
    ).exists()


def enqueue_converge() -> None:
    from console.network.tasks import converge_dataplane

    try:
        if converge_waiting():
            return
        converge_dataplane.enqueue()
    except Exception:  # the reconciler's loop converges anyway; the operation stands
        log.exception("Could not enqueue the data plane's converge.")
