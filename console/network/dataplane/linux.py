"""The linux driver: the desired state as network namespaces, bridges, veths, an HTTP responder
per ECS and one HAProxy (issue 14). Needs root, iproute2 and haproxy (built with namespaces).

Layout, every object named with the driver's prefix (`vpce-` by default):

- a VPC is a namespace `<prefix>v<id8>`; each of its subnets a bridge `<prefix>b<id8>` in it
  with the gateway address (and IP forwarding on, so subnets of one VPC reach each other);
- an ECS (or ELB) is a namespace `<prefix>h<id8>` whose `eth0` is a veth to its subnet's
  bridge (the VPC's end is `<prefix>e<id8>`), with its address and a default route via the
  gateway; a responder (responder.py) listens on its ports;
- an endpoint's node IP is a /32 on its subnet's bridge: a connection to it is refused until
  a frontend listens there;
- HAProxy runs in the root namespace (the "transit"): its binds and servers name the
  namespace each socket is opened in, so nothing in the root namespace has an address of a
  VPC and no route joins two VPCs. Overlapping VPC ranges cannot meet: a frontend is the only
  way across, and it exists only for an accepted endpoint. A frontend's source address (from
  198.19.128.0/20) is a /32 on the provider VPC namespace's `lo`; the backend answers it via
  its gateway, which is that namespace.

Nothing is created in the root namespace but the namespaces themselves (veths are created
inside the VPC namespace with their peer moved into the ECS's), so the root's `ip link` never
changes. `converge` creates what is missing and removes prefixed objects that are not desired;
it returns what it did, empty when the host was already right. `teardown` removes everything
with the prefix. Objects without the prefix are never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import dns, firewall, gateway, haproxy
from .state import PROBE_ADDRESS, SOURCE_RANGE, DesiredState

RESPONDER = Path(__file__).with_name("responder.py")
TOOLS = ("ip", "haproxy", "nft", "dnsmasq")


PROBE = """
import socket, sys
address, port, source, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
s = socket.socket()
s.settimeout(timeout)
try:
    s.bind((source, 0))
    s.connect((address, port))
    print("reachable")
except ConnectionRefusedError:
    print("refused")
except TimeoutError:
    print("timeout")
except OSError:
    print("unreachable")
"""


class DataplaneError(RuntimeError):
    """A host command failed; the message names it and what it printed."""


def missing_tools() -> list[str]:
    """Why the linux driver cannot run here: not root, or tools absent (empty: it can)."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if os.geteuid() != 0:
        missing.insert(0, "root")
    return missing


def short(key: str) -> str:
    return key.replace("-", "")[:8]


@dataclass
class Namespace:
    links: dict[str, dict] = field(default_factory=dict)  # ifname -> ip -j link entry
    addresses: set[tuple[str, str]] = field(default_factory=set)  # (ifname, "a.b.c.d/n")
    default_via: str = ""


@dataclass
class Observed:
    """What the host carries under the prefix."""

    namespaces: dict[str, Namespace] = field(default_factory=dict)
    responders: dict[str, dict] = field(default_factory=dict)  # namespace -> spec (running)
    haproxy_pid: int = 0
    haproxy_config: str = ""


