"""The demo data (`manage.py seed_demo`, `make run`, the tests): see console/demo/data.py.

This package is also the app that holds the command, so it imports no model at import time.
"""

import uuid

NAMESPACE = uuid.UUID("7a1c1f1e-6d2b-4b8e-9a59-0c2f5b7d1e11")


def stable_hex(*parts: str) -> str:
    """The same 32-hex ID on every run, so README, tests and bookmarks can name it."""
    return uuid.uuid5(NAMESPACE, ":".join(parts)).hex


def stable_uuid(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(parts))


def seed(password: str | None = None) -> dict[str, int]:
    """Create or refresh the demo data; how many rows of each kind exist afterwards."""
    from .data import seed as seed_data

    return seed_data(password)
