"""End-to-end fixtures: the shop served by gunicorn (as in production) with its built-in Midtrans sandbox,
and Debian's Chromium driven by Playwright.

One server per database for the whole e2e package: SQLite always, PostgreSQL too when TEST_DATABASE_URL
is set (the same rule as tests/conftest.py). The shop is configured without the htmx CDN, which this
machine cannot reach (tests/e2e/test_e2e_htmx_cdn.py serves one with it). Every test gets a fresh
browser context (its own cookies, so its own cart); console errors and CSP violations fail it.
"""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import MetaData, create_engine

from storefront.config import normalise_database_url
from tests.support.e2e import (
    ARTIFACTS,
    TIMEOUT_MS,
    new_browser_context,
)
from tests.support.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # gunicorn and flask live in the same virtualenv as pytest
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PG_URL = os.environ.get("TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


expect.set_options(timeout=TIMEOUT_MS)


def wait_for_url(url, process, log_path, timeout=30.0):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered:\n{tail(log_path)}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException as exc:
            last_error = exc
        time.sleep(0.1)  # polling for readiness, not waiting for a result
    raise RuntimeError(f"{url} did not answer within {timeout}s ({last_error}):\n{tail(log_path)}")


def stop_process_group(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def reset_postgres(url):
    """Drop every table (alembic_version too) so `flask db upgrade` builds the schema from scratch."""
    engine = create_engine(normalise_database_url(url))
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
    finally:
        engine.dispose()


class ShopServer:
    def __init__(self, kind, url, sandbox_url, log_path, env=None):
        self.kind = kind
        self.url = url
        self.sandbox_url = sandbox_url
        self.log_path = log_path
        self.env = env or {}  # the server's environment (DATABASE_URL ...), for `flask` commands in tests

    def flask(self, *args, input=None):
        """Run `flask --app wsgi <args>` against this server's database; returns the CompletedProcess."""
        return subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def __repr__(self):
        return f"<ShopServer {self.kind} {self.url}>"


def server_env(database_url, sandbox_port, workdir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIDTRANS_", "FLASK_", "RATELIMIT_"))}
    env.update(
        SECRET_KEY="e2e-" + os.urandom(16).hex(),
        DATABASE_URL=database_url,
        # Empty, not merely unset, so a developer's .env cannot put a real key in: no key = the
        # built-in sandbox, on a port of its own.
        MIDTRANS_SERVER_KEY="",
        MIDTRANS_IS_PRODUCTION="false",
        MIDTRANS_SANDBOX_PORT=str(sandbox_port),
        MIDTRANS_SANDBOX_DB=str(workdir / "sandbox.sqlite3"),
        REDIS_URL="",
        PROXY_COUNT="0",
        SESSION_COOKIE_SECURE="false",  # plain http on 127.0.0.1
        # Every test comes from 127.0.0.1: the per-IP limits are for the internet, not for this suite.
        RATELIMIT_CHECKOUT="1000/minute",
        RATELIMIT_CART="1000/minute",
        RATELIMIT_CHECKOUT_PER_IP="10000/minute",
        RATELIMIT_CART_PER_IP="10000/minute",
        HTMX_CDN_URL="",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def running_shop(kind, workdir, extra_env=None):
    """Migrate, seed and serve the shop under gunicorn (2 workers of 4 threads); stopped on exit."""
    if kind == "sqlite":
        database_url = f"sqlite:///{workdir / 'shop.sqlite3'}"
    else:
        database_url = PG_URL
        reset_postgres(database_url)
    port, sandbox_port = free_port(), free_port()
    # Canonical and share URLs name the server under test, as PUBLIC_URL does in production.
    env = {
        **server_env(database_url, sandbox_port, workdir),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        **(extra_env or {}),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"e2e-server-{kind}.log"

    with open(log_path, "w") as log:
        for command in (["db", "upgrade"], ["seed"]):
            subprocess.run(
                [str(BIN / "flask"), "--app", "wsgi", *command],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=120,
            )
    log = open(log_path, "a")
    # The two processes `make run` starts: the built-in sandbox and the shop.
    sandbox = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "sandbox", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            "2",
            # Threads stand in for the PaaS router, which only hands gunicorn whole requests. Chromium
            # talks to gunicorn directly and opens speculative connections (netlog: is_preconnect) that
            # may never carry a request; a sync worker blocks on each until Chromium drops it (10 s),
            # and two such sockets once stalled a payment's return for longer than the test waits.
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "3",
            # Each request with its duration in ms (%(M)s), so a slow step shows in the failure report.
            "--access-logfile",
            "-",
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(M)sms",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = ShopServer(kind, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{sandbox_port}", log_path, env)
    try:
        wait_for_url(server.sandbox_url + "/", sandbox, log_path)
        wait_for_url(server.url + "/", process, log_path)
        yield server
    finally:
        for running in (process, sandbox):
            stop_process_group(running)
        log.close()
        if kind == "postgresql":
            reset_postgres(database_url)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test shows what the shop and the sandbox were doing (CI keeps no artifacts)."""
    report = yield
    shop = getattr(item, "funcargs", {}).get("shop")
    if report.failed and shop is not None:
        report.sections.append((f"e2e server log, last lines ({shop.log_path.name})", tail(shop.log_path, 60)))
    return report


@pytest.fixture(scope="package", params=DATABASES)
def shop(request, tmp_path_factory):
    """The shop as deployed: gunicorn, migrations, demo catalog, built-in Midtrans sandbox."""
    with running_shop(request.param, tmp_path_factory.mktemp(f"e2e-{request.param}")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Factory for browser contexts (JavaScript off, CSP bypass for axe ...); all closed after the test."""
    contexts, errors = [], []

    def make(expected_console_errors=(), **options):
        context = new_browser_context(browser, errors, expected_console_errors, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not errors, "errors in the pages:\n" + "\n".join(errors)


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def shots(request, shop):
    """Screenshots of the test's steps (desktop + phone). Taken on the SQLite run only: the pages are
    the same on PostgreSQL, and each pair of shots costs time."""
    from tests.support.e2e import Screenshots

    flow = re.sub(r"[^\w]+", "-", request.node.name.removeprefix("test_"))
    flow = re.sub(rf"-?{shop.kind}-?", "-", flow).strip("-")
    enabled = shop.kind == "sqlite" and os.environ.get("E2E_SCREENSHOTS", "1") != "0"
    return Screenshots(flow, enabled=enabled)
