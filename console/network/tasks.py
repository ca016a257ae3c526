"""Background work of the data plane (issue 14): converge the host after a change commits."""

from django.tasks import task

from console.network import dataplane


@task
def converge_dataplane() -> str:
    """Enqueued by dataplane.changed() once per transaction that changed something the host
    carries; converging is idempotent, so a task that finds the host right changes nothing."""
    done = dataplane.converge()
    return f"{len(done)} changes"
