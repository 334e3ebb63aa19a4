"""Order tokens never reach the logs whole: the Procfile's gunicorn access log and the log-only mail
transport keep only the first 4 characters of `/orders/<token>`."""

import logging
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.helpers import Shopper, free_port, make_product, the_order, wait_until

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"  # the shape of secrets.token_urlsafe(24)


def test_the_log_only_mail_transport_keeps_only_the_first_4_characters_of_the_order_token(app, client, caplog):
    shopper = Shopper(client)
    shopper.add(make_product("Kopi Gayo", stock=5).id, 1)
    assert shopper.checkout().status_code == 303
    token = the_order().access_token
    with caplog.at_level(logging.INFO, logger="storefront.mail.transport"):
        assert app.test_cli_runner().invoke(args=["mail", "retry"]).exit_code == 0
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "storefront.mail.transport")
    assert f"/orders/{token[:4]}…" in logged
    assert token not in logged


def _procfile_web_command(port):
    line = next(entry for entry in (ROOT / "Procfile").read_text().splitlines() if entry.startswith("web:"))
    line = line.split(":", 1)[1].replace("$PORT", str(port)).replace("${WEB_CONCURRENCY:-2}", "1")
    # The line is a shell command (a static build, then `exec gunicorn`): run it as the platform does,
    # with this virtualenv's flask and gunicorn first on PATH.
    bin_dir = shlex.quote(str(Path(sys.executable).parent))
    return ["sh", "-c", f"PATH={bin_dir}:$PATH; {line.replace('0.0.0.0', '127.0.0.1')}"]


def test_the_procfile_access_log_keeps_only_the_first_4_characters_of_the_order_token(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "r" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/shop.sqlite3",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "MIDTRANS_SERVER_KEY": "SB-Mid-server-unused",
        "SESSION_COOKIE_SECURE": "false",
        "REDIS_URL": "",
    }
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log_path = tmp_path / "access.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(_procfile_web_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(url), timeout=20, interval=0.1)
        requests.get(f"{url}/orders/{TOKEN}/status", headers={"Referer": f"{url}/orders/{TOKEN}"}, timeout=5)
        requests.get(f"{url}/orders/{TOKEN}?returning=1", timeout=5)
        wait_until(lambda: log_path.read_text().count("/orders/AbCd…") >= 3, timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log_path.read_text()
    assert TOKEN not in text
    assert re.search(r'"GET /orders/AbCd…/status HTTP/1.1" 404 .* "http://127.0.0.1:\d+/orders/AbCd…"', text)


def _answers(url):
    try:
        return requests.get(url + "/", timeout=1).status_code == 200
    except requests.RequestException:
        time.sleep(0.05)
        return False
