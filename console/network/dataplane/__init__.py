"""The data plane (issue 14): what the console's rows mean on a host.

`desired_state()` reads the database: the network inventory (inventory.py) plus what each
resource app registered as a console.registry.DataplaneBuilder (endpoints/dataplane.py: the
accepted interface endpoints' frontends). `get_driver()` returns the driver settings.DATAPLANE
names (env DATAPLANE): `simulated` (the default: nothing on the host) or `linux` (linux.py).
`manage.py dataplane` converges the host to the database once or every N seconds, and
`--teardown` removes every host object the driver made.

A driver:

    converge(desired: DesiredState) -> list[str]   # what it changed; [] when already right
    teardown() -> list[str]                        # removes everything it made
    observe()                                      # what the host carries now

A multi-host driver (one HAProxy per host, or OVN's northbound database) takes the same
DesiredState; nothing here assumes one machine but linux.py.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings

from console.registry import registry

from . import inventory
from .state import DesiredState

DRIVERS = ("simulated", "linux")


class Driver(Protocol):
    name: str

    def converge(self, desired: DesiredState) -> list[str]: ...

    def teardown(self) -> list[str]: ...

    def observe(self) -> Any: ...


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
