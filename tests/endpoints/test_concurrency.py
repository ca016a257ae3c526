"""Endpoint creations raced from several threads at once (E3, E5, E2).

Only PostgreSQL takes real row locks and checks the unique constraints across concurrent
transactions (SQLite locks the whole database for a writer), so the module is skipped
elsewhere. Each thread has its own database connection, which is why the tests run with
transaction=True and seed the demo data themselves. The test settings use the immediate task
backend: a creation's provisioning runs in its own thread right after its transaction commits,
so the provisionings race each other (and the later creations) as they would in production.
"""

from __future__ import annotations

import ipaddress
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished

from console.audit.models import AuditRecord
from console.network.models import VPC, DNSRecord, Subnet
from console.quotas.limits import ENDPOINT
from console.quotas.models import Quota
from console.tenancy.models import Project, User
from endpoints.models import Endpoint, EndpointStatus
from endpoints.operations import create_endpoint
from services.models import EndpointService
from tests.concurrency import race, unexpected

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are real only on PostgreSQL"
    ),
]

ROUNDS = 3
DNS_SERVICE = "cn.ctyun.cn-gzt.dns"
SMALL_SUBNET = "subnet-50b7"  # 192.168.2.0/28, gateway .1, nothing in it
BIG_SUBNET = "subnet-c8a1"  # 192.168.0.0/24


