"""A second reference point: the least a status poll's 304 can cost in Flask, with nothing of the shop.

Bare Flask, one sqlite3 connection per worker opened once, and the question the shop's poll asks of the
database (the order and its current attempt by access token), answered 304 when the ETag matches. No
session, CSRF, translations, rate limiter, security headers, ORM or connection pool. bench/run.py
measures it beside the hello app: its ratio to hello is the ceiling for the shop's `poll_304` ratio on
the machine of that run. Served with the same gunicorn command line as the other apps.
"""

import os
import sqlite3
from datetime import datetime, timezone

from flask import Flask, abort, request

app = Flask(__name__)
_connection = None

QUERY = (
    "SELECT orders.id, orders.status_version, payment_attempts.expires_at FROM orders "
    "LEFT OUTER JOIN payment_attempts ON payment_attempts.order_id = orders.id "
    "AND payment_attempts.number = orders.attempt_count WHERE orders.access_token = ?"
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