class LinuxDriver:
    name = "linux"

    def __init__(self, prefix: str = "vpce-", run_dir: str = "", python: str = "") -> None:
        if not (1 <= len(prefix) <= 6) or not prefix.replace("-", "").isalnum():
            raise ValueError("The data plane prefix is 1 to 6 letters, digits or dashes.")
        self.prefix = prefix
        self.run_dir = Path(run_dir or f"/run/{prefix}dataplane")
        self.python = python or sys.executable

    # names -------------------------------------------------------------------------------

    def vpc_ns(self, key: str) -> str:
        return f"{self.prefix}v{short(key)}"

    def host_ns(self, key: str) -> str:
        return f"{self.prefix}h{short(key)}"

    def bridge(self, key: str) -> str:
        return f"{self.prefix}b{short(key)}"

    def veth(self, key: str) -> str:
        return f"{self.prefix}e{short(key)}"

    @property
    def haproxy_files(self) -> tuple[Path, Path, Path]:
        return (
            self.run_dir / "haproxy.cfg",
            self.run_dir / "haproxy.pid",
            self.run_dir / "master.sock",
        )

    # commands ----------------------------------------------------------------------------

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(args, capture_output=True, text=True, timeout=30)
        if check and result.returncode != 0:
            raise DataplaneError(f"{' '.join(args)}: {result.stderr.strip() or result.stdout}")
        return result.stdout

    def ip(self, ns: str, *args: str, check: bool = True) -> str:
        return self.run("ip", "-n", ns, *args, check=check)

    # observe -----------------------------------------------------------------------------

    def namespaces(self) -> list[str]:
        names = [line.split()[0] for line in self.run("ip", "netns", "list").splitlines() if line]
        return sorted(name for name in names if name.startswith(self.prefix))

    def observe(self) -> Observed:
        observed = Observed()
        for ns in self.namespaces():
            space = observed.namespaces[ns] = Namespace()
            for link in json.loads(self.ip(ns, "-j", "link", "show") or "[]"):
                space.links[link["ifname"]] = link
            for link in json.loads(self.ip(ns, "-j", "addr", "show") or "[]"):
                for info in link.get("addr_info", []):
                    if info.get("family") == "inet":
                        space.addresses.add(
                            (link["ifname"], f"{info['local']}/{info['prefixlen']}")
                        )
            if "eth0" in space.links:
                routes = json.loads(self.ip(ns, "-j", "route", "show", "default") or "[]")
                space.default_via = routes[0].get("gateway", "") if routes else ""
            spec = self.responder_spec(ns)
            if spec:
                observed.responders[ns] = spec
        config, pidfile, _socket = self.haproxy_files
        observed.haproxy_pid = alive(pidfile, "haproxy")
        if observed.haproxy_pid and config.exists():
            observed.haproxy_config = config.read_text()
        return observed

    def responder_spec(self, ns: str) -> dict:
        """The running responder's spec in `ns` ({} when none runs)."""
        path = self.run_dir / f"{ns}.responder"
        try:
            spec = json.loads(path.read_text())
        except (OSError, ValueError):
            return {}
        return spec if alive_pid(spec.get("pid", 0), "responder.py") else {}

    # converge ----------------------------------------------------------------------------

    def converge(self, desired: DesiredState) -> list[str]:
        desired = desired.resolved()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        observed = self.observe()
        done: list[str] = []
        wanted: dict[str, Namespace] = {}  # namespace -> the links and addresses it must have

        for vpc in desired.vpcs.values():
            wanted[self.vpc_ns(vpc.key)] = Namespace(
                links={"lo": {}}, addresses={("lo", f"{PROBE_ADDRESS}/32")}
            )
        for subnet in desired.subnets.values():
            space = wanted[self.vpc_ns(subnet.vpc)]
            bridge = self.bridge(subnet.key)
            space.links[bridge] = {}
            space.addresses.add((bridge, subnet.gateway_interface))
        for node in desired.node_addresses:
            space = wanted[self.vpc_ns(node.vpc)]
            space.addresses.add((self.bridge(node.subnet), f"{node.address}/32"))
        for frontend in desired.frontends.values():
            wanted[self.vpc_ns(frontend.provider_vpc)].addresses.add(
                ("lo", f"{frontend.source}/32")
            )
        for host in desired.hosts.values():
            subnet = desired.subnets[host.subnet]
            wanted[self.vpc_ns(host.vpc)].links[self.veth(host.key)] = {
                "master": self.bridge(subnet.key)
            }
            prefix = ipaddress.ip_network(subnet.cidr).prefixlen
            wanted[self.host_ns(host.key)] = Namespace(
                links={"lo": {}, "eth0": {}},
                addresses={("eth0", f"{host.address}/{prefix}")},
                default_via=subnet.gateway,
            )

        # 1. what is missing: namespaces, then links (VPC sides first), addresses, routes
        for ns in sorted(set(wanted) - set(observed.namespaces)):
            self.run("ip", "netns", "add", ns)
            if ns.startswith(f"{self.prefix}v"):
                self.run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1")
            observed.namespaces[ns] = Namespace()
            done.append(f"namespace {ns} added")
        for ns in sorted(wanted, key=lambda name: (not name.startswith(f"{self.prefix}v"), name)):
            space, have = wanted[ns], observed.namespaces[ns]
            for ifname, spec in sorted(space.links.items(), key=lambda item: item[0] != "lo"):
                done += self.ensure_link(ns, ifname, spec, have, observed)
            for ifname, address in sorted(space.addresses - have.addresses):
                self.ip(ns, "addr", "add", address, "dev", ifname)
                done.append(f"{ns}: address {address} on {ifname}")
            if space.default_via and have.default_via != space.default_via:
                self.ip(ns, "route", "replace", "default", "via", space.default_via)
                done.append(f"{ns}: default via {space.default_via}")

        # 2. responders
        for host in desired.hosts.values():
            ns = self.host_ns(host.key)
            spec = {"name": host.name, "ports": list(host.ports)}
            running = observed.responders.get(ns)
            if running and {k: running[k] for k in spec} == spec:
                continue
            if running:
                self.stop_responder(ns)
            if host.ports:
                self.start_responder(ns, spec)
                done.append(f"{ns}: responder {host.name} on {', '.join(map(str, host.ports))}")

        # 2b. security groups and network ACLs (firewall.py)
        for host in desired.hosts.values():
            body = firewall.render(host.firewall) if host.firewall else None
            done += self.converge_nft(self.host_ns(host.key), firewall.TABLE, body, "firewall")
        # 2c. which subnets reach a gateway endpoint's service (gateway.py)
        for vpc in desired.vpcs.values():
            body = gateway.render([g for g in desired.gateways.values() if g.vpc == vpc.key])
            done += self.converge_nft(self.vpc_ns(vpc.key), gateway.TABLE, body, "gateway routes")
        # 2d. the VPCs' DNS (dns.py)
        done += dns.converge(self, desired.resolvers, observed)

        # 3. HAProxy
        done += self.converge_haproxy(desired, observed)

        # 4. what is not desired
        for ns, have in sorted(observed.namespaces.items()):
            if ns not in wanted:
                self.remove_namespace(ns)
                done.append(f"namespace {ns} removed")
                continue
            space = wanted[ns]
            for ifname, address in sorted(have.addresses - space.addresses):
                if ifname == "lo" and ipaddress.ip_interface(address).ip not in SOURCE_RANGE:
                    continue  # 127.0.0.1
                if ifname in have.links:
                    self.ip(ns, "addr", "del", address, "dev", ifname)
                    done.append(f"{ns}: address {address} removed from {ifname}")
            for ifname in sorted(have.links):
                if ifname.startswith(self.prefix) and ifname not in space.links:
                    self.ip(ns, "link", "del", ifname, check=False)
                    done.append(f"{ns}: {ifname} removed")
        for path in self.run_dir.glob(f"{self.prefix}*.responder"):
            if path.name.removesuffix(".responder") not in wanted:
                path.unlink(missing_ok=True)
        return done

    def ensure_link(
        self, ns: str, ifname: str, spec: dict, have: Namespace, observed: Observed
    ) -> list[str]:
        done = []
        link = have.links.get(ifname)
        if link is None and ifname.startswith(f"{self.prefix}b"):
            self.ip(ns, "link", "add", ifname, "type", "bridge")
            done.append(f"{ns}: bridge {ifname} added")
        elif link is None and ifname.startswith(f"{self.prefix}e"):
            host_ns = f"{self.prefix}h{ifname[len(self.prefix) + 1 :]}"
            peer = observed.namespaces[host_ns]
            if "eth0" in peer.links:  # the other half of a veth whose VPC end is gone
                self.ip(host_ns, "link", "del", "eth0")
            peer.links["eth0"] = {"flags": []}
            peer.addresses = {a for a in peer.addresses if a[0] != "eth0"}
            peer.default_via = ""
            self.ip(
                ns, "link", "add", ifname, "type", "veth", "peer", "name", "eth0", "netns", host_ns
            )
            done.append(f"{ns}: veth {ifname} added")
        elif link is None and ifname == "eth0":
            raise DataplaneError(f"{ns}: eth0 is missing and its VPC end exists")
        link = link or {"flags": []}
        if spec.get("master") and link.get("master") != spec["master"]:
            self.ip(ns, "link", "set", ifname, "master", spec["master"])
            done.append(f"{ns}: {ifname} on {spec['master']}")
        if "UP" not in link.get("flags", []):
            self.ip(ns, "link", "set", ifname, "up")
            if ifname != "lo":
                done.append(f"{ns}: {ifname} up")
        return done

    def converge_nft(self, ns: str, table: str, body: str | None, what: str) -> list[str]:
        """Load table `table` in `ns` when its digest differs from `body`'s (None: drop it)."""
        listing = self.run(
            "ip", "netns", "exec", ns, "nft", "list", "table", "inet", table, check=False
        )
        loaded = firewall.loaded_digest(listing)
        if (body is None and not loaded) or (body is not None and loaded == firewall.digest(body)):
            return []
        result = subprocess.run(
            ["ip", "netns", "exec", ns, "nft", "-f", "-"],
            input=firewall.script(table, body),
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode:
            raise DataplaneError(f"{ns}: nft: {result.stderr.strip()}")
        return [f"{ns}: {what} {'loaded' if body is not None else 'removed'}"]

    def probe(self, vpc_key: str, address: str, port: int, timeout: float = 1.0) -> str:
        """Connect to address:port inside a VPC's namespace from PROBE_ADDRESS, as endpoint
        traffic arrives: "reachable", "refused", "timeout" or "unreachable"."""
        result = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                self.vpc_ns(vpc_key),
                self.python,
                "-c",
                PROBE,
                address,
                str(port),
                PROBE_ADDRESS,
                str(timeout),
            ],
            capture_output=True,
            text=True,
            timeout=timeout + 10,
            check=False,
        )
        return result.stdout.strip() or "unreachable"

    def start_responder(self, ns: str, spec: dict) -> None:
        log = open(self.run_dir / f"{ns}.log", "ab")  # noqa: SIM115 (the child keeps it)
        args = ["ip", "netns", "exec", ns, self.python, str(RESPONDER), "--name", spec["name"]]
        for port in spec["ports"]:
            args += ["--port", str(port)]
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
        log.close()
        (self.run_dir / f"{ns}.responder").write_text(json.dumps({**spec, "pid": process.pid}))

    def stop_responder(self, ns: str) -> None:
        spec = self.responder_spec(ns)
        if spec:
            terminate(spec["pid"])
        (self.run_dir / f"{ns}.responder").unlink(missing_ok=True)

    def remove_namespace(self, ns: str) -> None:
        for pid in self.run("ip", "netns", "pids", ns, check=False).split():
            terminate(int(pid))
        (self.run_dir / f"{ns}.responder").unlink(missing_ok=True)
        self.run("ip", "netns", "del", ns)

    # HAProxy -----------------------------------------------------------------------------

    def converge_haproxy(self, desired: DesiredState, observed: Observed) -> list[str]:
        config, pidfile, master = self.haproxy_files
        if not desired.frontends:
            if observed.haproxy_pid:
                self.stop_haproxy()
                return ["haproxy stopped (no frontend)"]
            return []
        text = haproxy.render(desired.frontends, str(self.run_dir), self.vpc_ns)
        if observed.haproxy_pid and observed.haproxy_config == text:
            return []
        candidate = config.with_suffix(".new")
        candidate.write_text(text)
        self.run("haproxy", "-c", "-q", "-f", str(candidate))
        candidate.replace(config)
        if observed.haproxy_pid:
            # The old workers finish their connections, except those of an endpoint that was
            # rejected, deleted or changed (a narrower whitelist): those are cut, before the
            # reload and again after it (a connection that came in between).
            old, new = haproxy.blocks(observed.haproxy_config), haproxy.blocks(text)
            cut = sorted(n for n in old if old[n] != new.get(n))
            workers = self.workers()
            self.cut_sessions(workers, cut)
            self.reload_haproxy()
            self.cut_sessions(workers, cut)
            done = [f"haproxy reloaded ({len(desired.frontends)} frontends)"]
            return done + [f"haproxy: connections of {name} cut" for name in cut]
        master.unlink(missing_ok=True)
        self.run("haproxy", "-W", "-D", "-S", str(master), "-p", str(pidfile), "-f", str(config))
        self.workers()  # the master answers: its worker is up
        return [f"haproxy started ({len(desired.frontends)} frontends)"]

    def haproxy_command(self, command: str, wait: float = 10.0) -> str:
        """Send a command to HAProxy's master socket (reload, show proc...). The master
        re-executes itself on a reload: a command meeting that is tried again for `wait`
        seconds (but a reload, which cut its own connection, is done)."""
        deadline = time.monotonic() + wait
        while True:
            chunks, sent = [], False
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    sock.settimeout(wait)
                    sock.connect(str(self.haproxy_files[2]))
                    sock.sendall(command.encode() + b"\n")
                    sent = True
                    sock.shutdown(socket.SHUT_WR)  # one command: the master answers and closes
                    while chunk := sock.recv(65536):
                        chunks.append(chunk)
                return b"".join(chunks).decode(errors="replace")
            except (ConnectionRefusedError, ConnectionResetError, FileNotFoundError):
                if sent and command == "reload":
                    return b"".join(chunks).decode(errors="replace")
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def cut_sessions(self, workers: list[str], names: list[str]) -> None:
        for pid in workers:
            for name in names:
                self.haproxy_command(f"@!{pid} shutdown sessions server {name}/backend")

    def workers(self) -> list[str]:
        """The pids of HAProxy's current workers (not those finishing after a reload)."""
        listing = self.haproxy_command("show proc").split("# workers")[-1]
        current = listing.split("# old workers")[0].split("# programs")[0]
        return [line.split()[0] for line in current.splitlines() if "worker" in line]

    def reload_haproxy(self, wait: float = 10.0) -> None:
        """Reload through the master socket and return once a new worker serves: the old one
        stops accepting then (it finishes its connections), so the new config holds."""
        before = set(self.workers())
        self.haproxy_command("reload")
        deadline = time.monotonic() + wait
        while not set(self.workers()) - before:
            if time.monotonic() > deadline:
                raise DataplaneError("HAProxy did not start a new worker after its reload.")
            time.sleep(0.05)

    def stop_haproxy(self) -> None:
        config, pidfile, master = self.haproxy_files
        pid = alive(pidfile, "haproxy")
        if pid:
            terminate(pid)
        for path in (pidfile, master, config):
            path.unlink(missing_ok=True)

    # one at a time ----------------------------------------------------------------------

    @property
    def lock_file(self) -> Path:
        return self.run_dir.parent / f".{self.run_dir.name}.lock"

    @contextlib.contextmanager
    def locked(self, timeout: float = 120.0):
        """An exclusive lock on the run dir's `lock` file for a converge or a teardown: the
        worker's task, the reconciler's loop and a command line never interleave on one host.
        The kernel releases it when the holder dies."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with open(self.lock_file, "a") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise DataplaneError(
                            "Another converge holds the data plane's lock."
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # teardown ----------------------------------------------------------------------------

    def teardown(self) -> list[str]:
        done = []
        if alive(self.haproxy_files[1], "haproxy"):
            done.append("haproxy stopped")
        self.stop_haproxy()
        for ns in self.namespaces():
            self.remove_namespace(ns)
            done.append(f"namespace {ns} removed")
        if self.run_dir.exists():
            shutil.rmtree(self.run_dir, ignore_errors=True)
        return done


def alive(pidfile: Path, name: str) -> int:
    """The pid in `pidfile` if that process runs and its command line names `name`, else 0."""
    try:
        pid = int(pidfile.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pid if alive_pid(pid, name) else 0


def alive_pid(pid: int, name: str) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return name.encode() in cmdline


def terminate(pid: int, grace: float = 3.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; a process already gone is fine."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            waited, _status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            waited = 0
        if waited == pid or not Path(f"/proc/{pid}").exists() or zombie(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (OSError, IndexError):
        return True
