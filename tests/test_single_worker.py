"""The set-up `make run` starts -- the shop and `flask sandbox run` as two processes -- completes a
purchase even under ONE sync gunicorn worker: the worker's synchronous call to Snap and the sandbox's
notification back to the worker both get through."""

import os
import re
import time

import pytest
import requests

from tests.support.helpers import free_port, gunicorn_shop, http_checkout_form, sandbox_process


@pytest.fixture
def one_worker_shop(tmp_path):
    sandbox_port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/shop.sqlite3",
        "MIDTRANS_SERVER_KEY": "",  # -> the built-in sandbox
        "MIDTRANS_SANDBOX_PORT": str(sandbox_port),
        "MIDTRANS_SANDBOX_DB": str(tmp_path / "sandbox.sqlite3"),
        "SESSION_COOKIE_SECURE": "false",
    }
    with sandbox_process(env) as sandbox_url, gunicorn_shop(env, workers=1) as url:
        yield url, sandbox_url


def test_purchase_completes_under_a_single_sync_worker(one_worker_shop):
    shop, sandbox = one_worker_shop
    http = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', http.get(shop + "/", timeout=5).text).group(1)
    http.post(shop + "/cart/add", data={"csrf_token": token, "product_id": 1, "quantity": 1}, timeout=5)
    checkout = http.post(
        shop + "/checkout/",
        data={"csrf_token": token, **http_checkout_form(http, shop)},
        allow_redirects=False,
        timeout=15,
    )
    assert checkout.status_code == 303 and checkout.headers["Location"].startswith(sandbox + "/snap/")

    snap = checkout.headers["Location"]
    http.post(snap + "/method", data={"method": "bca_va"}, timeout=10)
    back = http.post(snap + "/pay", allow_redirects=False, timeout=10)
    order_page = http.get(back.headers["Location"], allow_redirects=False, timeout=5).headers["Location"]
    status_url = shop + order_page.split("?")[0] + "/status"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if 'data-order-status="paid"' in http.get(status_url, timeout=5).text:
            return
        time.sleep(0.1)
    pytest.fail("the order never turned paid: the notification did not get through the single worker")
