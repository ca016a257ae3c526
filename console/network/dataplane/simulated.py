"""The simulated driver: the console as before issue 14, rows in a database and nothing on the
host. `converge` only remembers what it was given (tests read it)."""

from __future__ import annotations

import contextlib

from .state import DesiredState


class SimulatedDriver:
    name = "simulated"

    def __init__(self) -> None:
        self.desired = DesiredState()

    def converge(self, desired: DesiredState) -> list[str]:
        self.desired = desired.resolved()
        return []

    def teardown(self) -> list[str]:
        self.desired = DesiredState()
        return []

    def observe(self) -> DesiredState:
        return self.desired

    def locked(self) -> contextlib.AbstractContextManager:
        return contextlib.nullcontext()
