"""Load through the API (issue 9, "Keep them found"): 8 threads × 20 s of creates, decisions and
deletes from two tenants, signed as the SDK signs, against the console as `make run` starts it
(bin/run: gunicorn, a db_worker, the sweep) on a scratch database: SQLite named by
DATABASE_URL, or PostgreSQL when the test run's DATABASE_URL names it. Afterwards: no 5xx,
nothing left 创建中/删除中, no task failed, no quota overshot, no node IP handed out twice.

Select it with `pytest -m load`, leave it out with `-m "not load"`."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
import requests
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from tests.processes import Console, prepared, scratch_database, shell, wait_for

pytestmark = pytest.mark.load

THREADS = 8
SECONDS = 20
SETTLE = 30
# tenant-b gets small quotas, so that its threads race for the last ones.
B_QUOTAS = {"endpoint_service": 6, "endpoint": 12}

SETUP = """
import json
from console.network.models import VPC, LoadBalancer, Server, Subnet
from console.quotas.models import Quota
from console.tenancy import operations as keys
from console.tenancy.models import Project, User
from services.models import EndpointService

out = {}
for tenant in ("a", "b"):
    user = User.objects.get(username=f"{tenant}-admin")
    project = Project.objects.get(account=user.account, region__code="cn-gzt")
    key, secret = keys.create_access_key(user)
    vpc = VPC.objects.filter(project=project).first()  # the one with the ELB
    out[tenant] = {
        "ak": key.access_key_id, "sk": secret, "project_id": project.project_id,
        "vpc": str(vpc.pk),
        "subnets": [str(s.pk) for s in Subnet.objects.filter(vpc=vpc)],
        "backends": [["LB", str(b.pk)] for b in LoadBalancer.objects.filter(vpc=vpc)]
        + [["VM", str(s.pk)] for s in Server.objects.filter(vpc=vpc)],
        "services": [
            str(pk) for pk in EndpointService.objects.filter(project=project, is_system=False)
            .values_list("pk", flat=True)
        ],
    }
    if tenant == "b":
        for resource, limit in B_QUOTAS.items():
            Quota.objects.update_or_create(project=project, resource=resource, defaults={"limit": limit})
# Services a tenant may connect to besides its own: the region's DNS ('*'), and web for b.
dns = EndpointService.objects.get(project__region__code="cn-gzt", is_system=True, name="dns")
out["a"]["targets"] = [str(dns.pk)]
out["b"]["targets"] = [str(dns.pk), str(EndpointService.objects.get(name="web").pk)]
print(json.dumps(out))
""".replace("B_QUOTAS", json.dumps(B_QUOTAS))

AFTERWARDS = """
import json
from collections import Counter
from django_tasks_db.models import DBTaskResult
from console.quotas.limits import ENDPOINT, ENDPOINT_SERVICE
from console.quotas.models import limit_for
from console.tenancy.models import Project
from endpoints.models import Endpoint, EndpointStatus
from services.models import EndpointService

accounts = {}
for project in Project.objects.filter(account__name__in=["tenant-a", "tenant-b"], region__code="cn-gzt"):
    accounts[project.account.name] = {
        "services": EndpointService.objects.filter(project=project, is_system=False).count(),
        "service_quota": limit_for(project, ENDPOINT_SERVICE),
        "endpoints": Endpoint.objects.filter(project=project).count(),
        "endpoint_quota": limit_for(project, ENDPOINT),
    }
