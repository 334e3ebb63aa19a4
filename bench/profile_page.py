#!/usr/bin/env python3
"""Where one endpoint's time goes, in-process: the WSGI app called in a loop (no server, no sockets).

    .venv/bin/python bench/profile_page.py catalog              # CPU µs per request, best of 5
    .venv/bin/python bench/profile_page.py catalog --profile 30 # plus cProfile's top 30 (cumulative)
    .venv/bin/python bench/profile_page.py product --database postgresql://postgres@127.0.0.1:5432/bench

A fresh temporary SQLite database (or the given PostgreSQL one, whose public schema is DROPPED) is
migrated and seeded as bench/run.py does (500 products × 4 variants, 10,000 orders). The figures are
per-request CPU time of this process: steadier than requests per second on a shared machine, and they
leave out gunicorn and the network, so they are the part of a request the shop's code can change.
"""

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import CSRF_PATTERN, migrate_and_seed, prepare_postgres, shop_environment  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from storefront.sandbox import SANDBOX_SERVER_KEY, SandboxServer  # noqa: E402
from tests.support.helpers import signed_notification  # noqa: E402

ENDPOINTS = ("poll_200", "poll_304", "catalog", "product", "cart_add", "notification")


def environ_factory(app, name, fixtures):
    """A function returning a fresh WSGI environ for the endpoint, as bench/run.py's wrk sends it."""
    client = app.test_client()
    page = client.get("/", base_url="http://127.0.0.1")  # the host of PUBLIC_URL (the shop checks it)
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    csrf = match.group(1) or match.group(2)
    browser = {"Cookie": cookie}
    status_path = f"/orders/{fixtures.awaiting_token}/status"
    kwargs = {
        "catalog": {"path": "/", "headers": browser},
        "product": {"path": f"/products/{fixtures.product_slug}", "headers": browser},
        "poll_200": {"path": status_path, "headers": {**browser, "HX-Request": "true"}},
        "cart_add": {
            "path": "/cart/add",
            "method": "POST",
            "headers": {**browser, "HX-Request": "true", "X-CSRFToken": csrf},
            "data": {"variant_id": fixtures.variant_id, "quantity": 1, "layout": "grid"},
        },
        "notification": {
            "path": "/payments/notification",
            "method": "POST",
            "headers": {"User-Agent": "Veritrans"},
            "json": signed_notification(fixtures.paid_midtrans_order_id, "settlement", fixtures.paid_gross_amount),
        },
    }
    if name == "poll_304":
        etag = client.get(status_path, base_url="http://127.0.0.1", headers=kwargs["poll_200"]["headers"]).headers[
            "ETag"
        ]
        kwargs["poll_304"] = {"path": status_path, "headers": {**browser, "HX-Request": "true", "If-None-Match": etag}}
    spec = kwargs[name]

    def build():
        builder = EnvironBuilder(base_url="http://127.0.0.1", **spec)
        try:
            return builder.get_environ()
        finally:
            builder.close()

    return build


def call(app, environ):
    status = []
    body = app.wsgi_app(environ, lambda s, h, exc_info=None: status.append(s))
    try:
        for _chunk in body:
            pass
    finally:
        if hasattr(body, "close"):
            body.close()
    return status[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoint", choices=ENDPOINTS)
    parser.add_argument("--requests", type=int, default=300, help="requests per timing (default 300)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's top N functions")
    parser.add_argument("--database", default="", help="a PostgreSQL URL (its public schema is dropped)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="storefront-profile-"))
    sandbox = SandboxServer(host="127.0.0.1", port=0, server_key=SANDBOX_SERVER_KEY, db_path=str(tmp / "sb.sqlite3"))
    sandbox.start()
    try:
        database_url = args.database or f"sqlite:///{tmp / 'bench.sqlite3'}"
        env = shop_environment(database_url, sandbox.base_url)
        if args.database:
            prepare_postgres(args.database)
        fixtures = migrate_and_seed(env, database_url, sandbox)
        os.environ.update(env)
        from storefront import create_app

        app = create_app()
        build = environ_factory(app, args.endpoint, fixtures)
        environs = [build() for _ in range(args.requests * 6)]
        print(f"{args.endpoint}: first answer {call(app, environs.pop())}")
        for _ in range(50):  # warm caches (compiled templates, statement caches, pool)
            call(app, environs.pop())
        timings = []
        for _ in range(5):
            batch = [environs.pop() for _ in range(args.requests)]
            started = time.process_time()
            for environ in batch:
                call(app, environ)
            timings.append((time.process_time() - started) / args.requests * 1e6)
        print(
            f"CPU per request, best of 5 × {args.requests}: {min(timings):,.0f} µs (all: "
            + ", ".join(f"{t:,.0f}" for t in timings)
            + ")"
        )
        if args.profile:
            profiler = cProfile.Profile()
            batch = [environs.pop() for _ in range(min(len(environs), args.requests))]
            profiler.enable()
            for environ in batch:
                call(app, environ)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
            print(out.getvalue())
    finally:
        sandbox.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
