"""Fixtures for the Midtrans sandbox's own tests: a fresh sandbox on a free port with a tmp sqlite file,
a local receiver that records notifications, and a driver speaking to the sandbox like a shop would
(midtransclient for the APIs, requests for the payment pages)."""

import json
import threading
import uuid
from dataclasses import dataclass

import midtransclient
import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from storefront.sandbox import SANDBOX_SERVER_KEY, SandboxServer
from tests.support.helpers import wait_until as shared_wait_until

FAST_RETRIES = (0.05, 0.05, 0.05, 0.05, 0.05)
WAIT_SECONDS = 5.0


def wait_until(predicate, timeout=WAIT_SECONDS, interval=0.01):
    """Poll for something asynchronous (a notification, a sweep) instead of sleeping a fixed time."""
    return shared_wait_until(predicate, timeout=timeout, interval=interval)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


class Receiver:
    """A merchant notification endpoint on 127.0.0.1 that records every POST and answers as told."""

    def __init__(self):
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._scripts: dict[str, list] = {}
        self.gates: dict[str, threading.Event] = {}
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path="/notify") -> str:
        return self.base_url + path

    def respond(self, path, *responses):
        """Answer POSTs to `path` with these (status, headers) in turn; the last one repeats."""
        self._scripts[path] = [r if isinstance(r, tuple) else (r, {}) for r in responses]

    def hold(self, path) -> threading.Event:
        """Make `path` block until the returned event is set (a slow merchant)."""
        gate = self.gates[path] = threading.Event()
        return gate

    def received(self, path=None) -> list[Received]:
        with self._lock:
            return [r for r in self._received if path is None or r.path == path]

    def wait_for(self, count, path=None, timeout=WAIT_SECONDS) -> list[Received]:
        def enough():
            got = self.received(path)
            return got if len(got) >= count else None

        return wait_until(enough, timeout)

    def close(self):
        for gate in self.gates.values():
            gate.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self._received.append(Received(request.path, dict(request.headers), request.get_data()))
            script = self._scripts.get(request.path, [(200, {})])
            status, headers = script.pop(0) if len(script) > 1 else script[0]
        gate = self.gates.get(request.path)
        if gate is not None:
            gate.wait(WAIT_SECONDS)
        return Response("ok", status=status, headers=headers)(environ, start_response)


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "sandbox.sqlite3")


@pytest.fixture
def start_sandbox(db_path):
    """Start sandboxes (default: fast retries, this test's db file); all are stopped after the test."""
    servers = []

    def start(**options):
        options = {"db_path": db_path, "retry_delays": FAST_RETRIES, "notification_timeout": 2.0, **options}
        server = SandboxServer(host="127.0.0.1", port=0, **options).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def sandbox_server(start_sandbox):
    return start_sandbox(sweep_interval=0.05)


def configure(client, server, server_key=SANDBOX_SERVER_KEY, headers=None):
    """Point a midtransclient client at the sandbox (instance attributes, midtrans.md §7.3)."""
    client.api_config.server_key = server_key
    client.api_config.SNAP_SANDBOX_BASE_URL = server.base_url + "/snap/v1"
    client.api_config.CORE_SANDBOX_BASE_URL = server.base_url
    # A new dict: the library's default header dict is shared between clients (midtrans.md §7.4).
    client.api_config.custom_headers = dict(headers or {})
    return client


class Driver:
    """Acts as the shop (Snap + Core API through midtransclient) and as the customer (payment pages)."""

    def __init__(self, server, notify_url):
        self.server = server
        self.notify_url = notify_url
        headers = {"X-Override-Notification": notify_url} if notify_url else {}
        self.snap = configure(midtransclient.Snap(is_production=False), server, headers=headers)
        self.core = configure(midtransclient.CoreApi(is_production=False), server)

    @staticmethod
    def new_order_id() -> str:
        return f"SB-{uuid.uuid4().hex[:16]}"

    def create(self, order_id=None, gross_amount=150000, **extra) -> dict:
        body = {
            "transaction_details": {"order_id": order_id or self.new_order_id(), "gross_amount": gross_amount},
            "item_details": [{"id": "kopi", "name": "Kopi Gayo 250 g", "price": gross_amount // 3, "quantity": 3}]
            if gross_amount % 3 == 0
            else [{"id": "x", "name": "Item", "price": gross_amount, "quantity": 1}],
            "callbacks": {"finish": "https://shop.example/finish"},
            **extra,
        }
        response = self.snap.create_transaction(body)
        return {**response, "order_id": body["transaction_details"]["order_id"]}

    def page(self, created) -> requests.Response:
        return requests.get(created["redirect_url"], timeout=5)

    def choose(self, created, method) -> requests.Response:
        return requests.post(
            created["redirect_url"] + "/method", data={"method": method}, allow_redirects=False, timeout=5
        )

    def simulate(self, created, action) -> requests.Response:
        return requests.post(f"{created['redirect_url']}/{action}", allow_redirects=False, timeout=5)

    def pay_card(self, created, card_number) -> requests.Response:
        return requests.post(
            created["redirect_url"] + "/credit-card",
            data={"card_number": card_number},
            allow_redirects=False,
            timeout=5,
        )

    def stored(self, order_id) -> dict:
        return requests.get(f"{self.server.base_url}/sandbox/transactions/{order_id}", timeout=5).json()

    def deliveries(self, order_id) -> list[dict]:
        return requests.get(
            f"{self.server.base_url}/sandbox/notifications", params={"order_id": order_id}, timeout=5
        ).json()


@pytest.fixture(name="configure")
def configure_fixture():
    """The `configure` helper, as a fixture so test modules need not import conftest."""
    return configure


@pytest.fixture(name="wait_until")
def wait_until_fixture():
    return wait_until


@pytest.fixture
def make_driver():
    """Build a Driver for a sandbox and notification URL of the test's choosing (None: no override)."""
    return Driver


@pytest.fixture
def driver(sandbox_server, receiver):
    return Driver(sandbox_server, receiver.url("/notify"))