ips = Counter(Endpoint.objects.exclude(node_ip=None).values_list("subnet_id", "node_ip"))
print(json.dumps({
    "accounts": accounts,
    "duplicate_ips": [f"{subnet}: {ip}" for (subnet, ip), n in ips.items() if n > 1],
    "failed_tasks": [
        f"{r.task_path}{r.args_kwargs['args']}: {r.traceback[-800:]}"
        for r in DBTaskResult.objects.failed()
    ],
    "tasks": dict(Counter(DBTaskResult.objects.values_list("status", flat=True))),
    "failed_endpoints": [
        f"{pk}: {error}"
        for pk, error in Endpoint.objects.filter(status=EndpointStatus.FAILED).values_list("pk", "error")
    ],
}))
"""


@dataclass
class Tenant:
    ak: str
    sk: str
    project_id: str
    vpc: str
    subnets: list[str]
    backends: list[list[str]]
    services: list[str]
    targets: list[str]
    endpoints: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, items: list[str], rng: random.Random) -> str | None:
        with self.lock:
            return items.pop(rng.randrange(len(items))) if items else None

    def pick(self, items: list[str], rng: random.Random) -> str | None:
        with self.lock:
            return rng.choice(items) if items else None


@dataclass
class Tally:
    codes: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # 5xx and requests that got no answer
    quota_refusals: int = 0
    refusals: Counter = field(default_factory=Counter)  # 4xx by message, for the summary
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """Signed requests as the official SDK signs them (api/auth.py checks them)."""

    def __init__(self, base: str, tenant: Tenant, tally: Tally):
        self.base, self.host = base, base.removeprefix("http://")
        self.tenant, self.tally = tenant, tally
        self.session = requests.Session()

    def call(self, method: str, path: str, body=None, **query) -> requests.Response | None:
        raw = json.dumps(body).encode() if body is not None else b""
        request = SdkRequest(
            method=method,
            schema="http",
            host=self.host,
            resource_path=f"/v1/{self.tenant.project_id}/{path}",
            header_params={"Content-Type": "application/json", "Accept-Language": "en"},
            body=raw,
            query_params=list(query.items()),
        )
        Signer(SimpleNamespace(ak=self.tenant.ak, sk=self.tenant.sk)).sign(request)
        label = f"{method} {path}"
        try:
            response = self.session.request(
                method, self.base + request.uri, headers=request.header_params, data=raw, timeout=60
            )
        except requests.RequestException as exc:
            with self.tally.lock:
                self.tally.failures.append(f"{label}: no answer ({exc!r})")
            return None
        with self.tally.lock:
            self.tally.codes[response.status_code] += 1
            if response.status_code >= 500:
                self.tally.failures.append(f"{label}: {response.status_code} {response.text[:300]}")
            if "used its quota" in response.text:
                self.tally.quota_refusals += 1
            if 400 <= response.status_code < 500:
                message = response.text if response.status_code != 404 else "not found"
                self.tally.refusals[f"{label.split('/')[0]} {message[:90]}"] += 1
        return response


def ok(response: requests.Response | None) -> dict | None:
    return response.json() if response is not None and response.status_code == 200 else None


def create_service(client: Client, t: Tenant, rng: random.Random) -> None:
    server_type, backend = rng.choice(t.backends)
    body = {
        "vpc_id": t.vpc,
        "port_id": backend,
        "server_type": server_type,
        "service_type": "interface",
        "approval_enabled": rng.random() < 0.6,
        "ports": [{"client_port": rng.randint(1, 65535), "server_port": 80, "protocol": "TCP"}],
    }
    if created := ok(client.call("POST", "vpc-endpoint-services", body)):
        with t.lock:
            t.services.append(created["id"])


def create_endpoint(client: Client, t: Tenant, rng: random.Random) -> None:
    with t.lock:
        service = rng.choice(t.services + t.targets)
    body = {
        "endpoint_service_id": service,
        "vpc_id": t.vpc,
        "subnet_id": rng.choice(t.subnets),
        "enable_dns": rng.random() < 0.5,
    }
    if created := ok(client.call("POST", "vpc-endpoints", body)):
        with t.lock:
            t.endpoints.append(created["id"])


def decide(client: Client, t: Tenant, rng: random.Random) -> None:
    if not (service := t.pick(t.services, rng)):
        return
    listed = ok(client.call("GET", f"vpc-endpoint-services/{service}/connections", limit=1000))
    if not listed or not listed["connections"]:
        return
    waiting = [c["id"] for c in listed["connections"] if c["status"] == "pendingAcceptance"]
    chosen = rng.sample(waiting, min(len(waiting), 3)) or [rng.choice(listed["connections"])["id"]]
    body = {"action": rng.choice(["receive", "receive", "reject"]), "endpoints": chosen}
    client.call("POST", f"vpc-endpoint-services/{service}/connections/action", body)


def delete_endpoint(client: Client, t: Tenant, rng: random.Random) -> None:
    if endpoint := t.take(t.endpoints, rng):
        client.call("DELETE", f"vpc-endpoints/{endpoint}")


def delete_service(client: Client, t: Tenant, rng: random.Random) -> None:
    if not (service := t.take(t.services, rng)):
        return
    response = client.call("DELETE", f"vpc-endpoint-services/{service}")
    if response is not None and response.status_code != 204:  # refused: still there
        with t.lock:
            t.services.append(service)


def read(client: Client, t: Tenant, rng: random.Random) -> None:
    client.call("GET", rng.choice(["vpc-endpoints", "vpc-endpoint-services", "quotas"]))


OPERATIONS = [
    (create_service, 3),
    (create_endpoint, 4),
    (decide, 3),
    (delete_endpoint, 3),
    (delete_service, 2),
    (read, 1),
]


def transitional(client: Client) -> list[str]:
    """What of the tenant's is still 创建中/删除中, by the API (None: not answered)."""
    stuck = []
    for path, key in (
        ("vpc-endpoint-services", "endpoint_services"),
        ("vpc-endpoints", "endpoints"),
    ):
        listed = ok(client.call("GET", path, limit=1000))
        if listed is None:
            return [f"{path}: no answer"]
        stuck += [
            f"{key} {r['id']}" for r in listed[key] if r["status"] in ("creating", "deleting")
        ]
    return stuck


