"""SandboxServer: ports, the expiry sweeper, and state shared through the sqlite file."""

import errno
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from storefront.sandbox import SANDBOX_CLIENT_KEY, SANDBOX_SERVER_KEY, SandboxServer

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_keys_are_sandbox_keys():
    assert SANDBOX_SERVER_KEY == "SB-Mid-server-storefront-sandbox"
    assert SANDBOX_CLIENT_KEY == "SB-Mid-client-storefront-sandbox"


def test_home_page_says_what_it_is(sandbox_server):
    response = requests.get(sandbox_server.base_url + "/", timeout=5)
    assert response.status_code == 200
    assert "Storefront Midtrans sandbox" in response.text
    assert "never be used in production" in response.text


def test_a_taken_port_raises_eaddrinuse(sandbox_server, db_path):
    second = SandboxServer(host="127.0.0.1", port=sandbox_server.port, db_path=db_path)
    with pytest.raises(OSError) as caught:
        second.start()
    assert caught.value.errno == errno.EADDRINUSE


def test_stop_closes_the_port(start_sandbox):
    server = start_sandbox()
    url = server.base_url
    server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)


def test_sweeper_expires_overdue_pending_payments_and_notifies(driver, receiver):
    # Payment expiry counted from a start_time 1 s short of an hour ago: due one second from now.
    wib = timezone(timedelta(hours=7))
    start = datetime.now(wib) - timedelta(hours=1) + timedelta(seconds=1)
    created = driver.create(
        expiry={"start_time": start.strftime("%Y-%m-%d %H:%M:%S +0700"), "unit": "minutes", "duration": 60},
        page_expiry={"duration": 1, "unit": "hour"},
    )
    driver.choose(created, "bca_va")

    pending, expired = (r.json for r in receiver.wait_for(2, timeout=5))
    assert pending["expiry_time"] == (start + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert (expired["transaction_status"], expired["status_code"]) == ("expire", "202")
    assert driver.core.transactions.status(created["order_id"])["status_code"] == "407"


def test_two_servers_on_one_db_file_share_transactions(start_sandbox, make_driver, receiver):
    first, second = start_sandbox(), start_sandbox()
    on_first = make_driver(first, receiver.url("/notify"))
    on_second = make_driver(second, receiver.url("/notify"))

    created = on_first.create()
    page_on_second = dict(created, redirect_url=created["redirect_url"].replace(first.base_url, second.base_url))
    assert on_second.choose(page_on_second, "bca_va").status_code == 303

    assert on_first.core.transactions.status(created["order_id"])["transaction_status"] == "pending"
    assert on_second.stored(created["order_id"])["transaction_status"] == "pending"


def test_another_process_sees_the_same_transactions(db_path, driver):
    script = textwrap.dedent(f"""
        import sys
        from storefront.sandbox import SandboxServer
        server = SandboxServer(db_path={db_path!r}).start()
        print(server.base_url, flush=True)
        sys.stdin.read()  # serve until the test closes our stdin
        server.stop()
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO_ROOT
    )
    try:
        other_base_url = process.stdout.readline().strip()
        assert other_base_url.startswith("http://127.0.0.1:")
        created = driver.create()
        driver.choose(created, "gopay")

        seen = requests.get(
            f"{other_base_url}/v2/{created['order_id']}/status", auth=(SANDBOX_SERVER_KEY, ""), timeout=5
        )
        assert seen.status_code == 200
        assert seen.json()["transaction_status"] == "pending"

        port = int(other_base_url.rsplit(":", 1)[1])
        with pytest.raises(OSError) as caught:
            SandboxServer(port=port, db_path=db_path).start()
        assert caught.value.errno == errno.EADDRINUSE
    finally:
        process.stdin.close()
        process.wait(timeout=10)
        process.stdout.close()
    assert process.returncode == 0
