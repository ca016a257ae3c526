"""Forged and garbage input is refused with a message, never a 500 (found in review)."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from console.sweep import sweep
from endpoints.models import Endpoint, EndpointStatus
from endpoints.tasks import provision_endpoint
from services import operations as ops
from services.models import EndpointService, ServiceStatus
from services.tasks import provision_service
from tests.services.conftest import user

pytestmark = pytest.mark.django_db

GARBAGE = ["²", "9" * 5000, "1" * 30, "-1", "abc", ""]


@pytest.fixture
def web(demo_data):
    return EndpointService.objects.get(name="web")


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_whitelist_ids(login, web, value):
    client = login("a-approver")
    assert (
        client.post(
            reverse("services:permissions_remove", args=[web.pk]), {"permission": value}
        ).status_code
        == 302
    )
    assert (
        client.get(
            reverse("services:permissions_remove_confirm", args=[web.pk]), {"permission": value}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_row_counts_and_row_numbers(login, demo_data, value):
    client = login("a-admin")
    for url, action in (
        (reverse("services:create"), "add_port"),
        (reverse("services:create"), f"remove_port-{value}"),
        (reverse("endpoints:create"), "add_tag"),
        (reverse("endpoints:create"), f"remove_tag-{value}"),
    ):
        data = {
            "_action": action,
            "ports-TOTAL_FORMS": value,
            "ports-INITIAL_FORMS": "0",
            "tags-TOTAL_FORMS": value,
            "tags-INITIAL_FORMS": "0",
        }
        assert client.post(url, data).status_code == 200


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_quota_request_ids(login, demo_data, value):
    response = login("operator").post(
        reverse("operator:quota_requests"), {"request": value, "decision": "approve"}
    )
    assert response.status_code == 302


def test_a_gateway_cloud_service_with_ports_is_refused_at_the_field(login, demo_data):
    response = login("operator").post(
        reverse("operator:system_services"),
        {
            "_action": "create",
            "region": EndpointService.objects.get(name="web").project.region.pk,
            "name": "obs2",
            "service_type": "gateway",
            "route_prefix": "100.126.0.0/16",
            "port_mappings": "TCP 0:0",
        },
    )
    assert response.status_code == 422 and response.context["form"].errors["port_mappings"]
    assert not EndpointService.objects.filter(name="obs2").exists()


def test_duplicate_cloud_service_ports_are_refused(login, demo_data):
    response = login("operator").post(
        reverse("operator:system_services"),
        {
            "_action": "create",
            "region": EndpointService.objects.get(name="web").project.region.pk,
            "name": "ntp",
            "service_type": "interface",
            "port_mappings": "UDP 123:123, UDP 123:123",
        },
    )
    assert response.status_code == 422 and not EndpointService.objects.filter(name="ntp").exists()


def test_no_decisions_or_whitelist_changes_while_the_service_is_deleting(web):
    from django.core.exceptions import ValidationError

    Endpoint.objects.filter(service=web, status=EndpointStatus.ACCEPTED).update(
        status=EndpointStatus.REJECTED
    )
    ops.delete_service(user("a-admin"), web.pk)
    pending = web.endpoints.filter(status=EndpointStatus.PENDING).first()
    with pytest.raises(ValidationError, match="可连接"):
        ops.decide_connections(user("a-approver"), web.pk, [pending.pk], "accept")
    with pytest.raises(ValidationError, match="可连接"):
        ops.add_permissions(user("a-approver"), web.pk, ["*"])


def test_reconcile_enqueues_stuck_work_again(web, capsys):
    EndpointService.objects.filter(pk=web.pk).update(
        status="creating", updated_at="2000-01-01T00:00:00Z"
    )
    call_command("reconcile")
    web.refresh_from_db()
    assert web.status == "available"  # the immediate backend ran the provisioning again
    assert "Enqueued 1" in capsys.readouterr().out


def test_connection_checkboxes_are_labelled(login, web):
    page = login("a-approver").get(reverse("services:connections", args=[web.pk])).content.decode()
    for endpoint in web.endpoints.all():
        assert f'aria-label="选择 {endpoint.pk}"' in page


# --- issue 9, defect 7: work lost with a worker or a web process is given its task again ----


@pytest.fixture
def queue(settings):
    """Tasks go to the database queue, as under `make run`; run() plays the worker."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    def run() -> int:
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        count = 0
        while (result := DBTaskResult.objects.ready().first()) is not None and count < 20:
            result.claim(worker.worker_id)
            worker.run_task(result)
            count += 1
        return count

    return SimpleNamespace(run=run)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_a_task_lost_with_its_killed_worker_is_run_again(
    queue, web, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        service = ops.create_service(
            user("a-admin"),
            web.project,
            name="shop",
            vpc_id=web.vpc_id,
            backend_type="LB",
            backend_id=web.load_balancer_id,
            ports=[ops.Port("TCP", 80, 8080)],
        )
    # The worker claimed the task, then was killed: its transaction rolled back, and the
    # result says "running" for ever.
    lost = DBTaskResult.objects.ready().get()
    lost.claim("killed-worker")
    DBTaskResult.objects.filter(pk=lost.pk).update(started_at=ago(minutes=5))
    EndpointService.objects.filter(pk=service.pk).update(updated_at=ago(minutes=5))
    assert queue.run() == 0  # nothing to run: the service would stay 创建中 for ever

    call_command("reconcile")

    assert "Enqueued 1 task(s) again; 1 lost" in capsys.readouterr().out
    lost.refresh_from_db()
    assert (lost.status, lost.exception_class_path) == ("FAILED", "console.sweep.WorkerLost")
    assert lost.task_result.errors[0].exception_class.__name__ == "WorkerLost"  # importable
    assert queue.run() == 1
    service.refresh_from_db()
    assert service.status == ServiceStatus.AVAILABLE


def test_a_lost_endpoint_provisioning_reaches_its_final_state(queue, web, capsys):
    endpoint = web.endpoints.get(status=EndpointStatus.PENDING)
    Endpoint.objects.filter(pk=endpoint.pk).update(
        status=EndpointStatus.CREATING, node_ip=None, updated_at=ago(minutes=2)
    )
    provision_endpoint.enqueue(str(endpoint.pk))
    DBTaskResult.objects.update(
        status="RUNNING", started_at=ago(minutes=2), worker_ids=["killed-worker"]
    )

    call_command("reconcile")
    queue.run()

    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.PENDING and endpoint.node_ip  # web wants approval
    assert "1 lost" in capsys.readouterr().out


def creating_endpoint(web) -> Endpoint:
    endpoint = web.endpoints.get(status=EndpointStatus.PENDING)
    Endpoint.objects.filter(pk=endpoint.pk).update(
        status=EndpointStatus.CREATING, node_ip=None, updated_at=ago(minutes=2)
    )
    return endpoint


def locked_database(*args):
    raise OperationalError("database is locked")


def test_a_database_error_while_provisioning_is_retried_not_failed(queue, web, monkeypatch):
    """A transient database error (locked, deadlock, dropped connection) leaves the endpoint
    创建中, not 失败 for good; the sweep's next try provisions it."""
    endpoint = creating_endpoint(web)
    monkeypatch.setattr("endpoints.tasks.provision", locked_database)
    provision_endpoint.enqueue(str(endpoint.pk))
    assert queue.run() == 1
    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.error) == (EndpointStatus.CREATING, "")
    failed = DBTaskResult.objects.get()
    assert (failed.status, failed.exception_class_path) == (
        "FAILED",
        "django.db.utils.OperationalError",
    )

    monkeypatch.undo()  # the database is free again
    assert sweep().enqueued == 1
    queue.run()
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.PENDING and endpoint.node_ip


