"""The demo ECS's HTTP responder (issue 14), run by the linux driver inside the ECS's network
namespace: `python responder.py --name ecs-66a6 --port 80 --port 8080`.

Standard library only (it runs outside Django). Every request gets a plain-text answer:

    server: ecs-66a6
    client: 198.19.128.7:40112
    proxy-source: 192.168.0.9:51234      (only when a PROXY protocol v2 header came first)

A PROXY v2 header is optional on every connection, as on a backend behind a service with
客户端IP透传 on or off.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import signal
import socket
import socketserver
import struct
import sys
import threading

PROXY_V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def read_proxy_v2(sock: socket.socket) -> str:
    """Consume a PROXY v2 header if one starts the stream; return "address:port" of the source
    it carries ("" without a header, or for LOCAL/unknown families)."""
    head = sock.recv(16, socket.MSG_PEEK | socket.MSG_WAITALL)
    if len(head) < 16 or not head.startswith(PROXY_V2_SIGNATURE):
        return ""
    length = struct.unpack("!H", head[14:16])[0]
    header = b""
    while len(header) < 16 + length:
        chunk = sock.recv(16 + length - len(header))
        if not chunk:
            return ""
        header += chunk
    command, family = header[12] & 0x0F, header[13] >> 4
    body = header[16:]
    if command != 1:  # LOCAL: a health check of the proxy itself
        return ""
    if family == 1 and len(body) >= 12:
        source, _destination, port = body[0:4], body[4:8], struct.unpack("!H", body[8:10])[0]
        return f"{ipaddress.IPv4Address(source)}:{port}"
    if family == 2 and len(body) >= 36:
        source, port = body[0:16], struct.unpack("!H", body[32:34])[0]
        return f"[{ipaddress.IPv6Address(source)}]:{port}"
    return ""


class Handler(socketserver.BaseRequestHandler):
    server_name = "ecs"

    def handle(self) -> None:
        self.request.settimeout(5)
        try:
            proxied = read_proxy_v2(self.request)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = self.request.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            return
        client = "{}:{}".format(*self.client_address[:2])
        lines = [f"server: {self.server_name}", f"client: {client}"]
        if proxied:
            lines.append(f"proxy-source: {proxied}")
        body = ("\n".join(lines) + "\n").encode()
        head = (
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        with contextlib.suppress(OSError):
            self.request.sendall(head + body)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--port", type=int, action="append", required=True)
    args = parser.parse_args(argv)
    handler = type("NamedHandler", (Handler,), {"server_name": args.name})
    servers = [Server(("0.0.0.0", port), handler) for port in args.port]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
