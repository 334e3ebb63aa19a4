"""Test helpers: data builders and a Shopper that posts forms the way the pages do."""

import hashlib
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager

import requests

from storefront.extensions import db
from storefront.models import Category, Order, Product
from storefront.sandbox import SANDBOX_SERVER_KEY


def make_product(name="Kopi Gayo 250 g", price=85000, stock=10, category=None, active=True, slug=None):
    product = Product(
        name=name,
        slug=slug or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        description=f"Deskripsi {name}",
        price_idr=price,
        stock=stock,
        category=category,
        active=active,
    )
    db.session.add(product)
    db.session.commit()
    return product


def make_category(name="Kopi & Teh", slug="kopi-teh"):
    category = Category(name=name, slug=slug)
    db.session.add(category)
    db.session.commit()
    return category


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(client):
    html = client.get("/").get_data(as_text=True)
    match = CSRF_PATTERN.search(html)
    return match.group(1) or match.group(2)


def checkout_fields(page):
    """The checkout form's hidden fields as the page rendered them: its key and the fingerprint of
    the summary shown (the order is placed only at those prices)."""
    fields = {}
    for name in ("checkout_key", "totals_fingerprint"):
        match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
        fields[name] = match.group(1) if match else ""
    return fields


class Shopper:
    """A browser session against the test client, carrying the CSRF token like the real pages do."""

    def __init__(self, client):
        self.client = client
        self._token = None

    @property
    def token(self):
        if self._token is None:
            self._token = csrf_token(self.client)
        return self._token

    def post(self, url, data=None, htmx=False, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        headers = kwargs.pop("headers", {})
        if htmx:
            headers = {"HX-Request": "true", **headers}
        return self.client.post(url, data=data, headers=headers, **kwargs)

    def add(self, product_id, quantity=1, htmx=False):
        return self.post("/cart/add", {"product_id": product_id, "quantity": quantity}, htmx=htmx)

    def checkout(self, **overrides):
        page = self.client.get("/checkout/").get_data(as_text=True)
        data = {**VALID_CUSTOMER, **checkout_fields(page)}
        data.update(overrides)
        return self.post("/checkout/", data)


VALID_CUSTOMER = {
    "name": "Siti Rahmawati",
    "email": "siti@example.co.id",
    "phone": "0812-3456-7890",
    "address": "Jl. Malioboro No. 12",
    "city": "Yogyakarta",
    "postal_code": "55213",
}


# ---------------------------------------------------------------------------------------------------
# Payments
# ---------------------------------------------------------------------------------------------------


STATUS_CODES = {"settlement": "200", "capture": "200", "pending": "201", "deny": "202", "cancel": "202", "expire": "202"}


def signed_notification(order_id, transaction_status, gross_amount, status_code=None, key=SANDBOX_SERVER_KEY, **extra):
    """A notification body as Midtrans sends it, signed with the given server key."""
    status_code = status_code or STATUS_CODES.get(transaction_status, "200")
    body = {
        "transaction_time": "2026-11-28 10:00:00",
        "transaction_status": transaction_status,
        "transaction_id": "9aed5972-5b6a-401e-894b-a32c91ed1a3a",
        "status_message": "midtrans payment notification",
        "status_code": status_code,
        "payment_type": "bank_transfer",
        "order_id": order_id,
        "merchant_id": "G000000000",
        "gross_amount": gross_amount,
        "currency": "IDR",
        "fraud_status": "accept",
        **extra,
    }
    body["signature_key"] = hashlib.sha512(f"{order_id}{status_code}{gross_amount}{key}".encode()).hexdigest()
    return body


def the_order():
    # End the test's own read transaction: on SQLite WAL it would keep seeing an old snapshot.
    db.session.rollback()
    return db.session.execute(db.select(Order)).scalar_one()


def force_sandbox_state(sandbox, midtrans_order_id, transaction_status, payment_type=None, notify=False):
    response = requests.post(
        f"{sandbox.base_url}/sandbox/transactions/{midtrans_order_id}/state",
        json={"transaction_status": transaction_status, "payment_type": payment_type, "notify": notify},
        timeout=5,
    )
    response.raise_for_status()
    return response.json()


def sandbox_transaction(sandbox, midtrans_order_id):
    response = requests.get(f"{sandbox.base_url}/sandbox/transactions/{midtrans_order_id}", timeout=5)
    return response.json() if response.status_code == 200 else None


def wait_until(predicate, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


class BrowserShopper:
    """A shopper over real HTTP (requests), so the sandbox and the shop talk through real sockets."""

    def __init__(self, shop_url):
        self.shop = shop_url
        self.http = requests.Session()
        page = self.http.get(shop_url + "/", timeout=10).text
        self.csrf = CSRF_PATTERN.search(page).group(1) or CSRF_PATTERN.search(page).group(2)

    def post(self, url, data, **kwargs):
        return self.http.post(url, data={"csrf_token": self.csrf, **data}, allow_redirects=False, timeout=15, **kwargs)

    def buy(self, product_id, quantity=1):
        """Add to cart and check out; returns the checkout response (303 to Snap when all is well)."""
        self.post(self.shop + "/cart/add", {"product_id": product_id, "quantity": quantity})
        page = self.http.get(self.shop + "/checkout/", timeout=10).text
        return self.post(self.shop + "/checkout/", {**VALID_CUSTOMER, **checkout_fields(page)})

    def pay_on_snap(self, redirect_url, method="bca_va", action="pay", card_number=None):
        """Choose a method on the sandbox page and act; returns the redirect back to the shop."""
        chosen = self.http.post(redirect_url + "/method", data={"method": method}, allow_redirects=False, timeout=10)
        assert chosen.status_code in (200, 302, 303), chosen.text[:300]
        if method == "credit_card":
            return self.http.post(redirect_url + "/credit-card", data={"card_number": card_number}, allow_redirects=False, timeout=10)
        return self.http.post(redirect_url + "/" + action, allow_redirects=False, timeout=10)


def point_gateway_at(app, base_url, server_key=SANDBOX_SERVER_KEY, read_timeout=3.0):
    """Swap the app's Midtrans gateway, e.g. to a dead port or a misbehaving double."""
    from storefront.payments.gateway import GatewayConfig, MidtransGateway

    app.extensions["midtrans_gateway"] = MidtransGateway(
        GatewayConfig(
            server_key=server_key,
            snap_base_url=base_url + "/snap/v1",
            api_base_url=base_url,
            connect_timeout=1.0,
            read_timeout=read_timeout,
        )
    )


def closed_port_url():
    return f"http://127.0.0.1:{free_port()}"


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn_shop(env, workers):
    """The shop under real gunicorn workers on 127.0.0.1 (migrated and seeded); yields its URL."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bin_dir = os.path.dirname(sys.executable)
    flask = [os.path.join(bin_dir, "flask"), "--app", "wsgi"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**env, "PUBLIC_URL": url}  # outside debug the shop will not start without its address
    subprocess.run(flask + ["db", "upgrade"], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed"], cwd=root, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [os.path.join(bin_dir, "gunicorn"), "wsgi:app", "-w", str(workers), "--timeout", "20", "-b", f"127.0.0.1:{port}"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _answers(url), timeout=20, interval=0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _answers(url):
    try:
        return requests.get(url + "/", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def poll(client, order, etag=None):
    """One htmx poll of the order's status fragment, as the order page sends it every 2 s."""
    headers = {"HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(f"/orders/{order.access_token}/status", headers=headers)


def forget_per_request_state(app):
    """The `app` fixture keeps one app context (one `g`) for the whole test, so the test client's
    requests share it. Forget what extensions cache on `g` per request, as a fresh context would: the
    locale and the CSRF token (for tests with several browsers or languages)."""
    import flask_babel
    from flask import g

    def forget():
        flask_babel.refresh()
        g.pop("csrf_token", None)

    app.before_request(forget)
