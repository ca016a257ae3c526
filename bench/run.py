#!/usr/bin/env python3
"""`make bench` (issue 13): a scratch database (SQLite in a temporary folder, or PostgreSQL
`<name>_bench` next to the database DATABASE_URL names), the demo data, the server as `make run`
starts it (bin/run, with BENCH=true: server time and query count in response headers, and the
empty authenticated view /bench/empty/); a copy of it kept at demo size while the first grows to
N rows per kind (bench/grow.py); every list page, detail tab and API list call timed on both
consoles side by side, a request to each in turn, so that a busier minute of a shared machine
weighs on both alike; then read throughput with 8 clients, and the create -> available /
pendingAcceptance / accepted latency. One table on stdout, and JSON in bench/results/. A
benchmark, not a test: nothing here asserts a time.

    .venv/bin/python bench/run.py [--n 10000] [--requests 40] [--clients 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
PASSWORD = os.environ.get("DEMO_PASSWORD", "vpcep-demo-2026")
MAINTENANCE_URL = os.environ.get("DATABASE_URL", "")  # where the scratch databases are made


def scratch_database(workdir: Path) -> dict[str, str]:
    """The environment that points the console at a new, empty database."""
    if not MAINTENANCE_URL:
        return {"SQLITE_PATH": str(workdir / "bench.sqlite3"), "DATABASE_URL": ""}
    import psycopg

    parsed = urlparse(MAINTENANCE_URL)
    name = parsed.path.lstrip("/") + "_bench"
    with psycopg.connect(MAINTENANCE_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return {"DATABASE_URL": parsed._replace(path=f"/{name}").geturl()}


def twin_database(env: dict) -> dict[str, str]:
    """A copy of the scratch database as it is now (the demo): the environment pointing at it.
    Nothing may be connected to it (PostgreSQL copies a database as its template)."""
    if not env.get("DATABASE_URL"):
        import sqlite3

        path = env["SQLITE_PATH"].replace("bench.sqlite3", "demo.sqlite3")
        with sqlite3.connect(env["SQLITE_PATH"]) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
        return {**env, "SQLITE_PATH": path}
    import psycopg

    parsed = urlparse(env["DATABASE_URL"])
    name = parsed.path.lstrip("/")
    with psycopg.connect(MAINTENANCE_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_demo"')
        conn.execute(f'CREATE DATABASE "{name}_demo" TEMPLATE "{name}"')
    return {**env, "DATABASE_URL": parsed._replace(path=f"/{name}_demo").geturl()}


def drop_database(env: dict) -> None:
    """Drop the PostgreSQL database `env` names (SQLite's files go with the work folder)."""
    if env.get("DATABASE_URL"):
        import psycopg

        name = urlparse(env["DATABASE_URL"]).path.lstrip("/")
        try:  # FORCE: a worker of its server may not have let go yet
            with psycopg.connect(MAINTENANCE_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error as exc:
            print(f"Could not drop {name}: {exc}", file=sys.stderr)


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """bin/run (web server, task worker, sweep), as `make run` starts it."""

    def __init__(self, env: dict, port: int):
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [PY, str(ROOT / "bin" / "run"), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/login/", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("The server did not start within 60 s.")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def signed_in(base: str, username: str):
    import requests

    session = requests.Session()
    page = session.get(base + "/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    response = session.post(
        base + "/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": base + "/login/"},
        timeout=10,
    )
    if "sessionid" not in session.cookies:
        raise SystemExit(f"Could not sign in as {username}: {response.status_code}")
    return session


class Api:
    """Signed GETs as the official SDK signs them."""

    def __init__(self, base: str, ak: str, sk: str):
        import requests

        self.base, self.ak, self.sk = base, ak, sk
        self.host = urlparse(base).netloc
        self.session = requests.Session()

    def get(self, path: str, query: dict | None = None):
        from bench.signing import signed_headers

        query = query or {}
        headers = signed_headers(self.ak, self.sk, "GET", self.host, path, query.items())
        url = self.base + path + ("?" + urlencode(query) if query else "")
        return self.session.get(url, headers=headers, timeout=30)


def summary(responses: list) -> dict:
    times, queries, status = [], set(), set()
    for response in responses:
        status.add(response.status_code)
        times.append(float(response.headers.get("X-Bench-Time", "nan")))
        queries.add(int(response.headers.get("X-Bench-Queries", "-1")))
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "min_ms": times[0],  # the least disturbed by other load on a shared machine
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": sorted(queries),
        "status": sorted(status),
    }


def views(ids: dict) -> dict:
    """name -> (who, path, query): every list page, detail tab and API list call."""
    web, endpoint, project_id = ids["web"], ids["endpoint"], ids["project_id"]
    v1 = f"/v1/{project_id}"
    table = {"empty authenticated view": ("a-admin", "/bench/empty/", None)}
    for name, path in [
        ("services list", "/services/"),
        ("endpoints list", "/endpoints/"),
        ("activity log", "/activity/"),
        ("quotas", "/quotas/"),
        ("service: detail", f"/services/{web}/"),
        ("service: connections", f"/services/{web}/connections/"),
        ("service: permissions", f"/services/{web}/permissions/"),
        ("service: ports", f"/services/{web}/ports/"),
        ("service: tags", f"/services/{web}/tags/"),
        ("endpoint: detail", f"/endpoints/{endpoint}/"),
        ("endpoint: tags", f"/endpoints/{endpoint}/tags/"),
        ("endpoint: history", f"/endpoints/{endpoint}/history/"),
    ]:
        table[name] = ("a-admin", path, None)
    table["inbox (a-approver)"] = ("a-approver", "/inbox/", None)
    table["operator: services list"] = ("operator", "/services/", None)
    table["operator: activity log"] = ("operator", "/activity/", None)
    for name, path in [
        ("API services", "/vpc-endpoint-services"),
        ("API public services", "/vpc-endpoint-services/public"),
        ("API connections", f"/vpc-endpoint-services/{web}/connections"),
        ("API permissions", f"/vpc-endpoint-services/{web}/permissions"),
        ("API endpoints", "/vpc-endpoints"),
        ("API quotas", "/quotas"),
    ]:
        table[name] = ("api", v1 + path, {"limit": "10"} if path != "/quotas" else None)
    return table


def measure_all(sides: list, ids: dict, n: int) -> list[dict]:
    """Every view timed on each side (base URL, API client, sessions) in turn, request by
    request: the demo-size and the grown console answer side by side, so that a slower minute
    of a shared machine slows both alike."""
    results = [{} for _ in sides]
    for name, (who, path, query) in views(ids).items():
        calls = []
        for base, api, sessions in sides:
            if who == "api":
                calls.append(lambda api=api, path=path, query=query: api.get(path, query))
            else:
                calls.append(lambda s=sessions[who], url=base + path: s.get(url, timeout=30))
        for result, timed in zip(results, measure_side_by_side(calls, n), strict=True):
            result[name] = timed
    for result in results:
        floor = result["empty authenticated view"]["median_ms"]
        for row in result.values():
            row["ratio_to_empty"] = row["median_ms"] / floor if floor else float("nan")
    return results


def measure_side_by_side(calls: list, requests_per_view: int) -> list[dict]:
    """measure() of each call, their requests taken in turn."""
    series = [[] for _ in calls]
    for call in calls:
        call()  # warm
    for _ in range(requests_per_view):
        for call, times in zip(calls, series, strict=True):
            times.append(call())
    return [summary(responses) for responses in series]


def throughput(base: str, clients: int, seconds: float, path: str) -> float:
    """Requests per second that `clients` signed-in clients get through, reading `path`."""
    sessions = [signed_in(base, "a-admin") for _ in range(clients)]
    for session in sessions:
        session.get(base + path, timeout=30)  # warm
    done, stop = [0] * clients, time.monotonic() + seconds

    def client(i: int) -> None:
        while time.monotonic() < stop:
            sessions[i].get(base + path, timeout=30)
            done[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - started)


def latencies(times: int) -> dict:
    """create -> 可连接 (a service), create -> 待接受 (an endpoint to a service with approval) and
    create -> 已接受 (one to a service without), through the operations, the server's worker
    doing the background work."""
    from bench.grow import bench_subnet, project
    from console.network.models import LoadBalancer
    from console.tenancy.models import User
    from endpoints import operations as endpoint_ops
    from endpoints.models import Endpoint, EndpointStatus
    from services import operations as service_ops
    from services.demo import web_service
    from services.models import EndpointService, ServiceStatus
    from services.operations import Port

    a, b = project("a"), project("b")
    admin_a, admin_b = (User.objects.get(username=u) for u in ("a-admin", "b-admin"))
    web = web_service()
    elb = LoadBalancer.objects.get(pk=web.load_balancer_id) if web.load_balancer_id else None
    subnet_a, subnet_b = bench_subnet("a"), bench_subnet("b")

    def wait(model, pk, state) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < 30:
            if model.objects.filter(pk=pk, status=state).exists():
                return (time.perf_counter() - started) * 1000
            time.sleep(0.002)
        return float("nan")

    available, pending, accepted = [], [], []
    for _ in range(times):
        started = time.perf_counter()
        service = service_ops.create_service(
            admin_a,
            a,
            vpc_id=web.vpc_id,
            backend_type="LB",
            backend_id=elb.pk,
            ports=[Port("TCP", 80, 8080)],
        )
        made = (time.perf_counter() - started) * 1000
        available.append(made + wait(EndpointService, service.pk, ServiceStatus.AVAILABLE))
        started = time.perf_counter()
        endpoint = endpoint_ops.create_endpoint(
            admin_b, b, service_id=web.pk, vpc_id=subnet_b.vpc_id, subnet_id=subnet_b.pk
        )
        made = (time.perf_counter() - started) * 1000
        pending.append(made + wait(Endpoint, endpoint.pk, EndpointStatus.PENDING))
        started = time.perf_counter()  # to the new service, which approves nobody: 已接受
        own = endpoint_ops.create_endpoint(
            admin_a, a, service_id=service.pk, vpc_id=subnet_a.vpc_id, subnet_id=subnet_a.pk
        )
        made = (time.perf_counter() - started) * 1000
        accepted.append(made + wait(Endpoint, own.pk, EndpointStatus.ACCEPTED))
        time.sleep(0.05)  # not in step with the worker's poll
    return {
        "create_to_available_ms": {"median": statistics.median(available), "all": available},
        "create_to_pending_acceptance_ms": {"median": statistics.median(pending), "all": pending},
        "create_to_accepted_ms": {"median": statistics.median(accepted), "all": accepted},
    }


def settle() -> None:
    """On PostgreSQL, what autovacuum does in the minute after a bulk load (VACUUM, ANALYZE),
    done before the timing instead of during it, where it took a core from the server."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def print_table(small: dict, large: dict, n: int) -> None:
    head = f"{'view':<28} {'demo med':>9} {'p95':>7} {'q':>4} {'×empty':>7} │ {f'N={n} med':>10} {'p95':>7} {'q':>4} {'×empty':>7} {'×demo':>6} {'min×demo':>8}"
    print(head)
    print("─" * len(head))
    for name, s in small.items():
        g = large[name]
        print(
            f"{name:<28} {s['median_ms']:>9.2f} {s['p95_ms']:>7.2f} {'/'.join(map(str, s['queries'])):>4} "
            f"{s['ratio_to_empty']:>7.2f} │ {g['median_ms']:>10.2f} {g['p95_ms']:>7.2f} "
            f"{'/'.join(map(str, g['queries'])):>4} {g['ratio_to_empty']:>7.2f} "
            f"{g['median_ms'] / s['median_ms']:>6.2f} {g['min_ms'] / s['min_ms']:>8.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("N", 10_000)))
    parser.add_argument("--requests", type=int, default=40, help="timed requests per view")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10, help="of each throughput run")
    parser.add_argument("--creates", type=int, default=10, help="latency samples")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="vpcep-bench-"))
    env = {
        **os.environ,
        "BENCH": "true",
        "HTTPS": "false",
        "DEMO_PASSWORD": PASSWORD,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **scratch_database(workdir),
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    import django

    django.setup()
    from django.db import connection

    servers, demo_env = [], None
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        manage(env, "seed_demo")

        from bench.grow import bench_subnet, grow, project
        from console.tenancy import operations as key_ops
        from console.tenancy.models import User
        from endpoints import operations as endpoint_ops
        from services.demo import web_service

        web = web_service()
        subnet = bench_subnet("a")
        endpoint = endpoint_ops.create_endpoint(
            User.objects.get(username="a-admin"),
            project("a"),
            service_id=web.pk,
            vpc_id=subnet.vpc_id,
            subnet_id=subnet.pk,
        )
        key, secret = key_ops.create_access_key(User.objects.get(username="a-admin"))
        ids = {"web": web.pk, "endpoint": endpoint.pk, "project_id": project("a").project_id}
        connection.close()

        demo_env = twin_database(env)  # the demo as it is, served beside the grown one
        started = time.monotonic()
        grown = grow(args.n)
        settle()
        connection.close()
        print(f"grown by {grown} in {time.monotonic() - started:.1f} s", flush=True)
        sides = []
        for side_env in (demo_env, env):
            servers.append(Server(side_env, free_port()))
            url = servers[-1].url
            sessions = {u: signed_in(url, u) for u in ("a-admin", "a-approver", "operator")}
            sides.append((url, Api(url, key.access_key_id, secret), sessions))
        base = servers[-1].url
        print(
            f"timing {len(views(ids))} views × {args.requests} at demo size and at N={args.n}, "
            "one request each in turn",
            flush=True,
        )
        small, large = measure_all(sides, ids, args.requests)
        servers.pop(0).stop()  # the rest runs on the grown console alone
        print()
        print_table(small, large, args.n)
        print(f"\nthroughput, {args.clients} clients × {args.seconds:g} s (N={args.n}):")
        rates = {
            path: throughput(base, args.clients, args.seconds, path)
            for path in ("/bench/empty/", "/services/", "/endpoints/")
        }
        for path, rate in rates.items():
            print(f"  {path:<16} {rate:8.1f} req/s  ({rate / rates['/bench/empty/']:.2f} × empty)")
        lat = latencies(args.creates)
        connection.close()
        print(
            f"\ncreate → 可连接 (available):   median {lat['create_to_available_ms']['median']:.0f} ms"
        )
        print(
            f"create → 待接受 (pendingAcceptance): median "
            f"{lat['create_to_pending_acceptance_ms']['median']:.0f} ms"
        )
        print(f"create → 已接受 (accepted): median {lat['create_to_accepted_ms']['median']:.0f} ms")
    finally:
        for server in servers:
            server.stop()
        if demo_env:
            drop_database(demo_env)
        connection.close()
        drop_database(env)  # what the bench made, it removes: the grown database too
        shutil.rmtree(workdir, ignore_errors=True)

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{stamp}-{connection.vendor}-n{args.n}.json"
    path.write_text(
        json.dumps(
            {
                "when": stamp,
                "machine": {
                    "node": platform.node(),
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "database": connection.vendor,
                "n": args.n,
                "requests_per_view": args.requests,
                "demo": small,
                "grown": large,
                "throughput_req_s": rates,
                "clients": args.clients,
                "latency": lat,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nresults: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
