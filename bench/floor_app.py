"""Reference points: the least a status poll's 304, and a remembered product page, can cost in Flask.

Bare Flask, one sqlite3 connection per worker opened once, and the question the shop's poll asks of the
database (the order and its current attempt by access token), answered 304 when the ETag matches. No
session, CSRF, translations, rate limiter, security headers, ORM or connection pool. bench/run.py
measures it beside the hello app: its ratio to hello is the ceiling for the shop's `poll_304` ratio on
the machine of that run. Served with the same gunicorn command line as the other apps.

`GET /products/<slug>?bytes=N` is the page floor: what any conditional, per-shopper page must do in Flask
even when its drawing is remembered. It reads the signed cookie session (Flask's own, with the shop's
SECRET_KEY, so the shop's cookie works here), signs the shopper's CSRF token for the page's forms
(Flask-WTF), runs one sqlite3 query (the product's variants: price and stock), digests those with the token
into an ETag, and answers a page of N bytes with the token put in. No ORM, pool, translations, rate
limiter, security headers or templates. Its ratio to hello is the most the shop's `product` ratio could
reach on the machine of that run.

`POST /cart/add` is the cart add's floor: the cookie session read, the CSRF token in X-CSRFToken checked
(Flask-WTF's validate_csrf), one sqlite3 query (the variant on sale), the cart put in the session (the cookie
signed again) and a small fragment; no rate limit, form library, ORM or templates. `POST
/payments/notification` is the duplicate notification's: the JSON body parsed, Midtrans's SHA-512 signature
checked, the attempt read and one event-log row written, each statement its own transaction; no rate limit
or ORM. Their ratios are the most the shop's `cart_add` and `notification` ratios could reach.
"""

import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone

from flask import Flask, abort, request, session
from flask_wtf.csrf import generate_csrf, validate_csrf

app = Flask(__name__)
app.secret_key = os.environ.get("SECRET_KEY")
_connection = None
_pages = {}
CSRF_PLACEHOLDER = "<csrf-token>"

QUERY = (
    "SELECT orders.id, orders.status_version, payment_attempts.expires_at FROM orders "
    "LEFT OUTER JOIN payment_attempts ON payment_attempts.order_id = orders.id "
    "AND payment_attempts.number = orders.attempt_count WHERE orders.access_token = ?"
)


PRODUCT_QUERY = (
    "SELECT products.id, product_variants.id, product_variants.price_idr, product_variants.stock "
    "FROM products JOIN product_variants ON product_variants.product_id = products.id "
    "WHERE products.slug = ? AND products.active = 1 ORDER BY product_variants.position"
)


def connection():
    global _connection
    if _connection is None:  # one per worker, after gunicorn forks
        path = os.environ["DATABASE_URL"].removeprefix("sqlite:///")
        _connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    return _connection


@app.get("/")
def ready():
    return "floor"


@app.get("/orders/<token>/status")
def status(token):
    row = connection().execute(QUERY, (token,)).fetchone()
    if row is None:
        abort(404)
    order_id, version, expires_at = row
    passed = expires_at is not None and expires_at <= datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    etag = f"{order_id}-{version}-{int(passed)}"
    if request.if_none_match.contains(etag):
        response = app.response_class(status=304)
    else:
        response = app.response_class(f"order {order_id} version {version}")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache, private"
    return response


@app.get("/products/<slug>")
def product_page(slug):
    rows = connection().execute(PRODUCT_QUERY, (slug,)).fetchall()
    if not rows:
        abort(404)
    size = request.args.get("bytes", 16000, type=int)
    if size not in _pages:  # "drawn" once per size, as the shop remembers its drawings
        _pages[size] = f'<!doctype html><form><input name="csrf_token" value="{CSRF_PLACEHOLDER}"></form>'.ljust(size)
    token = generate_csrf()
    etag = hashlib.blake2b(repr((rows, token)).encode(), digest_size=16).hexdigest()
    response = app.response_class(_pages[size].replace(CSRF_PLACEHOLDER, token))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


VARIANT_QUERY = "SELECT id, product_id, stock FROM product_variants WHERE id = ? AND active = 1"
ATTEMPT_QUERY = "SELECT id, transaction_status FROM payment_attempts WHERE midtrans_order_id = ?"
EVENT_INSERT = (
    "INSERT INTO payment_events (attempt_id, source, received_at, transaction_status, status_code, "
    "signature_valid, payload, applied, outcome) VALUES (?, 'notification', ?, ?, ?, 1, ?, 0, 'no change')"
)


@app.post("/cart/add")
def cart_add():
    validate_csrf(request.headers.get("X-CSRFToken"))
    variant_id = request.form.get("variant_id", type=int)
    row = connection().execute(VARIANT_QUERY, (variant_id,)).fetchone()
    if row is None:
        abort(400)
    cart = dict(session.get("cart", {}))
    cart[str(variant_id)] = min(cart.get(str(variant_id), 0) + request.form.get("quantity", 1, type=int), row[2])
    session["cart"] = cart
    return f'<div id="add-result">{sum(cart.values())}</div>'


@app.post("/payments/notification")
def notification():
    body = request.get_json()
    key = os.environ["MIDTRANS_SERVER_KEY"]
    expected = hashlib.sha512(
        f"{body['order_id']}{body['status_code']}{body['gross_amount']}{key}".encode()
    ).hexdigest()
    if body.get("signature_key") != expected:
        abort(401)
    # Each statement its own transaction (autocommit): the write lock is held only for the INSERT.
    attempt = connection().execute(ATTEMPT_QUERY, (body["order_id"],)).fetchone()
    if attempt is None:
        abort(404)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    values = (attempt[0], now, body["transaction_status"], body["status_code"], json.dumps(body))
    connection().execute(EVENT_INSERT, values)
    return "OK (no change)"
