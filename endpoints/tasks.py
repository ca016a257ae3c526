"""Background work of endpoints: provisioning in seconds (§1.2), and deletion."""

import logging

from django.db import OperationalError, transaction
from django.tasks import task
from django.utils.translation import gettext as _

from console.audit.log import record
from console.sweep import tries_left

from .models import Endpoint, EndpointStatus
from .provisioning import ProvisionError, provision, release

log = logging.getLogger(__name__)


@task
def provision_endpoint(endpoint_id: str) -> str:
    """创建中 -> node IP, DNS record, routes -> 已接受 (or 待接受 when the service wants to
    approve). A failing step -> 失败 with the reason, and nothing half-made left behind."""
    try:
        with transaction.atomic():
            endpoint = _locked(endpoint_id)
            if endpoint is None or endpoint.status != EndpointStatus.CREATING:
                return "skipped"
            provision(endpoint)
            before = endpoint.finish_provisioning()
            endpoint.save()
            record(
                None,
                "endpoint.provision",
                endpoint,
                before={"status": before},
                after={
                    "status": endpoint.status,
                    "node_ip": endpoint.node_ip,
                    "domain_name": endpoint.domain_name,
                },
            )
            return endpoint.status
    except ProvisionError as exc:
        reason = str(exc)
    except Exception as exc:  # any other failure must end in 失败, never leave 创建中 behind
        if isinstance(exc, OperationalError) and tries_left(provision_endpoint, endpoint_id):
            # A locked database, a deadlock, a dropped connection: nothing was made (rolled
            # back), so the row stays 创建中 and the sweep gives it this task again a minute
            # later. Its last try ends in 失败 like any other failure, not 创建中 for ever.
            log.warning("Provisioning endpoint %s: database error; retried", endpoint_id)
            raise
        log.exception("Provisioning endpoint %s failed", endpoint_id)  # the cause, for the log
        reason = _("The endpoint could not be provisioned. Delete it and try again.")
    with transaction.atomic():  # the failed attempt was rolled back whole; now say why
        endpoint = _locked(endpoint_id)
        if endpoint is None or endpoint.status != EndpointStatus.CREATING:
            return "skipped"
        before = endpoint.mark_failed(reason)
        endpoint.node_ip = None  # a failed endpoint holds no address
        endpoint.save(update_fields=["status", "error", "node_ip", "updated_at"])
        record(
            None,
            "endpoint.fail",
            endpoint,
            before={"status": before},
            after={"status": endpoint.status, "error": reason},
        )
        return endpoint.status


@task
def finish_endpoint_deletion(endpoint_id: str) -> str:
    with transaction.atomic():
        endpoint = _locked(endpoint_id)
        if endpoint is None or endpoint.status != EndpointStatus.DELETING:
            return "skipped"
        remove(endpoint)
        return "deleted"


def remove(endpoint: Endpoint) -> None:
    """Release the endpoint's network resources and delete it (also for a deleted service)."""
    release(endpoint)
    record(None, "endpoint.deleted", endpoint, before={"status": endpoint.status}, after=None)
    endpoint.delete()


def _locked(endpoint_id):
    return (
        Endpoint.objects.select_for_update(no_key=True, of=("self",))
        .select_related("service", "subnet", "vpc__project", "project__region")
        .filter(pk=endpoint_id)
        .first()
    )
