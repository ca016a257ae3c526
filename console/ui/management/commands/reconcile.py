import logging
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from console.sweep import sweep

log = logging.getLogger("console.sweep")


class Command(BaseCommand):
    help = (
        "Give their background work again to rows the resource apps registered as stuck in "
        "创建中 or 删除中 (a lost enqueue, a worker that died: its task results still 'running' "
        "are marked failed), run their other sweep steps (console.registry), and prune task "
        "results older than a day. The tasks skip rows that have moved on, so this is safe at "
        "any time. --every N repeats it every N seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            help="seconds a row or a running task must be stuck for (default 60)",
        )
        parser.add_argument(
            "--every", type=float, default=0, help="repeat every so many seconds (default: once)"
        )

    def handle(self, *args, older_than: int, every: float, **options):
        if not every:
            self.stdout.write(str(sweep(timedelta(seconds=older_than))))
            return
        try:
            while True:
                try:
                    sweep(timedelta(seconds=older_than))  # logs what it did
                except DatabaseError:  # a locked or restarting database: try next time
                    log.exception("The sweep failed; trying again in %s s.", every)
                for connection in connections.all(initialized_only=True):
                    if not connection.in_atomic_block:  # (a test's transaction stays open)
                        connection.close()  # hold no connection while asleep
                time.sleep(every)
        except KeyboardInterrupt:
            return
