"""With REDIS_URL set, every gunicorn worker counts against the same limit (in-process storage would
let each worker grant the full limit). Runs when TEST_REDIS_URL points at a Redis server (CI sets it)."""

import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from storefront.sandbox import SANDBOX_SERVER_KEY
from tests.support.helpers import gunicorn_shop

REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture
def two_workers(tmp_path, sandbox):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        **os.environ,
        "SECRET_KEY": "w" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/shop.sqlite3",
        "MIDTRANS_SERVER_KEY": SANDBOX_SERVER_KEY,
        "MIDTRANS_SNAP_BASE_URL": sandbox.base_url + "/snap/v1",
        "MIDTRANS_API_BASE_URL": sandbox.base_url,
        "SESSION_COOKIE_SECURE": "false",
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_CART_PER_IP": "4/minute",  # 12 shoppers from one IP: the per-IP ceiling is shared
    }
    with gunicorn_shop(env, workers=2) as url:
        yield url


@pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL")  # CI always sets it
def test_the_limit_is_shared_by_all_workers(two_workers):
    shoppers = []
    for _ in range(12):
        http = requests.Session()
        page = http.get(two_workers + "/", timeout=5).text
        shoppers.append((http, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)))

    def add(shopper):
        http, token = shopper
        response = http.post(
            two_workers + "/cart/add",
            data={"csrf_token": token, "product_id": 1, "quantity": 1},
            headers={"Connection": "close"},
            allow_redirects=False,
            timeout=10,
        )
        return response.status_code

    # Sent at once, so both workers are busy and each answers some of them.
    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(add, shoppers))
    assert codes.count(303) == 4 and codes.count(429) == 8