def excerpt(log: str, size: int = 6000) -> str:
    """The server log from its first traceback (what a failure needs), else its end."""
    start = log.find("Traceback")
    return log[start : start + size] if start >= 0 else log[-size:]


def test_api_load_from_two_tenants(tmp_path):
    with scratch_database() as url:
        tenants = {k: Tenant(**v) for k, v in shell(prepared(url), SETUP).items()}
        with Console(url, tmp_path / "server.log") as console:
            console.wait_until_up()
            tally = Tally()
            deadline = time.monotonic() + SECONDS

            def run(n: int) -> None:
                tenant = tenants["ab"[n % 2]]
                client, rng = Client(console.url, tenant, tally), random.Random(n)
                operations, weights = zip(*OPERATIONS, strict=True)
                while time.monotonic() < deadline:
                    rng.choices(operations, weights)[0](client, tenant, rng)

            threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=SECONDS + 90)
            assert not any(thread.is_alive() for thread in threads), "a client thread hung"

            checkers = [Client(console.url, tenant, tally) for tenant in tenants.values()]

            def stuck() -> list[str]:
                return [row for checker in checkers for row in transitional(checker)]

            try:
                wait_for(lambda: not stuck(), SETTLE, "settled", every=0.5)
                unsettled = []
            except AssertionError:
                unsettled = stuck()
            after = shell(url, AFTERWARDS)
            log = console.output()

    summary = f"{dict(tally.codes)}; tasks {after['tasks']}; accounts {after['accounts']}"
    print(summary, *tally.refusals.most_common(12), sep="\n")
    assert not tally.failures, (
        f"{len(tally.failures)} failed: {tally.failures[:10]}\n{excerpt(log)}"
    )
    assert "Internal Server Error" not in log and "Traceback" not in log, excerpt(log)
    assert not unsettled, f"still 创建中/删除中 after {SETTLE} s: {unsettled[:10]}"
    assert not after["failed_tasks"], after["failed_tasks"][:5]
    # Addresses are taken at creation, so nothing here may fail to provision (a swallowed
    # deadlock would end in 失败 with its traceback in the log).
    assert not after["failed_endpoints"], (after["failed_endpoints"][:5], excerpt(log))
    assert not after["duplicate_ips"], after["duplicate_ips"]
    for name, use in after["accounts"].items():
        assert use["services"] <= use["service_quota"], (name, use)
        assert use["endpoints"] <= use["endpoint_quota"], (name, use)
    # The load did what it is for: many writes went through, and tenant-b hit its quotas.
    assert tally.codes[200] + tally.codes[204] > 100, summary
    assert tally.quota_refusals, summary
