"""A real HTTP receiver on 127.0.0.1 (a thread), and the demo's connection: tenant-a's `web`
service (provider a-admin) and tenant-b's pending endpoint to it (consumer b-admin)."""

import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.db import transaction

from console.tenancy.models import User
from endpoints.history import record_connection_event
from endpoints.models import Endpoint, EndpointStatus
from notifications import operations
from services.models import EndpointService


class Receiver:
    """Answers each POST with the next of `answers` (the last one repeats)."""

    def __init__(self, answers=(200,)):
        self.answers = list(answers)
        self.requests: list[SimpleNamespace] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    SimpleNamespace(path=self.path, headers=dict(self.headers), body=body)
                )
                status = (
                    receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                )
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    made = []

    def make(answers=(200,)) -> Receiver:
        made.append(Receiver(answers))
        return made[-1]

    yield make
    for r in made:
        r.close()


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def web(demo_data) -> EndpointService:
    return EndpointService.objects.get(name="web", is_system=False)


@pytest.fixture
def pending(web) -> Endpoint:
    return web.endpoints.get(status=EndpointStatus.PENDING)


def verify(secret: str, request) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers["X-Vpcep-Signature"])


@pytest.fixture
def event(django_capture_on_commit_callbacks):
    """event(endpoint, kind, comment): a connection event committed, its notifications run."""

    def make(endpoint, kind, comment="", actor=None):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return record_connection_event(actor, endpoint, kind, comment)

    return make


@pytest.fixture
def subscribe(django_capture_on_commit_callbacks):
    def make(username, owner, **data):
        side = "service_id" if isinstance(owner, EndpointService) else "endpoint_id"
        data.setdefault("events", ["requested", "accepted", "rejected", "deleted"])
        return operations.create_subscription(user(username), **{side: owner.pk}, **data)

    return make
