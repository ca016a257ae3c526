"""Operations raced from several threads at once: the row locks must serialise them (S5, S8).

Only PostgreSQL takes real row locks (SQLite locks the whole database for a writer), so the
module is skipped elsewhere. Each thread has its own database connection, which is why the
tests run with transaction=True and seed the demo data themselves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import pairwise

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.db.models import Max

from console.audit.models import AuditRecord
from console.network.models import VPC, LoadBalancer
from console.quotas.limits import ENDPOINT_SERVICE
from console.quotas.models import Quota
from console.tenancy.models import Project, User
from endpoints.models import ConnectionEvent, ConnectionEventKind, Endpoint, EndpointStatus
from services.models import BackendType, EndpointService, ServiceStatus
from services.operations import Port, create_service, decide_connections
from tests.concurrency import race, unexpected

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
    ),
]

ROUNDS = 5
DECISION_ACTIONS = ("connection.accept", "connection.reject")


def last_audit_id() -> int:
    return AuditRecord.objects.aggregate(last=Max("id"))["last"] or 0


def decisions_since(audit_id: int, endpoint: Endpoint) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(
            id__gt=audit_id, resource_id=str(endpoint.pk), action__in=DECISION_ACTIONS
        ).order_by("id")
    )


# Quota (S5) ---------------------------------------------------------------------------------


def test_only_one_of_four_simultaneous_creations_takes_the_last_quota_slot(seeded):
    project = Project.objects.select_related("region", "account").get(
        account__name="tenant-a", region__code="cn-gzt"
    )
    own = EndpointService.objects.filter(project=project, is_system=False)
    assert own.count() == 2
    Quota.objects.create(project=project, resource=ENDPOINT_SERVICE, limit=3)  # one slot left
    vpc = VPC.objects.get(project=project, name="vpc-638b")
    elb = LoadBalancer.objects.get(project=project, name="elb-97rn")

    def create(n: int) -> Callable[[User], EndpointService]:
        def call(user: User) -> EndpointService:
            return create_service(
                user,
                project,
                vpc_id=vpc.pk,
                backend_type=BackendType.LB,
                backend_id=elb.pk,
                ports=[Port("TCP", 8000 + n, 8000 + n)],
                name=f"race-{n}",
            )

        return call

    outcomes = race(*[("a-admin", create(n)) for n in range(4)])

    assert unexpected(outcomes, allowed=(ValidationError,)) == []
    created = [o.value for o in outcomes if o.error is None]
    refused = [o.error for o in outcomes if o.error is not None]
    assert len(created) == 1, f"{len(created)} creations took the one free slot"
    assert len(refused) == 3
    for error in refused:
        # Only the quota is wrong: every input is valid, so no field error may show up.
        assert set(error.message_dict) == {NON_FIELD_ERRORS}
        [message] = error.message_dict[NON_FIELD_ERRORS]
        assert "quota of 3 endpoint services" in message

    assert own.count() == 3
    assert own.filter(pk=created[0].pk, name=created[0].name).exists()
    creations = AuditRecord.objects.filter(action="service.create", project=project)
    assert list(creations.values_list("resource_id", flat=True)) == [str(created[0].pk)]


# Connection decisions (S8) ------------------------------------------------------------------


@pytest.fixture
def pending(seeded) -> Endpoint:
    """tenant-b's connection to tenant-a's "web" that waits for a decision."""
    web = EndpointService.objects.get(project__account__name="tenant-a", name="web")
    assert web.approval_enabled
    return Endpoint.objects.get(service=web, status=EndpointStatus.PENDING)


def decide(endpoint: Endpoint, decision: str) -> Callable[[User], list[Endpoint]]:
    def call(user: User) -> list[Endpoint]:
        return decide_connections(user, endpoint.service_id, [endpoint.pk], decision)

    return call


def test_an_accept_and_a_reject_at_once_are_serialised_and_the_later_one_stands(pending):
    target = {"accept": EndpointStatus.ACCEPTED, "reject": EndpointStatus.REJECTED}
    finals = set()
    for _ in range(ROUNDS):
        Endpoint.objects.filter(pk=pending.pk).update(status=EndpointStatus.PENDING)
        since = last_audit_id()

        outcomes = race(
            ("a-approver", decide(pending, "accept")), ("a-admin", decide(pending, "reject"))
        )

        assert unexpected(outcomes) == []
        changed = {o.username: o.value for o in outcomes}
        # Serialised, the second decision finds the first one's state, never "pending", and
        # the opposite state is always a change: both calls change the connection.
        assert [len(c) for c in changed.values()] == [1, 1]
        assert changed["a-approver"][0].status == EndpointStatus.ACCEPTED
        assert changed["a-admin"][0].status == EndpointStatus.REJECTED

        final = Endpoint.objects.get(pk=pending.pk).status
        assert final in (EndpointStatus.ACCEPTED, EndpointStatus.REJECTED)
        records = decisions_since(since, pending)
        assert len(records) == sum(len(c) for c in changed.values())
        assert records[-1].after == {"status": final}
        # The log is one chain: pending -> the first decision -> the second decision.
        assert records[0].before == {"status": EndpointStatus.PENDING}
        for earlier, later in pairwise(records):
            assert later.before == earlier.after
        for record in records:
            decision = record.action.removeprefix("connection.")
            assert record.after == {"status": target[decision]}
            assert record.actor_name == {"accept": "a-approver", "reject": "a-admin"}[decision]
        finals.add(final)
    # Which one wins is up to the scheduler; over several rounds it usually varies, but a
    # fixed winner is not an error, so this only records it for a reader of -vv output.
    print(f"final states over {ROUNDS} rounds: {sorted(finals)}")


def test_two_accepts_at_once_change_the_connection_once(pending):
    for _ in range(ROUNDS):
        Endpoint.objects.filter(pk=pending.pk).update(status=EndpointStatus.PENDING)
        since = last_audit_id()

        outcomes = race(
            ("a-approver", decide(pending, "accept")), ("a-admin", decide(pending, "accept"))
        )

        assert unexpected(outcomes) == []
        changes = sorted(len(o.value) for o in outcomes)
        assert changes == [0, 1], "one call accepts; the other finds it accepted already"
        assert Endpoint.objects.get(pk=pending.pk).status == EndpointStatus.ACCEPTED
        records = decisions_since(since, pending)
        assert [(r.action, r.before, r.after) for r in records] == [
            (
                "connection.accept",
                {"status": EndpointStatus.PENDING},
                {"status": EndpointStatus.ACCEPTED},
            )
        ]
        [winner] = [o.username for o in outcomes if o.value]
        assert records[0].actor_name == winner


# Deletion (S11, E8) -------------------------------------------------------------------------


def test_a_connection_deleted_while_its_service_is_removed_does_not_deadlock(pending, monkeypatch):
    """The load test's one 500: the consumer deletes its endpoint (the endpoint row locked,
    then a 连接记录 written, which checks the service's key) while the service's removal holds
    the service row and waits for that endpoint. The removal's locks must leave key checks
    free, so both finish: the endpoint goes, then the service."""
    import endpoints.operations as endpoint_operations
    from endpoints.operations import delete_endpoint
    from services.tasks import finish_deletion

    service = pending.service
    EndpointService.objects.filter(pk=service.pk).update(status=ServiceStatus.DELETING)
    endpoint_locked = threading.Event()
    real = endpoint_operations.record_connection_event

    def after_the_removal_waits(*args, **kwargs):
        endpoint_locked.set()
        for _ in range(100):  # until the removal waits for this endpoint's row lock
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("the removal never waited for the endpoint")
        return real(*args, **kwargs)

    monkeypatch.setattr(endpoint_operations, "record_connection_event", after_the_removal_waits)

    def remove_service(user: User) -> str:
        assert endpoint_locked.wait(timeout=10)
        return finish_deletion.call(str(service.pk))

    outcomes = race(
        ("b-admin", lambda user: delete_endpoint(user, pending.pk)), ("a-admin", remove_service)
    )

    assert unexpected(outcomes) == []
    assert outcomes[1].value == ServiceStatus.DELETED
    assert not EndpointService.objects.filter(pk=service.pk).exists()
    assert not Endpoint.objects.filter(pk=pending.pk).exists()
    assert ConnectionEvent.objects.filter(
        endpoint_ref=str(pending.pk), kind=ConnectionEventKind.DELETED
    ).exists()
