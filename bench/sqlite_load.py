"""Bounded load run: SQLite under 4 gunicorn workers, checkouts and status polling at the same time.

    .venv/bin/python bench/sqlite_load.py [--seconds 30] [--writers 4] [--workers 4]

Starts the shop (built-in Midtrans sandbox, a fresh SQLite file in a temp dir) under gunicorn on
127.0.0.1, then for N seconds runs WRITERS threads that each repeat a whole checkout (new session, add
to cart, checkout form, place order -> 303 to Snap) while a second process polls the status fragment
of a few orders. Prints the figures and exits non-zero if any response was a 5xx or the server log
mentions "database is locked". Loopback only; stops by itself.
"""

import argparse
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)
CUSTOMER = {
    "name": "Beban Uji",
    "email": "load@example.co.id",
    "phone": "081234567890",
    "address": "Jl. Beban No. 1",
    "province": "32",  # Jawa Barat: priced by `flask seed`'s demo rates
    "city": "32.73",  # Kota Bandung
    "district": "32.73.01",
    "postal_code": "40111",
    "shipping_service": "jne-reg",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shop_env(workdir):
    return {
        **os.environ,
        "SECRET_KEY": "bench-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{workdir}/shop.sqlite3",
        "MIDTRANS_SERVER_KEY": "",
        "MIDTRANS_SANDBOX_PORT": str(free_port()),
        "MIDTRANS_SANDBOX_DB": os.path.join(workdir, "sandbox.sqlite3"),
        "SESSION_COOKIE_SECURE": "false",
        "PUBLIC_URL": "http://127.0.0.1",  # required outside debug; the Host check ignores the port
        # The run measures locking, not the per-IP limits (all traffic comes from 127.0.0.1).
        "RATELIMIT_CART": "1000000/minute",
        "RATELIMIT_CHECKOUT": "1000000/minute",
        "RATELIMIT_CART_PER_IP": "1000000/minute",
        "RATELIMIT_CHECKOUT_PER_IP": "1000000/minute",
        "PAYMENT_EXPIRY_MINUTES": "60",
    }


def prepare(env):
    flask = [os.path.join(VENV_BIN, "flask"), "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed"], cwd=ROOT, env=env, check=True, capture_output=True)
    # Plenty of stock: this run is about locks, not about selling out.
    import sqlite3

    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE product_variants SET stock = 1000000 WHERE active = 1")