@pytest.fixture
def failed_tasks():
    """Tasks that raised. The immediate backend swallows a task's exception (it only marks the
    result failed), so without this a crash in provisioning would show up only as an endpoint
    left in "creating", with no traceback."""
    failures = []
    lock = threading.Lock()

    def receiver(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            with lock:
                failures.append(task_result)

    task_finished.connect(receiver, weak=False)
    yield failures
    task_finished.disconnect(receiver)


def tracebacks(failures) -> str:
    return "\n".join(error.traceback for result in failures for error in result.errors)


@dataclass
class Place:
    """Where tenant-b's test endpoints go: its cn-gzt project, VPC and the DNS service."""

    project: Project
    vpc: VPC
    service: EndpointService

    def subnet(self, name: str) -> Subnet:
        return Subnet.objects.get(project=self.project, vpc=self.vpc, name=name)

    def creation(
        self, subnet: Subnet, *, private_dns: bool = False, request_id=None
    ) -> Callable[[User], Endpoint]:
        def call(user: User) -> Endpoint:
            return create_endpoint(
                user,
                self.project,
                request_id=request_id,
                service_id=self.service.pk,
                vpc_id=self.vpc.pk,
                subnet_id=subnet.pk,
                private_dns=private_dns,
            )

        return call


@pytest.fixture
def b_gzt(seeded) -> Place:
    project = Project.objects.select_related("region", "account").get(
        account__name="tenant-b", region__code="cn-gzt"
    )
    service = EndpointService.objects.get(service_name=DNS_SERVICE)
    assert service.is_system and service.service_type == "interface"
    assert not service.approval_enabled  # provisioned endpoints become "accepted" at once
    return Place(
        project=project, vpc=VPC.objects.get(project=project, name="vpc-4e1c"), service=service
    )


def audit_actions(endpoint: Endpoint) -> list[str]:
    return list(
        AuditRecord.objects.filter(resource_id=str(endpoint.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# Addresses (E5) -----------------------------------------------------------------------------


def test_twenty_creations_at_once_fill_a_small_subnet_without_sharing_an_address(
    b_gzt, failed_tasks
):
    subnet = b_gzt.subnet(SMALL_SUBNET)
    network = ipaddress.ip_network(subnet.cidr)
    assert str(network) == "192.168.2.0/28"
    reserved = {
        network.network_address,
        ipaddress.ip_address(subnet.gateway_ip),
        network.broadcast_address,
    }
    assert {str(ip) for ip in reserved} == {"192.168.2.0", "192.168.2.1", "192.168.2.15"}
    assignable = set(network.hosts()) - reserved
    assert len(assignable) == 13
    assert not Endpoint.objects.filter(subnet=subnet).exists()
    records_before = set(DNSRecord.objects.values_list("pk", flat=True))

    outcomes = race(*[("b-admin", b_gzt.creation(subnet, private_dns=True)) for _ in range(20)])

    assert failed_tasks == [], tracebacks(failed_tasks)
    assert unexpected(outcomes, allowed=(ValidationError,)) == []
    refused = [o.error for o in outcomes if o.error is not None]
    for error in refused:
        # Refused up front only because the subnet was full at request time.
        assert set(error.message_dict) == {"subnet"}, error.message_dict
        [message] = error.message_dict["subnet"]
        assert message == f"Subnet {SMALL_SUBNET} has no free IP address."

    returned = [o.value for o in outcomes if o.error is None]
    assert len(returned) + len(refused) == 20
    endpoints = list(Endpoint.objects.filter(subnet=subnet).select_related("dns_record"))
    assert {e.pk for e in endpoints} == {e.pk for e in returned}, "one endpoint per creation"

    assert [e for e in endpoints if e.status == EndpointStatus.CREATING] == [], "stuck creating"
    accepted = [e for e in endpoints if e.status == EndpointStatus.ACCEPTED]
    failed = [e for e in endpoints if e.status == EndpointStatus.FAILED]
    assert len(accepted) + len(failed) == len(endpoints), {e.status for e in endpoints}

    # Every address handed out once, all inside the subnet, none of network/gateway/broadcast.
    assert [e for e in accepted if e.node_ip is None] == [], "accepted without an address"
    ips = [ipaddress.ip_address(e.node_ip) for e in accepted]
    assert len(set(ips)) == len(ips), f"an address was handed out twice: {sorted(ips)}"
    assert all(ip in network for ip in ips)
    assert not set(ips) & reserved
    assert len(accepted) == 13, f"{len(accepted)} endpoints got an address, not 13"
    assert set(ips) == assignable, "the subnet is full"

    for endpoint in accepted:
        assert endpoint.error == ""
        assert endpoint.private_dns
        record = endpoint.dns_record
        assert record is not None, f"{endpoint.node_ip} has no DNS record"
        assert record.value == endpoint.node_ip
        assert record.type == "A"
        assert endpoint.domain_name == record.name == f"vpcep-{endpoint.pk}.cn-gzt.vpcep.internal"
        assert audit_actions(endpoint) == ["endpoint.create", "endpoint.provision"]

    for endpoint in failed:
        assert endpoint.error, "a failed endpoint says why"
        assert "no free IP address" in endpoint.error, endpoint.error
        assert endpoint.node_ip is None
        assert endpoint.dns_record_id is None
        assert endpoint.domain_name == ""
        assert audit_actions(endpoint) == ["endpoint.create", "endpoint.fail"]

    # Nothing half-made: the only new DNS records are the accepted endpoints' own.
    new_records = DNSRecord.objects.exclude(pk__in=records_before)
    assert sorted(new_records.values_list("pk", flat=True)) == sorted(
        e.dns_record_id for e in accepted
    )


# Quota (E3) ---------------------------------------------------------------------------------


def test_only_one_of_four_simultaneous_creations_takes_the_last_endpoint_quota_slot(
    b_gzt, failed_tasks
):
    project = b_gzt.project
    subnet = b_gzt.subnet(BIG_SUBNET)
    mine = Endpoint.objects.filter(project=project)
    assert mine.count() == 2  # the demo's two connections to tenant-a's "web"
    for _ in range(ROUNDS):
        limit = mine.count() + 1  # one slot left
        Quota.objects.update_or_create(
            project=project, resource=ENDPOINT, defaults={"limit": limit}
        )
        before = set(mine.values_list("pk", flat=True))

        outcomes = race(*[("b-admin", b_gzt.creation(subnet)) for _ in range(4)])

        assert failed_tasks == [], tracebacks(failed_tasks)
        assert unexpected(outcomes, allowed=(ValidationError,)) == []
        created = [o.value for o in outcomes if o.error is None]
        refused = [o.error for o in outcomes if o.error is not None]
        assert len(created) == 1, f"{len(created)} creations took the one free slot"
        assert len(refused) == 3
        for error in refused:
            # Only the quota is wrong: every input is valid, so no field error may show up.
            assert set(error.message_dict) == {NON_FIELD_ERRORS}, error.message_dict
            [message] = error.message_dict[NON_FIELD_ERRORS]
            assert f"quota of {limit} endpoints" in message

        assert mine.count() == limit
        [new] = mine.exclude(pk__in=before)
        assert new.pk == created[0].pk
        assert new.status == EndpointStatus.ACCEPTED
        assert new.node_ip is not None
        assert audit_actions(new) == ["endpoint.create", "endpoint.provision"]


# Double submit (E2) -------------------------------------------------------------------------


def test_the_same_request_submitted_three_times_at_once_creates_one_endpoint(b_gzt, failed_tasks):
    project = b_gzt.project
    subnet = b_gzt.subnet(BIG_SUBNET)
    for _ in range(ROUNDS):
        request_id = uuid.uuid4()
        count_before = Endpoint.objects.filter(project=project).count()

        outcomes = race(
            *[("b-admin", b_gzt.creation(subnet, request_id=request_id)) for _ in range(3)]
        )

        assert failed_tasks == [], tracebacks(failed_tasks)
        # Not even an IntegrityError from the (project, request_id) constraint may escape.
        assert unexpected(outcomes) == []
        [endpoint] = Endpoint.objects.filter(project=project, request_id=request_id)
        assert [o.value.pk for o in outcomes] == [endpoint.pk] * 3
        assert Endpoint.objects.filter(project=project).count() == count_before + 1
        assert endpoint.status == EndpointStatus.ACCEPTED
        assert endpoint.node_ip is not None
        assert audit_actions(endpoint) == ["endpoint.create", "endpoint.provision"]
