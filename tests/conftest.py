"""Fixtures: an app per test on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set), the built-in
Midtrans sandbox on a real port, and a live shop server for flows that need real HTTP both ways."""

import logging
import os
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import inspect, text
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from storefront import create_app
from storefront.config import normalise_database_url
from storefront.extensions import db
from storefront.sandbox import SANDBOX_SERVER_KEY, SandboxServer
from tests.support.helpers import Shopper, make_product, seed_shipping, the_order

PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])
_pg_schema_ready = False


@pytest.fixture(scope="session", autouse=True)
def built_static_files(tmp_path_factory):
    """`flask digest compile`, which the Procfile and `make run` run before serving: hashed static names
    with their .gz/.br copies. Run once, before any app (or e2e server) reads the manifest."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path_factory.mktemp('digest') / 'unused.sqlite3'}",
            "MIDTRANS_SERVER_KEY": SANDBOX_SERVER_KEY,  # no built-in sandbox for a build step
        }
    )
    result = app.test_cli_runner().invoke(args=["digest", "compile"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """The Midtrans double, over real HTTP, shared by the whole run (order ids never repeat)."""
    server = SandboxServer(
        host="127.0.0.1",
        port=0,
        server_key=SANDBOX_SERVER_KEY,
        db_path=str(tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3"),
        retry_delays=(0.2, 0.2, 0.2, 0.2, 0.2),
        notification_timeout=5.0,
    )
    server.start()
    yield server
    server.stop()


def _database_uri(kind, tmp_path):
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    return normalise_database_url(PG_URL)


def _reset_postgres():
    global _pg_schema_ready
    # The browser tests' shop drops every table when its package ends; rebuild the schema if it is gone.
    if not _pg_schema_ready or not inspect(db.engine).has_table(db.metadata.sorted_tables[-1].name):
        db.drop_all()
        db.create_all()
        _pg_schema_ready = True
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(params=DATABASES)
def db_kind(request):
    return request.param


@pytest.fixture
def app_config(db_kind, tmp_path, sandbox):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_URL": "http://localhost",  # the test client's own address
        "SQLALCHEMY_DATABASE_URI": _database_uri(db_kind, tmp_path),
        "MIDTRANS_SERVER_KEY": SANDBOX_SERVER_KEY,
        "MIDTRANS_SNAP_BASE_URL": sandbox.base_url + "/snap/v1",
        "MIDTRANS_API_BASE_URL": sandbox.base_url,
        "MIDTRANS_READ_TIMEOUT": 3.0,
        "MIDTRANS_CONNECT_TIMEOUT": 2.0,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,  # the test client and the live server speak plain http
        "MAIL_BACKGROUND": False,  # e-mails are delivered explicitly where a test wants them
        # This machine cannot reach the CDN: htmx is the shop's own copy (the CDN path has its own tests).
        "HTMX_CDN_URL": "",
        # Uploads and image renditions of this test only (not the developer's instance/ folder).
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }


@contextmanager
def running_app(config, db_kind):
    """An app with an empty schema, inside its app context; its connections are closed afterwards."""
    app = create_app(config)
    with app.app_context():
        if db_kind == "postgresql":
            _reset_postgres()
        else:
            db.create_all()
        seed_shipping()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_config, db_kind):
    with running_app(app_config, db_kind) as app:
        yield app


@pytest.fixture
def make_app(app_config, db_kind):
    """For tests that need the app built with other settings: `with make_app(PROXY_COUNT=1) as app:`."""
    return lambda **overrides: running_app({**app_config, **overrides}, db_kind)


@pytest.fixture
def live_shop(app):
    """The app served over real HTTP on 127.0.0.1 (threaded), so the sandbox can notify it."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    in_flight = InFlight(app)
    server = make_server("127.0.0.1", 0, in_flight, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    # Midtrans is told to send notifications (and the shopper to come back) to this server.
    app.config["PUBLIC_URL"] = server.url
    yield server
    server.shutdown()
    thread.join(timeout=5)
    # The app's engine is disposed next: a request still being answered (a late notification from the
    # sandbox) would keep its connection past that, and it would be garbage-collected unclosed.
    assert in_flight.wait(timeout=10), "a request to the live shop was still running 10 s after the test"


class InFlight:
    """WSGI wrapper counting the requests a live server is still answering."""

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            self.count += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.idle:
                self.count -= 1
                self.idle.notify_all()

    def wait(self, timeout):
        with self.idle:
            return self.idle.wait_for(lambda: self.count == 0, timeout)


@pytest.fixture
def broken_midtrans():
    """A misbehaving Midtrans on 127.0.0.1: `mode` picks 500, a hang, or garbage."""
    state = {"mode": "500"}

    def app(environ, start_response):
        if state["mode"] == "500":
            body = '{"error_messages": ["Sorry, we encountered internal server error. We will fix this soon."]}'
            response = Response(body, status=500, content_type="application/json")
        elif state["mode"] == "hang":
            time.sleep(3)
            response = Response("{}", content_type="application/json")
        else:
            response = Response("<html>Bad gateway</html>", status=200, content_type="text/html")
        return response(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def product(app):
    return make_product()


@pytest.fixture
def shopper(client):
    return Shopper(client)


@pytest.fixture
def placed_order(shopper, app):
    """An order of 2 x Kopi Gayo at Rp85.000 (+ Rp20.000 shipping = Rp190.000), stock 10 -> 8, with a
    live Snap page at the sandbox on which no method has been chosen yet."""
    product = make_product("Kopi Gayo", price=85000, stock=10)
    shopper.add(product.id, 2)
    assert shopper.checkout().status_code == 303
    return the_order()


@pytest.fixture
def order(placed_order):
    """The placed order, for tests that are about "the order" (polling, its page)."""
    return placed_order


@pytest.fixture
def sent_mail(monkeypatch):
    """What the shop hands to the mail server (the transport), as (recipient, subject, body)."""
    sent = []

    def fake_send(config, message):
        sent.append((message["To"], message["Subject"], message.get_content()))

    monkeypatch.setattr("storefront.mail.transport.send", fake_send)
    return sent