def test_a_database_error_on_the_last_try_ends_in_failed(queue, web, monkeypatch):
    """The sweep gives a task GIVE_UP_AFTER tries: the last one ends the endpoint in 失败 with
    its reason rather than leaving it 创建中 for ever."""
    from console.sweep import GIVE_UP_AFTER

    endpoint = creating_endpoint(web)
    monkeypatch.setattr("endpoints.tasks.provision", locked_database)
    provision_endpoint.enqueue(str(endpoint.pk))
    for _ in range(GIVE_UP_AFTER - 1):
        queue.run()
        endpoint.refresh_from_db()
        assert endpoint.status == EndpointStatus.CREATING
        assert sweep().enqueued == 1
    queue.run()
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.FAILED
    assert (
        endpoint.error == "终端节点创建失败。请删除后重试。"
    )  # what to do, in the site's language
    assert endpoint.node_ip is None
    assert sweep().enqueued == 0  # nothing left to retry
    assert DBTaskResult.objects.filter(status="FAILED").count() == GIVE_UP_AFTER - 1


def test_without_the_database_queue_a_database_error_fails_the_endpoint_at_once(web, monkeypatch):
    """Another task backend keeps no results, so the sweep has no retry to give: 失败 with
    its reason at once, not 创建中 for ever (review)."""
    endpoint = creating_endpoint(web)
    monkeypatch.setattr("endpoints.tasks.provision", locked_database)
    assert provision_endpoint.call(str(endpoint.pk)) == EndpointStatus.FAILED
    endpoint.refresh_from_db()
    assert endpoint.status == EndpointStatus.FAILED and endpoint.node_ip is None


