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


def make_product(name="Kopi Gayo 250 g", price=85000, stock=10, category=None, active=True, slug=None, weight_g=300):
    product = Product(
        weight_g=weight_g,
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


def make_variants(product, rows, option="Ukuran"):
    """Give `product` an option and one variant per (value, price or None, stock) row; its implicit variant
    goes off sale, as when the back office generates the combinations."""
    from storefront.products import add_variants

    variants = add_variants(product, option, [(value, price, stock, None) for value, price, stock in rows])
    db.session.add_all(variants)
    db.session.commit()
    return variants


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
        """As an add form rendered before variants did: the product, meaning its only variant."""
        return self.post("/cart/add", {"product_id": product_id, "quantity": quantity}, htmx=htmx)

    def add_variant(self, variant_id, quantity=1, htmx=False):
        return self.post("/cart/add", {"variant_id": variant_id, "quantity": quantity}, htmx=htmx)

    def checkout(self, **overrides):
        page = self.client.get("/checkout/").get_data(as_text=True)
        data = {**VALID_CUSTOMER, **checkout_fields(page)}
        data.update(overrides)
        if "totals_fingerprint" not in overrides:
            data["totals_fingerprint"] = self.shown_fingerprint(data)
        return self.post("/checkout/", data)

    def shown_fingerprint(self, data):
        """The summary's fingerprint once the address and service in `data` are picked, from the htmx
        update the page makes on each choice (it carries the chosen service's price)."""
        fragment = self.client.get(
            "/checkout/shipping", query_string={k: data.get(k, "") for k in SHIPPING_FIELDS}, headers=SHIPPING_FRAGMENT
        )
        return checkout_fields(fragment.get_data(as_text=True))["totals_fingerprint"]


VALID_CUSTOMER = {
    "name": "Siti Rahmawati",
    "email": "siti@example.co.id",
    "phone": "0812-3456-7890",
    "province": "34",  # DI Yogyakarta
    "city": "34.71",  # Kota Yogyakarta
    "district": "34.71.10",  # Gondomanan
    "postal_code": "55213",
    "address": "Jl. Malioboro No. 12",
    "shipping_service": "jne-reg",
}


def gondomanan():
    """The Place of VALID_CUSTOMER's address, for tests that call place_order directly."""
    from storefront.regions import Place

    return Place("34", "Daerah Istimewa Yogyakarta", "34.71", "Kota Yogyakarta", "34.71.10", "Gondomanan")


def gondomanan_offer():
    """What the checkout looks up for VALID_CUSTOMER's address with the merchant's table as the provider."""
    from storefront.shipping_rates.quotes import ShippingOffer

    return ShippingOffer(gondomanan(), "55213")


DIRECT_CUSTOMER = {
    "customer_name": "Siti",
    "email": "s@example.com",
    "phone": "+6281234567890",
    "address": "Jl. A",
    "postal_code": "55213",
}


SHIPPING_FIELDS = ("province", "city", "district", "postal_code", "shipping_service")
SHIPPING_FRAGMENT = {"HX-Request": "true", "HX-Target": "checkout-shipping"}


def http_checkout_form(http, shop):
    """The checkout form a browser (a requests session with a cart) submits: its hidden fields, and the
    fingerprint the page holds once VALID_CUSTOMER's address and service are picked (the htmx update)."""
    page = http.get(shop + "/checkout/", timeout=10).text
    fragment = http.get(
        shop + "/checkout/shipping",
        params={k: VALID_CUSTOMER[k] for k in SHIPPING_FIELDS},
        headers=SHIPPING_FRAGMENT,
        timeout=10,
    ).text
    shown = checkout_fields(fragment)["totals_fingerprint"]
    return {**VALID_CUSTOMER, **checkout_fields(page), "totals_fingerprint": shown}


# The regions every test database holds: all 38 provinces, the cities of DI Yogyakarta and Jawa Barat,
# and the districts of Kota Yogyakarta and Kota Depok (the whole list is loaded by `flask seed regions`).
TEST_PROVINCES = ("34", "32")
TEST_CITIES = ("34.71", "32.76")
_test_region_rows = []


def test_region_rows():
    from storefront.regions import official_regions

    if not _test_region_rows:
        _test_region_rows.extend(
            row
            for row in official_regions(within=TEST_CITIES)
            if row["level"] == 1 or str(row["code"])[:2] in TEST_PROVINCES
        )
    return _test_region_rows


def seed_shipping():
    """Regions and the test rate table, committed: JNE REG Rp20.000/kg and SiCepat REG Rp18.000/kg to
    DI Yogyakarta; to Jawa Barat JNE REG Rp25.000/kg, but Rp22.000/kg to Kota Depok (a city price);
    the inactive Pos Kilat everywhere in DI Yogyakarta; free shipping from Rp500.000 except for SiCepat."""
    from sqlalchemy import insert

    from storefront.regions import Region
    from storefront.shipping_rates.models import ShippingRate, ShippingService, ShippingSettings

    if db.session.execute(db.select(Region.code).limit(1)).first() is not None:
        return  # a second app on the same database (make_app) finds it seeded
    db.session.execute(insert(Region), test_region_rows())
    jne = ShippingService(code="jne-reg", courier="JNE", service="REG", etd_min_days=2, etd_max_days=3, position=0)
    sicepat = ShippingService(
        code="sicepat-reg",
        courier="SiCepat",
        service="REG",
        etd_min_days=1,
        etd_max_days=2,
        position=1,
        free_shipping=False,
    )
    pos = ShippingService(
        code="pos-kilat",
        courier="Pos Indonesia",
        service="Kilat",
        etd_min_days=3,
        etd_max_days=5,
        position=2,
        active=False,
    )
    db.session.add_all([jne, sicepat, pos])
    db.session.flush()
    db.session.add_all(
        [
            ShippingRate(service_id=jne.id, region_code="34", price_per_kg_idr=20000),
            ShippingRate(service_id=sicepat.id, region_code="34", price_per_kg_idr=18000),
            ShippingRate(service_id=pos.id, region_code="34", price_per_kg_idr=10000),
            ShippingRate(service_id=jne.id, region_code="32", price_per_kg_idr=25000),
            ShippingRate(service_id=jne.id, region_code="32.76", price_per_kg_idr=22000),
            ShippingSettings(
                origin_city_code="34.71", origin_postal_code="55213", tolerance_g=300, free_shipping_min_idr=500000
            ),
        ]
    )
    db.session.commit()


# ---------------------------------------------------------------------------------------------------
# Payments
# ---------------------------------------------------------------------------------------------------


STATUS_CODES = {
    "settlement": "200",
    "capture": "200",
    "pending": "201",
    "deny": "202",
    "cancel": "202",
    "expire": "202",
}


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
    """Poll for something asynchronous (a notification, a sweep, a server) instead of sleeping a fixed time;
    returns the predicate's first truthy value."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


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
        return self.post(self.shop + "/checkout/", http_checkout_form(self.http, self.shop))

    def pay_on_snap(self, redirect_url, method="bca_va", action="pay", card_number=None):
        """Choose a method on the sandbox page and act; returns the redirect back to the shop."""
        chosen = self.http.post(redirect_url + "/method", data={"method": method}, allow_redirects=False, timeout=10)
        assert chosen.status_code in (200, 302, 303), chosen.text[:300]
        if method == "credit_card":
            return self.http.post(
                redirect_url + "/credit-card", data={"card_number": card_number}, allow_redirects=False, timeout=10
            )
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
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    bin_dir = os.path.dirname(sys.executable)
    flask = [os.path.join(bin_dir, "flask"), "--app", "wsgi"]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**env, "PUBLIC_URL": url}  # outside debug the shop will not start without its address
    subprocess.run(flask + ["db", "upgrade"], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed"], cwd=root, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [
            os.path.join(bin_dir, "gunicorn"),
            "wsgi:app",
            "-w",
            str(workers),
            "--timeout",
            "20",
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _answers(url), timeout=20, interval=0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def sandbox_process(env):
    """`flask sandbox run` as its own process, as `make run` starts it; yields its URL once it answers."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    flask = [os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "wsgi"]
    env = {"PUBLIC_URL": "http://127.0.0.1", **env}  # the shop's settings must pass its start-up checks
    process = subprocess.Popen(
        flask + ["sandbox", "run"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{env['MIDTRANS_SANDBOX_PORT']}"
    try:
        wait_until(lambda: process.poll() is not None or _answers(url), timeout=20, interval=0.1)
        assert process.poll() is None, f"flask sandbox run exited with {process.returncode}"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


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
