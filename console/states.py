"""Explicit state machines: a table of allowed (from -> to) moves per model (S6, E4).

Nothing writes `status` directly: a model's transition methods call `move()`, which refuses
a move the table does not allow with an error that names the state that blocked it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class TransitionError(ValidationError):
    pass


def move(obj, to: str, only_from: set[str] | None = None) -> str:
    """Set obj.status to `to` if obj.TRANSITIONS allows it (and, when given, the current state
    is one of `only_from`: a person's decision may allow fewer moves than the system's).
    Returns the state before."""
    before = obj.status
    if to not in obj.TRANSITIONS.get(before, ()) or (
        only_from is not None and before not in only_from
    ):
        labels = dict(type(obj)._meta.get_field("status").choices)
        raise TransitionError(
            _("%(object)s is %(state)s, so it cannot become %(target)s."),
            code="invalid_transition",
            params={
                "object": obj,
                "state": labels.get(before, before),
                "target": labels.get(to, to),
            },
        )
    obj.status = to
    return before


class StatusMixin:
    """For models with a `status` field: declare TRANSITIONS, TRANSITIONAL (passing states that
    pages refresh until they settle) and STATUS_HELP (each state's meaning, §5.4)."""

    TRANSITIONS: dict[str, set[str]] = {}
    TRANSITIONAL: set[str] = set()
    STATUS_HELP: dict = {}

    @property
    def is_transitional(self) -> bool:
        return self.status in self.TRANSITIONAL

    @property
    def status_help(self) -> str:
        return self.STATUS_HELP.get(self.status, "")
