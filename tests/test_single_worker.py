"""The built-in sandbox never deadlocks the shop, even under ONE sync gunicorn worker: it serves on its
own port from a thread, so the worker's synchronous call to Snap, and the sandbox's notification back
to the worker, both get through."""

import os
import re
import time

import pytest
import requests
from helpers import VALID_CUSTOMER, checkout_fields, free_port, gunicorn_shop

@pytest.fixture
def one_worker_shop(tmp_path):
    sandbox_port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/shop.sqlite3",
        "MIDTRANS_SERVER_KEY": "",  # -> the built-in sandbox
        "MIDTRANS_SANDBOX_PORT": str(sandbox_port),
        "SESSION_COOKIE_SECURE": "false",
    }
    with gunicorn_shop(env, workers=1) as url:
        yield url, f"http://127.0.0.1:{sandbox_port}"


def test_purchase_completes_under_a_single_sync_worker(one_worker_shop):
    shop, sandbox = one_worker_shop
    http = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', http.get(shop + "/", timeout=5).text).group(1)
    http.post(shop + "/cart/add", data={"csrf_token": token, "product_id": 1, "quantity": 1}, timeout=5)
    page = http.get(shop + "/checkout/", timeout=5).text
    checkout = http.post(shop + "/checkout/", data={"csrf_token": token, **checkout_fields(page), **VALID_CUSTOMER},
                         allow_redirects=False, timeout=15)
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
