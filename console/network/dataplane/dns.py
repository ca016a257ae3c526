"""Private DNS on the linux driver (issue 14): a dnsmasq in each VPC's namespace that has
records or an endpoint to the DNS cloud service. It answers the VPC's private zones' A records
(the `vpcep-<id>.<region>.vpcep.internal` names endpoints get) on every subnet's gateway address
and on the node IPs of the VPC's DNS endpoints, and nothing else (no upstream). A resolver is
restarted only when its addresses or records change; its spec is kept in the run dir."""

from __future__ import annotations

import hashlib
import json
import subprocess

from .state import Resolver


def digest(resolver: Resolver) -> str:
    return hashlib.sha256(repr((resolver.listen, resolver.records)).encode()).hexdigest()[:16]


def converge(driver, resolvers: dict[str, Resolver], observed=None) -> list[str]:
    from .linux import alive_pid, terminate

    done: list[str] = []
    wanted = {driver.vpc_ns(r.vpc): r for r in resolvers.values()}
    running: dict[str, dict] = {}
    for path in driver.run_dir.glob(f"{driver.prefix}*.dnsmasq"):
        ns = path.name.removesuffix(".dnsmasq")
        try:
            spec = json.loads(path.read_text())
        except (OSError, ValueError):
            spec = {}
        alive = spec and alive_pid(spec.get("pid", 0), "dnsmasq")
        if alive and ns in wanted and spec.get("digest") == digest(wanted[ns]):
            running[ns] = spec
            continue
        if alive:
            terminate(spec["pid"])
        path.unlink(missing_ok=True)
        if ns not in wanted:
            done.append(f"{ns}: resolver stopped")
    for ns, resolver in sorted(wanted.items()):
        if ns in running:
            continue
        hosts = driver.run_dir / f"{ns}.hosts"
        hosts.write_text("".join(f"{address} {name}\n" for name, address in resolver.records))
        log = open(driver.run_dir / f"{ns}.dnsmasq.log", "ab")  # noqa: SIM115 (the child keeps it)
        process = subprocess.Popen(
            [
                *("ip", "netns", "exec", ns, "dnsmasq", "--keep-in-foreground"),
                *("--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces"),
                f"--addn-hosts={hosts}",
                f"--listen-address={','.join(resolver.listen)}",
                *("--user=root", "--group=root", "--log-facility=-"),
                f"--pid-file={driver.run_dir / f'{ns}.dnsmasq.pid'}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        spec = {"pid": process.pid, "digest": digest(resolver), "listen": list(resolver.listen)}
        (driver.run_dir / f"{ns}.dnsmasq").write_text(json.dumps(spec))
        done.append(
            f"{ns}: resolver on {', '.join(resolver.listen)} ({len(resolver.records)} records)"
        )
    return done
