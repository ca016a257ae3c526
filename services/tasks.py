"""Background work of endpoint services: seconds after a request, in `db_worker` (§1.2)."""

from django.db import transaction
from django.tasks import task

from console.audit.log import record
from endpoints.tasks import remove

from .models import EndpointService, ServiceStatus


@task
def provision_service(service_id: str) -> str:
    """创建中 -> 可连接. The backend cannot be missing (PROTECT and a check constraint), so
    nothing here can fail; 失败 is for provisioning steps that can."""
    with transaction.atomic():
        service = _locked(service_id)
        if service is None or service.status != ServiceStatus.CREATING:
            return "skipped"
        before = service.mark_available()
        service.save(update_fields=["status", "updated_at"])
        record(
            None,
            "service.provision",
            service,
            before={"status": before},
            after={"status": service.status},
        )
        return service.status


@task
def finish_deletion(service_id: str) -> str:
    """删除中 -> 已删除: remove the service with its dead connections, whitelist and tags."""
    with transaction.atomic():
        service = _locked(service_id)
        if service is None or service.status != ServiceStatus.DELETING:
            return "skipped"
        for endpoint in service.endpoints.select_for_update(no_key=True, of=("self",)):
            # Only pending, rejected or failed ones remain: the delete rule refused the others.
            remove(endpoint)
        before = service.mark_deleted()
        record(
            None,
            "service.deleted",
            service,
            before={"status": before},
            after={"status": service.status},
        )
        service.delete()
        return ServiceStatus.DELETED


def _locked(service_id):
    """The service, locked FOR NO KEY UPDATE as everywhere else, or None. Not FOR UPDATE: while
    the service is removed, a consumer deleting its endpoint holds that endpoint's row and then
    writes a 连接记录, whose foreign-key check (KEY SHARE) on this row FOR UPDATE would block: a
    deadlock. Only the final DELETE takes the stronger lock, once every endpoint is gone."""
    return EndpointService.objects.select_for_update(no_key=True).filter(pk=service_id).first()