def test_a_row_left_without_a_task_is_picked_up(queue, web, capsys):
    """A web process died between its commit and its enqueue: 删除中, and no task."""
    app = EndpointService.objects.get(name="app")
    EndpointService.objects.filter(pk=app.pk).update(
        status=ServiceStatus.DELETING, updated_at=ago(minutes=2)
    )
    call_command("reconcile")
    assert "Enqueued 1 task(s) again" in capsys.readouterr().out
    assert queue.run() == 1
    assert not EndpointService.objects.filter(pk=app.pk).exists()


def test_a_recent_row_and_healthy_tasks_are_left_alone(queue, web, capsys):
    app = EndpointService.objects.get(name="app")
    EndpointService.objects.filter(pk__in=[web.pk, app.pk]).update(
        status=ServiceStatus.CREATING, updated_at=ago(minutes=5)
    )
    running = provision_service.enqueue(str(web.pk)).id  # a worker is on it right now
    DBTaskResult.objects.filter(pk=running).update(status="RUNNING", started_at=ago(seconds=5))
    provision_service.enqueue(str(app.pk))  # waiting for a worker
    new = EndpointService.objects.get(name="web")
    new.pk = None
    new.service_name = "new"
    new.save()  # 创建中 for a moment only: its own task is on its way

    call_command("reconcile")

    assert "Enqueued 0 task(s) again; 0 lost" in capsys.readouterr().out
    assert DBTaskResult.objects.count() == 2
    assert DBTaskResult.objects.get(pk=running).status == "RUNNING"


def test_old_task_results_are_pruned(queue, web):
    ids = [provision_service.enqueue(str(web.pk)).id for _ in range(4)]
    DBTaskResult.objects.filter(pk=ids[0]).update(status="SUCCESSFUL", finished_at=ago(days=2))
    DBTaskResult.objects.filter(pk=ids[1]).update(status="FAILED", finished_at=ago(days=3))
    DBTaskResult.objects.filter(pk=ids[2]).update(status="SUCCESSFUL", finished_at=ago(hours=1))

    assert sweep().pruned == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        uuid.UUID(str(i)) for i in ids[2:]
    }


def test_reconcile_every_keeps_sweeping_until_stopped(queue, web, monkeypatch):
    EndpointService.objects.filter(pk=web.pk).update(
        status=ServiceStatus.CREATING, updated_at=ago(minutes=2)
    )
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt  # Ctrl-C, as bin/run's children never get it, or a test's

    monkeypatch.setattr("console.ui.management.commands.reconcile.time.sleep", sleep)
    call_command("reconcile", every=0.5)

    assert naps == [0.5, 0.5]
    assert DBTaskResult.objects.ready().count() == 1  # enqueued once, not once a sweep
    queue.run()
    web.refresh_from_db()
    assert web.status == ServiceStatus.AVAILABLE


def test_a_task_that_keeps_failing_by_itself_is_given_up_after_three_tries(queue, web, caplog):
    """A row whose task fails by itself (not lost with a worker) is not re-queued every minute
    for ever: after three failures the sweep logs it and leaves it (review of issue 9)."""
    from console.sweep import GIVE_UP_AFTER, enqueue_stuck
    from services.tasks import finish_deletion

    EndpointService.objects.filter(pk=web.pk).update(
        status=ServiceStatus.DELETING, updated_at=ago(minutes=5)
    )
    for attempt_number in range(GIVE_UP_AFTER + 1):
        enqueued = enqueue_stuck(ago(minutes=1))
        if attempt_number < GIVE_UP_AFTER:
            assert enqueued == 1
            DBTaskResult.objects.ready().update(  # the task ran and raised
                status="FAILED", exception_class_path="builtins.RuntimeError", finished_at=ago()
            )
        else:
            assert enqueued == 0
    assert "failed 3 times" in caplog.text
    assert DBTaskResult.objects.filter(task_path=finish_deletion.module_path).count() == 3
