"""The data plane's tests (issue 14). Those using `linux` build real namespaces and HAProxy:
they run as root with iproute2 and haproxy installed and skip otherwise, unless
REQUIRE_DATAPLANE=1 (as .ci/run sets), which makes a missing tool a failure. They use their
own prefix (`vpct-`), so a data plane running under `make run` (`vpce-`) is left alone, and
every test tears down what it built. Engineers running these tests at the same time on one host
set DATAPLANE_TEST_PREFIX (1-6 characters) to keep out of each other's way."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from console.network.dataplane.linux import LinuxDriver, missing_tools

PREFIX = os.environ.get("DATAPLANE_TEST_PREFIX", "vpct-")

FETCH = """
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
s.sendall(b"GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n")
data = b""
while chunk := s.recv(4096):
    data += chunk
print(data.decode().split("\\r\\n\\r\\n", 1)[1], end="")
"""


@pytest.fixture
def linux(tmp_path):
    missing = missing_tools()
    if missing:
        why = f"the linux data plane needs {', '.join(missing)}"
        if os.environ.get("REQUIRE_DATAPLANE") == "1":
            pytest.fail(why + " (REQUIRE_DATAPLANE=1)")
        pytest.skip(why)
    cache.clear()  # the backend check's answers of another test's host
    driver = LinuxDriver(PREFIX, str(tmp_path / "run"))
    driver.teardown()  # whatever an interrupted run left
    yield driver
    driver.teardown()
    assert driver.namespaces() == []


def fetch(driver: LinuxDriver, ns: str, address: str, port: int) -> str:
    """GET / from inside namespace `ns`: the responder's answer, or an OSError's name."""
    result = subprocess.run(
        ["ip", "netns", "exec", ns, sys.executable, "-c", FETCH, address, str(port)],
        capture_output=True,
        text=True,
        timeout=20,
    )
    if result.returncode:
        return result.stderr.strip().splitlines()[-1].split(":")[0]  # e.g. ConnectionRefusedError
    return result.stdout


def answer(text: str) -> dict[str, str]:
    """The responder's lines as a dict: {"server": ..., "client": ..., "proxy-source": ...}."""
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
