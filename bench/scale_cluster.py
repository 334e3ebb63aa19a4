"""The parts of bench/scale_out.py's cluster: a throw-away PostgreSQL database, the Midtrans double,
shop instances under gunicorn, and HAProxy in front of them with health checks.

Everything listens on 127.0.0.1 only. Every process starts in its own process group (bench/run.py's
`Processes`), so stopping or killing an instance reaches its gunicorn master and workers alike.
"""

import csv
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests
from run import ROOT, VENV_BIN, Processes, Server, free_port, start_server  # bench/run.py

from storefront.sandbox import SANDBOX_SERVER_KEY

BENCH = Path(__file__).resolve().parent
BACKEND = "instances"


class ClusterError(RuntimeError):
    """The cluster could not be set up; the message says what is missing."""


# ---------------------------------------------------------------------------------------------------
# HAProxy: the Debian package, installed when we may
# ---------------------------------------------------------------------------------------------------


def ensure_haproxy() -> str:
    """The haproxy binary; installs Debian's package when run as root, else explains how."""
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)
    if found:
        return found
    if os.geteuid() != 0:
        raise ClusterError(
            "HAProxy is missing: install Debian's package (sudo apt-get install haproxy) "
            "or run this script as root, which installs it."
        )
    print("Installing HAProxy (apt-get install haproxy) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True, env=env, stdout=subprocess.DEVNULL)
    found = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.access(found, os.X_OK):
        raise ClusterError("apt-get installed haproxy but no haproxy binary was found")
    return found


def haproxy_config(port: int, instances: list[Server], health_path: str, stats_socket: Path) -> str:
    servers = "\n".join(f"    server {s.name} 127.0.0.1:{s.port} check" for s in instances)
    return f"""\
global
    maxconn 256
    stats socket {stats_socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A refused connection (an instance that died) is retried once on another instance: nothing reached
    # the dead one, so even a POST is safe to send again. A GET that got no answer at all is retried too
    # (it changes nothing). A POST whose instance died while answering is never sent again: it may have
    # taken stock or applied a payment; its client gets the 502.
    retries 1
    retry-on conn-failure empty-response
    option redispatch
    # The client's address for the shop's rate limits (PROXY_COUNT=1 makes the shop read it).
    option forwardfor

frontend shop
    bind 127.0.0.1:{port}
    default_backend {BACKEND}
    http-request disable-l7-retry if !METH_GET !METH_HEAD

backend {BACKEND}
    balance roundrobin
    # Health check every 1 s; an instance is down after 2 failed checks and back after 2 good ones.
    option httpchk
    http-check send meth GET uri {health_path} ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
    # Which instance answered: lets the bench send a notification to one that did not serve the checkout.
    http-response set-header X-Served-By %[srv_name]
{servers}
"""


def haproxy_states(stats_socket: Path) -> dict[str, str]:
    """Instance name -> HAProxy's view of it (UP, DOWN, "UP 1/2", ...), from the stats socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode().lstrip("# ")
    return {
        row["svname"]: row["status"]
        for row in csv.DictReader(io.StringIO(text))
        if row.get("pxname") == BACKEND and row["svname"] not in ("FRONTEND", "BACKEND")
    }


# ---------------------------------------------------------------------------------------------------
# PostgreSQL: one database per run, dropped at the end
# ---------------------------------------------------------------------------------------------------


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def create_database(server_url: str) -> tuple[str, str]:
    name = f"storefront_scale_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, database_url(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    # FORCE: a killed instance's connections may not have been noticed by the server yet.
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------------------------------------------
# The cluster
# ---------------------------------------------------------------------------------------------------


@dataclass
class Cluster:
    tmp: Path
    processes: Processes
    lb_port: int = 0
    sandbox_port: int = 0
    stats_socket: Path | None = None
    instances: list[Server] | None = None
    env: dict | None = None

    @property
    def lb_url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    def instance_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.instance(name).port}"

    def instance(self, name: str) -> Server:
        return next(s for s in self.instances if s.name == name)

    def start_double(self) -> None:
        self.sandbox_port = free_port()
        proc = self.processes.start(
            [
                sys.executable,
                str(BENCH / "midtrans_double.py"),
                "--port",
                str(self.sandbox_port),
                "--db",
                str(self.tmp / "sandbox.sqlite3"),
            ],
            self.tmp / "midtrans-double.log",
            cwd=ROOT,
        )
        wait_for(lambda: _answers(self.sandbox_url + "/"), 20, f"the Midtrans double (exit {proc.poll()})")

    def shop_environment(self, database: str, redis_url: str, cart_limit: str) -> dict:
        self.lb_port = free_port()
        self.env = {
            **os.environ,
            # Production mode: no debug, no testing, a real secret shared by every instance (sessions
            # and CSRF tokens made by one instance are read by another).
            "FLASK_DEBUG": "",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database,
            "REDIS_URL": redis_url,
            "PUBLIC_URL": self.lb_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "PROXY_COUNT": "1",  # HAProxy's X-Forwarded-For is the client address
            "SESSION_COOKIE_SECURE": "false",  # plain http on loopback
            "MIDTRANS_SERVER_KEY": SANDBOX_SERVER_KEY,
            "MIDTRANS_IS_PRODUCTION": "false",
            "MIDTRANS_SNAP_BASE_URL": self.sandbox_url + "/snap/v1",
            "MIDTRANS_API_BASE_URL": self.sandbox_url,
            "MIDTRANS_NOTIFICATION_URL": self.lb_url + "/payments/notification",
            "RATELIMIT_CART": cart_limit,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        return self.env

    def migrate(self) -> None:
        result = subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            raise ClusterError("flask db upgrade failed:\n" + result.stderr[-2000:])
        # Checkout needs the address lists and courier services: the official regions and the demo rates.
        result = subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "wsgi", "seed", "shipping"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise ClusterError("flask seed shipping failed:\n" + result.stderr[-2000:])

    def start_instances(self, count: int, workers: int) -> None:
        self.instances = [
            start_server(self.processes, f"i{n}", "wsgi:app", ROOT, self.env, self.tmp, workers)
            for n in range(1, count + 1)
        ]

    def health_path(self) -> str:
        """The shop's health endpoint if it has one (/healthz), else the catalog page."""
        return "/healthz" if _answers(self.instance_url(self.instances[0].name) + "/healthz") else "/"

    def start_haproxy(self, binary: str) -> str:
        path = self.health_path()
        self.stats_socket = self.tmp / "haproxy.sock"
        config = self.tmp / "haproxy.cfg"
        config.write_text(haproxy_config(self.lb_port, self.instances, path, self.stats_socket))
        check = subprocess.run([binary, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
        if check.returncode:
            raise ClusterError("haproxy rejected its configuration:\n" + check.stderr)
        # -db: stay in the foreground, so stopping our process stops HAProxy.
        proc = self.processes.start([binary, "-db", "-f", str(config)], self.tmp / "haproxy.log")
        names = {s.name for s in self.instances}
        wait_for(lambda: self.stats_socket.exists() and self._all_up(names), 20, f"HAProxy (exit {proc.poll()})")
        return path

    def _all_up(self, names: set[str]) -> bool:
        states = haproxy_states(self.stats_socket)
        return all(states.get(name) == "UP" for name in names)

    def kill(self, name: str) -> None:
        """`kill -9` an instance's gunicorn master and its workers (one process group)."""
        server = self.instance(name)
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise ClusterError(f"{what} did not come up within {timeout:.0f} s")
