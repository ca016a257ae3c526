import logging
import subprocess
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from console.network import dataplane
from console.network.dataplane import get_driver
from console.network.dataplane.linux import missing_tools

log = logging.getLogger("console.dataplane")


class Command(BaseCommand):
    help = (
        "Converge the host to the database (issue 14): the network inventory and the accepted "
        "endpoints as namespaces, bridges, responders and HAProxy frontends with the linux "
        "driver (DATAPLANE=linux), nothing with the simulated one. Prints what changed. "
        "--every N repeats it every N seconds; --teardown removes every host object it made."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, default=0, help="repeat every so many seconds (default: once)"
        )
        parser.add_argument(
            "--teardown", action="store_true", help="remove every host object and stop"
        )
        parser.add_argument("--driver", default="", help="simulated or linux (default: DATAPLANE)")
        parser.add_argument(
            "--check", action="store_true", help="say whether this host can run the driver"
        )

    def handle(self, *args, every: float, teardown: bool, driver: str, check: bool, **options):
        try:
            plane = get_driver(driver)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if check:
            missing = missing_tools() if plane.name == "linux" else []
            if missing:
                raise CommandError(f"The linux data plane needs {', '.join(missing)}.")
            self.stdout.write(f"The {plane.name} data plane can run here.")
            return
        if teardown:
            self.report(dataplane.teardown(plane))
            return
        if not every:
            self.report(dataplane.converge(plane))
            return
        try:
            while True:
                try:
                    for line in dataplane.converge(plane):
                        log.info("%s", line)
                    dataplane.sample(plane)  # the 监控 tab's figures
                except (DatabaseError, RuntimeError, OSError, subprocess.SubprocessError):
                    log.exception("The data plane did not converge; trying again in %s s.", every)
                for connection in connections.all(initialized_only=True):
                    if not connection.in_atomic_block:
                        connection.close()
                time.sleep(every)
        except KeyboardInterrupt:
            return

    def report(self, done: list[str]) -> None:
        for line in done:
            self.stdout.write(line)
        self.stdout.write(f"{len(done)} changes")