def start_gunicorn(env, port, workers, log_path):
    log = open(log_path, "w")
    process = subprocess.Popen(
        [
            os.path.join(VENV_BIN, "gunicorn"),
            "wsgi:app",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(url + "/", timeout=1).status_code == 200:
                return process, url
        except requests.RequestException:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not start; see " + log_path)


def one_checkout(url, product_ids, codes):
    http = requests.Session()
    page = http.get(url + "/", timeout=15).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    for product_id in product_ids:
        r = http.post(
            url + "/cart/add",
            data={"csrf_token": token, "product_id": product_id, "quantity": 1},
            allow_redirects=False,
            timeout=15,
        )
        codes[r.status_code] += 1
    form = http.get(url + "/checkout/", timeout=15)
    codes[form.status_code] += 1
    key = re.search(r'name="checkout_key" type="hidden" value="([^"]*)"', form.text).group(1)
    seen = re.search(r'name="totals_fingerprint" type="hidden" value="([^"]*)"', form.text).group(1)
    started = time.perf_counter()
    r = http.post(
        url + "/checkout/",
        data={"csrf_token": token, "checkout_key": key, "totals_fingerprint": seen, **CUSTOMER},
        allow_redirects=False,
        timeout=30,
    )
    codes[r.status_code] += 1
    return time.perf_counter() - started, r


def writer(url, product_ids, deadline, results, codes, lock):
    local = Counter()
    timings = []
    while time.monotonic() < deadline:
        try:
            elapsed, _response = one_checkout(url, product_ids, local)
            timings.append(elapsed)
        except requests.RequestException as exc:
            local[type(exc).__name__] += 1
    with lock:
        results.extend(timings)
        codes.update(local)


def poller(url, tokens, deadline, queue, rate=50):
    """Runs in a separate process: polls the status fragments at about `rate` requests per second."""
    http = requests.Session()
    codes = Counter()
    latencies = []
    etags = {}
    interval = 1.0 / rate
    i = 0
    while time.monotonic() < deadline:
        token = tokens[i % len(tokens)]
        i += 1
        headers = {"HX-Request": "true"}
        if token in etags:
            headers["If-None-Match"] = etags[token]
        started = time.perf_counter()
        try:
            r = http.get(f"{url}/orders/{token}/status", headers=headers, timeout=10)
            codes[r.status_code] += 1
            if "ETag" in r.headers:
                etags[token] = r.headers["ETag"]
        except requests.RequestException as exc:
            codes[type(exc).__name__] += 1
        latencies.append(time.perf_counter() - started)
        time.sleep(max(0.0, interval - (time.perf_counter() - started)))
    queue.put((dict(codes), latencies))


def order_tokens(env, count=5):
    import sqlite3

    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT access_token FROM orders ORDER BY id DESC LIMIT ?", (count,)).fetchall()
    return [row[0] for row in rows]


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="storefront-load-") as workdir:
        env = shop_env(workdir)
        prepare(env)
        log_path = os.path.join(workdir, "gunicorn.log")
        # The built-in sandbox is its own process, as under `make run`.
        sandbox = subprocess.Popen(
            [os.path.join(VENV_BIN, "flask"), "--app", "wsgi", "sandbox", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        process, url = start_gunicorn(env, free_port(), args.workers, log_path)
        try:
            # A few orders to poll, placed before the clock starts.
            codes, timings, lock = Counter(), [], threading.Lock()
            for _ in range(3):
                one_checkout(url, [1, 2], codes)
            tokens = order_tokens(env)

            deadline = time.monotonic() + args.seconds
            queue = multiprocessing.Queue()
            poll_process = multiprocessing.Process(target=poller, args=(url, tokens, deadline, queue))
            poll_process.start()
            threads = [
                threading.Thread(target=writer, args=(url, [1 + i % 5, 6 + i % 5], deadline, timings, codes, lock))
                for i in range(args.writers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            poll_codes, poll_latencies = queue.get(timeout=args.seconds + 30)
            poll_process.join()
        finally:
            process.terminate()
            process.wait(timeout=30)
            sandbox.terminate()
            sandbox.wait(timeout=30)
        with open(log_path) as f:
            server_log = f.read()

    locked = server_log.count("database is locked")
    server_errors = sum(n for code, n in codes.items() if isinstance(code, int) and code >= 500)
    server_errors += sum(n for code, n in poll_codes.items() if isinstance(code, int) and code >= 500)
    checkouts = len(timings)
    print(
        f"SQLite load run: {args.workers} gunicorn workers, {args.writers} checkout threads, "
        f"status polling from a second process, {args.seconds:.0f} s, Python {sys.version.split()[0]}"
    )
    print(f"  checkouts placed        {checkouts} ({checkouts / args.seconds:.1f}/s)")
    print(
        f"  checkout POST latency   p50 {statistics.median(timings) * 1000:.0f} ms, "
        f"p99 {percentile(timings, 0.99) * 1000:.0f} ms"
    )
    print(f"  writer responses        {dict(sorted(codes.items(), key=str))}")
    print(
        f"  polls                   {sum(poll_codes.values())} ({sum(poll_codes.values()) / args.seconds:.0f}/s), "
        f"p50 {percentile(poll_latencies, 0.5) * 1000:.1f} ms, p99 {percentile(poll_latencies, 0.99) * 1000:.1f} ms"
    )
    print(f"  poll responses          {poll_codes}")
    print(f"  5xx responses           {server_errors}")
    print(f"  'database is locked'    {locked}")
    failed = server_errors or locked or any(not isinstance(code, int) for code in codes)
    print("RESULT", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
