"""Building the app has no side effects: no port, no thread, no setting rewritten. The built-in sandbox is
a process of its own (`flask sandbox run`), which the shop finds at MIDTRANS_SANDBOX_HOST/PORT."""

import os
import subprocess
import sys
import textwrap

import pytest
import requests

from storefront import create_app
from storefront.sandbox import SANDBOX_SERVER_KEY
from tests.support.helpers import free_port, sandbox_process

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Refuses any bind/listen, then imports the WSGI entry point exactly as gunicorn does.
IMPORT_WITHOUT_SOCKETS = textwrap.dedent(
    """
    import socket, threading

    def refuse(self, *args):
        raise AssertionError("importing the app opened a socket: " + repr(args))

    socket.socket.bind = refuse
    socket.socket.listen = refuse
    import wsgi
    assert not wsgi.app.config["MIDTRANS_SERVER_KEY"], "the empty key was rewritten"
    print(threading.active_count())
    """
)


def no_key_env(tmp_path, sandbox_port):
    return {
        **os.environ,
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/shop.sqlite3",
        "MIDTRANS_SERVER_KEY": "",
        "MIDTRANS_SANDBOX_PORT": str(sandbox_port),
        "MIDTRANS_SANDBOX_DB": str(tmp_path / "sandbox.sqlite3"),
        "SESSION_COOKIE_SECURE": "false",
        "PUBLIC_URL": "http://127.0.0.1:5000",
    }


def test_importing_the_app_without_a_midtrans_key_opens_no_port_and_starts_no_thread(tmp_path):
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_WITHOUT_SOCKETS],
        cwd=ROOT,
        env=no_key_env(tmp_path, port),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"  # the main thread only
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)


def test_without_a_key_the_gateway_points_at_the_configured_sandbox_and_the_settings_stay_as_given(app_config):
    app = create_app(
        {
            **app_config,
            "MIDTRANS_SERVER_KEY": "",
            "MIDTRANS_SNAP_BASE_URL": "",
            "MIDTRANS_API_BASE_URL": "",
            "MIDTRANS_SANDBOX_HOST": "0.0.0.0",
            "MIDTRANS_SANDBOX_PORT": 5999,
        }
    )
    gateway = app.extensions["midtrans_gateway"].config
    assert gateway.server_key == SANDBOX_SERVER_KEY
    assert gateway.api_base_url == "http://127.0.0.1:5999"
    assert gateway.snap_base_url == "http://127.0.0.1:5999/snap/v1"
    assert app.config["MIDTRANS_SERVER_KEY"] == "" and app.config["MIDTRANS_API_BASE_URL"] == ""


def test_flask_sandbox_run_serves_snap_until_it_is_stopped(tmp_path):
    env = no_key_env(tmp_path, free_port())
    with sandbox_process(env) as url:
        answer = requests.post(url + "/snap/v1/transactions", json={}, auth=(SANDBOX_SERVER_KEY, ""), timeout=5)
        assert answer.status_code == 400  # the sandbox's own validation: a Snap request needs its details
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/", timeout=2)


def test_flask_sandbox_run_says_when_its_port_is_taken(tmp_path, sandbox):
    env = no_key_env(tmp_path, sandbox.port)
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "wsgi", "sandbox", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{sandbox.port}" in result.stderr


def test_a_bug_raises_with_its_traceback_in_tests_instead_of_the_error_page(app, client):
    app.view_functions["catalog.index"] = explode
    with pytest.raises(RuntimeError, match="a bug"):
        client.get("/")


def explode():
    raise RuntimeError("a bug")


def test_without_a_key_the_checkout_may_redirect_to_the_sandbox(make_app):
    # make_app disposes of the app's engine afterwards: /healthz opens a pooled connection, and an app left
    # to the garbage collector closed it at a random later test (psycopg's "deleted while still open").
    with make_app(
        MIDTRANS_SERVER_KEY="", MIDTRANS_SNAP_BASE_URL="", MIDTRANS_SANDBOX_HOST="127.0.0.1", MIDTRANS_SANDBOX_PORT=5999
    ) as app:
        policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:5999;" in policy
