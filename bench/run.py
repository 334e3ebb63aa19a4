#!/usr/bin/env python3
"""Load-test the shop's hot endpoints against a bare Flask "hello" app, in one bounded run.

    .venv/bin/python bench/run.py                        # 3 interleaved rounds x 4 s per endpoint (~2 min)
    .venv/bin/python bench/run.py --postgres postgresql://postgres@127.0.0.1:5432/bench   # + a PostgreSQL column (~4 min)
    .venv/bin/python bench/run.py --rounds 3 --duration 3 --only poll_304,catalog
    .venv/bin/python bench/run.py --compare /tmp/before  # also measure another checkout, same run (SQLite)

What it does, all on 127.0.0.1, bounded in time, and cleaned up at the end (also on Ctrl-C / SIGTERM):

1. A temporary directory with a fresh SQLite database: `flask --app wsgi db upgrade`, then 500 products
   of 4 variants each and 10,000 orders bulk-inserted (bench/seed.py). With --postgres URL, the same in
   that PostgreSQL database, after dropping everything in its `public` schema (give it a database of its own).
2. The built-in Midtrans sandbox on a free port in this process (its own temporary state), and the
   shop pointed at it with the sandbox server key: no sandbox thread inside a worker, nothing shared
   with a developer's `instance/`, and any unexpected status call would still get an answer.
3. The shop (`wsgi:app`), the baseline (`bench/hello_app.py`) and the floor (`bench/floor_app.py`: the
   poll's 304 in bare Flask with one sqlite3 query, the ceiling for the shop's) under the SAME gunicorn command line
   (and, with --postgres, a second shop on PostgreSQL; with --compare DIR, the shop of another checkout too, on
   the same SQLite database).
4. wrk against each endpoint: a short warm-up, then ROUNDS rounds in which every endpoint (the baseline
   included) gets DURATION seconds, in an order that rotates from round to round.
5. Per endpoint: median requests/s, p50/p99 latency, the ratio to the baseline (median of the per-round
   ratios, each against the baseline measured in the same round), the CPU the gunicorn workers spent
   per request (read from /proc: unlike requests/s it barely moves when other programs share the
   cores), the targets, and the peak RSS (VmHWM) of every gunicorn worker. Then one summary table:
   per endpoint, the ratio to hello and to the floor on SQLite and on PostgreSQL, p99 and the target.

Only ratios measured in the same run mean anything: absolute figures move a lot on a shared machine.
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from seed import seed  # noqa: E402

from storefront.sandbox import SANDBOX_SERVER_KEY, SandboxServer  # noqa: E402
from tests.support.helpers import signed_notification  # noqa: E402  (tests/helpers.py: the body exactly as Midtrans signs it)

VENV_BIN = Path(sys.executable).parent
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

ENDPOINTS = ("poll_200", "poll_304", "catalog", "product", "cart_add", "notification")
# Issue #20's targets, on SQLite: ratios to bare Flask "hello" (same run) ...
TARGET_RATIOS = {"catalog": 0.30, "product": 0.40, "cart_add": 0.30, "notification": 0.35}
# ... the poll's as a share of the floor app's ratio (what bare Flask with the poll's query reaches here) ...
TARGET_FLOOR_SHARES = {"poll_304": 0.85, "poll_200": 0.60}
# ... and every endpoint's p99 at the default 8 connections.
TARGET_P99_MS = 25.0


@dataclass
class Endpoint:
    name: str  # e.g. "poll_304", or "before:poll_304" for the --compare checkout
    label: str
    server: "Server"
    path: str
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    body: str = ""
    expect: int = 200


@dataclass
class Sample:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_us_per_request: float
    loadavg: float


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen

    def workers(self):
        return worker_pids(self.proc.pid)


# ---------------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------------


class Processes:
    """Every process this script starts, each in its own process group, stopped in reverse order."""

    def __init__(self):
        self.started = []

    def start(self, argv, log_path, **kwargs):
        log = open(log_path, "wb")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
        self.started.append((proc, log))
        return proc

    def stop_all(self):
        for proc, log in reversed(self.started):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)  # gunicorn: graceful stop of master + workers
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait(timeout=5)
            log.close()
        self.started.clear()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_argv(app_module, port, workers):
    # One command line for every app: the comparison is only fair if the server is the same.
    return [
        str(VENV_BIN / "gunicorn"),
        app_module,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "30",
        "--log-level",
        "warning",
    ]


def start_server(processes, name, app_module, cwd, env, tmp, workers):
    port = free_port()
    proc = processes.start(gunicorn_argv(app_module, port, workers), tmp / f"{name}.log", cwd=cwd, env=env)
    server = Server(name, port, proc)
    wait_until_serving(server)
    return server


def wait_until_serving(server, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode} (see {server.name}.log)")
        try:
            status, _headers, _body = request(server.port, "GET", "/")
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s")


def worker_pids(master_pid):
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == master_pid:
            pids.append(int(entry))
    return sorted(pids)


def cpu_seconds(pids):
    """User + system CPU time of the given processes so far."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError, ValueError):
            pass
    return total / CLOCK_TICKS


def peak_rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# ---------------------------------------------------------------------------------------------------
# HTTP and wrk
# ---------------------------------------------------------------------------------------------------


def request(port, method, path, headers=None, body=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it from Debian (apt-get install -y wrk) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        if shutil.which("wrk"):
            return shutil.which("wrk")
    sys.exit("wrk is needed: `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`.")


def lua_string(text):
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def wrk_script(endpoint, directory):
    """Method, headers and body for wrk, and a done() that prints one machine-readable line."""
    lines = [f"wrk.method = {lua_string(endpoint.method)}"]
    if endpoint.body:
        lines.append(f"wrk.body = {lua_string(endpoint.body)}")
    for name, value in endpoint.headers.items():
        lines.append(f"wrk.headers[ {lua_string(name)} ] = {lua_string(value)}")
    lines.append(
        """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %d, \\"duration_us\\": %d, \\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, "
    .. "\\"status\\": %d, \\"timeout\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d}\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""
    )
    path = Path(directory) / f"{endpoint.name.replace(':', '-')}.lua"
    path.write_text("\n".join(lines))
    return path


def run_wrk(wrk, endpoint, script, seconds, connections):
    argv = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "2s",
        "-s",
        str(script),
        f"http://127.0.0.1:{endpoint.server.port}{endpoint.path}",
    ]
    workers = endpoint.server.workers()
    cpu_before = cpu_seconds(workers)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30)
    cpu_used = cpu_seconds(workers) - cpu_before
    match = re.search(r"^BENCH (\{.*\})$", out.stdout, re.M)
    if not match:
        raise RuntimeError(f"wrk gave no result for {endpoint.name}:\n{out.stdout}\n{out.stderr}")
    data = json.loads(match.group(1))
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    return Sample(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=errors,
        cpu_us_per_request=cpu_used / max(data["requests"], 1) * 1e6,
        loadavg=os.getloadavg()[0],
    )


# ---------------------------------------------------------------------------------------------------
# The shop's endpoints
# ---------------------------------------------------------------------------------------------------


def shop_environment(database_url, sandbox_url):
    env = dict(os.environ)
    env.update(
        {
            "SECRET_KEY": os.urandom(32).hex(),
            "DATABASE_URL": database_url,
            # The sandbox key and URLs of the sandbox this script runs: no sandbox thread in a worker.
            "MIDTRANS_SERVER_KEY": SANDBOX_SERVER_KEY,
            "MIDTRANS_SNAP_BASE_URL": sandbox_url + "/snap/v1",
            "MIDTRANS_API_BASE_URL": sandbox_url,
            "MIDTRANS_IS_PRODUCTION": "false",
            "MIDTRANS_NOTIFICATION_URL": "",
            "FLASK_DEBUG": "",
            # Required outside debug; the Host check ignores the port, and the bench signs its own
            # notifications, so the host alone is enough.
            "PUBLIC_URL": "http://127.0.0.1",
            "PROXY_COUNT": "0",
            "REDIS_URL": "",
            # One client sends thousands of requests per second: keep the limiter's checks (their cost
            # is part of the measurement) but raise the per-IP limits so no answer is a 429.
            "RATELIMIT_CART": "10000000/minute",
            "RATELIMIT_CHECKOUT": "10000000/minute",
            "RATELIMIT_CART_PER_IP": "10000000/minute",
            "RATELIMIT_CHECKOUT_PER_IP": "10000000/minute",
            "RATELIMIT_NOTIFICATION": "10000000/minute",
            # Plain http on loopback; the cookie is sent by hand anyway.
            "SESSION_COOKIE_SECURE": "false",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def browser_session(port):
    """A shopper's cookie and CSRF token, as a browser holds them after opening the catalog."""
    status, headers, body = request(port, "GET", "/")
    if status != 200:
        raise RuntimeError(f"catalog answered {status}")
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    match = CSRF_PATTERN.search(body.decode())
    if not cookie.startswith("session=") or not match:
        raise RuntimeError("no session cookie or CSRF token on the catalog page")
    return cookie, match.group(1) or match.group(2)


def shop_endpoints(server, fixtures, cookie, csrf, prefix=""):
    """What a browser and Midtrans send: the shopper's cookie on every browser request."""
    browser = {"Cookie": cookie}
    poll = {**browser, "HX-Request": "true"}
    status_path = f"/orders/{fixtures.awaiting_token}/status"
    status, headers, _ = request(server.port, "GET", status_path, poll)
    if status != 200 or "ETag" not in headers:
        raise RuntimeError(f"{server.name}: status poll answered {status} without an ETag")
    notification = signed_notification(fixtures.paid_midtrans_order_id, "settlement", fixtures.paid_gross_amount)
    tag = f" [{server.name}]" if prefix else ""
    return [
        Endpoint(prefix + "poll_200", "status poll, 200 (no If-None-Match)" + tag, server, status_path, headers=poll),
        Endpoint(
            prefix + "poll_304",
            "status poll, 304 (matching If-None-Match)" + tag,
            server,
            status_path,
            headers={**poll, "If-None-Match": headers["ETag"]},
            expect=304,
        ),
        Endpoint(prefix + "catalog", "catalog page /" + tag, server, "/", headers=browser),
        Endpoint(
            prefix + "product", "product page" + tag, server, f"/products/{fixtures.product_slug}", headers=browser
        ),
        Endpoint(
            prefix + "cart_add",
            "cart add via htmx (POST)" + tag,
            server,
            "/cart/add",
            method="POST",
            headers={
                **browser,
                "HX-Request": "true",
                "X-CSRFToken": csrf,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body=f"variant_id={fixtures.variant_id}&quantity=1&layout=grid",
        ),
        Endpoint(
            prefix + "notification",
            "duplicate settlement notification (POST)" + tag,
            server,
            "/payments/notification",
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "Veritrans"},
            body=json.dumps(notification),
        ),
    ]


def floor_endpoint(server, fixtures):
    """bench/floor_app.py's 304 for the polled order: the ceiling for the shop's poll_304 ratio."""
    path = f"/orders/{fixtures.awaiting_token}/status"
    status, headers, _ = request(server.port, "GET", path)
    if status != 200 or "ETag" not in headers:
        raise RuntimeError(f"floor app answered {status} without an ETag")
    return Endpoint(
        "floor_304",
        "floor: bare Flask + one sqlite3 query, 304",
        server,
        path,
        headers={"If-None-Match": headers["ETag"]},
        expect=304,
    )


def page_floor_endpoint(server, shop, fixtures, cookie):
    """bench/floor_app.py's remembered product page, as many bytes as the shop's: the ceiling for `product`."""
    path = f"/products/{fixtures.product_slug}"
    status, _headers, body = request(shop.port, "GET", path, {"Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"shop's product page answered {status}")
    return Endpoint(
        "floor_page",
        f"page floor: bare Flask + cookie session + CSRF token + one sqlite3 query, {len(body):,}-byte page",
        server,
        f"{path}?bytes={len(body)}",
        headers={"Cookie": cookie},
    )


def post_floor_endpoints(server, shop_endpoints_list):
    """bench/floor_app.py's cart add and duplicate notification, sent exactly as the shop's are: their ceilings."""
    by_name = {e.name: e for e in shop_endpoints_list}
    labels = {
        "cart_add": "POST floor: bare Flask + cookie session + CSRF check + one sqlite3 query + session signed again",
        "notification": "POST floor: bare Flask + JSON + SHA-512 signature + one read and one event-row write",
    }
    return [
        Endpoint(
            f"floor_{name}",
            label,
            server,
            by_name[name].path,
            by_name[name].method,
            by_name[name].headers,
            by_name[name].body,
        )
        for name, label in labels.items()
        if name in by_name
    ]


def check_endpoint(endpoint):
    """One request by hand: the load test must measure the right answer, not an error page."""
    status, _headers, body = request(
        endpoint.server.port, endpoint.method, endpoint.path, endpoint.headers, endpoint.body.encode() or None
    )
    if status != endpoint.expect:
        raise RuntimeError(f"{endpoint.name}: expected {endpoint.expect}, got {status}: {body[:300]!r}")
    if endpoint.name.endswith("cart_add") and b"add-result" not in body:
        raise RuntimeError(f"{endpoint.name} did not answer the add form: {body[:300]!r}")
    if endpoint.name.endswith("notification") and b"no change" not in body:
        raise RuntimeError(f"{endpoint.name} was not treated as a duplicate: {body[:300]!r}")


# ---------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------


def median(values):
    return statistics.median(values) if values else float("nan")


def summarise(endpoints, samples, rounds):
    rows = []
    for endpoint in endpoints:
        runs = samples[endpoint.name]
        ratios = [runs[r].rps / samples["hello"][r].rps for r in range(rounds)]
        rows.append(
            {
                "name": endpoint.name,
                "label": endpoint.label,
                "rps": median([s.rps for s in runs]),
                "p50_ms": median([s.p50_ms for s in runs]),
                "p99_ms": median([s.p99_ms for s in runs]),
                "cpu_us": median([s.cpu_us_per_request for s in runs]),
                "ratio": median(ratios),
                "ratios": ratios,
                "rounds": [round(s.rps) for s in runs],
                "errors": sum(s.errors for s in runs),
            }
        )
    return rows


def floor_share(row, floor):
    """An endpoint's ratio to hello as a share of the floor app's: 1.0 = as cheap as bare Flask + one query."""
    return row["ratio"] / floor["ratio"] if floor else float("nan")


def target_text(name):
    if name in TARGET_RATIOS:
        return f"≥ {TARGET_RATIOS[name]:.2f} of hello"
    if name in TARGET_FLOOR_SHARES:
        return f"≥ {TARGET_FLOOR_SHARES[name]:.2f} of the floor"
    return ""


def verdicts(rows):
    """Issue #20's targets, judged on the SQLite shop."""
    by_name = {row["name"]: row for row in rows}
    floor = by_name.get("floor_304")
    out = []
    for name in ENDPOINTS:
        row = by_name.get(name)
        if row is None:
            continue
        if name in TARGET_RATIOS:
            out.append(
                (f"{name} ratio {target_text(name)}", f"{row['ratio']:.2f}", row["ratio"] >= TARGET_RATIOS[name])
            )
        if name in TARGET_FLOOR_SHARES and floor:
            share = floor_share(row, floor)
            out.append((f"{name} ratio {target_text(name)}", f"{share:.2f}", share >= TARGET_FLOOR_SHARES[name]))
        out.append((f"{name} p99 ≤ {TARGET_P99_MS:.0f} ms", f"{row['p99_ms']:.1f} ms", row["p99_ms"] <= TARGET_P99_MS))
    return out


def print_summary(rows):
    """One line per endpoint: SQLite and PostgreSQL side by side, as ratios to hello and to the floor."""
    by_name = {row["name"]: row for row in rows}
    floor = by_name.get("floor_304")
    has_pg = any(f"pg:{name}" in by_name for name in ENDPOINTS)
    header = "| Endpoint | SQLite ratio | SQLite ÷ floor | SQLite p99 ms |"
    rule = "|---|---:|---:|---:|"
    if has_pg:
        header += " PostgreSQL ratio | PostgreSQL ÷ floor | PostgreSQL p99 ms |"
        rule += "---:|---:|---:|"
    print(header + " target (SQLite) |")
    print(rule + "---|")
    if floor:
        line = f"| floor (bare Flask + one sqlite3 query, 304) | {floor['ratio']:.2f} | 1.00 | {floor['p99_ms']:.1f} |"
        print(line + (" | | |" if has_pg else "") + " |")
    page_floor = by_name.get("floor_page")
    if page_floor:
        line = (
            f"| page floor (bare Flask + session + CSRF + one sqlite3 query, remembered page) | "
            f"{page_floor['ratio']:.2f} | {floor_share(page_floor, floor):.2f} | {page_floor['p99_ms']:.1f} |"
        )
        print(line + (" | | |" if has_pg else "") + " the most `product` can reach in Flask |")
    for name, what in (("cart_add", "cart add"), ("notification", "duplicate notification")):
        post_floor = by_name.get(f"floor_{name}")
        if post_floor:
            line = (
                f"| {what} floor (bare Flask, no rate limit, see bench/floor_app.py) | {post_floor['ratio']:.2f} | "
                f"{floor_share(post_floor, floor):.2f} | {post_floor['p99_ms']:.1f} |"
            )
            print(line + (" | | |" if has_pg else "") + f" the most `{name}` can reach in Flask |")
    for name in ENDPOINTS:
        row = by_name.get(name)
        if row is None:
            continue
        line = f"| {name} | {row['ratio']:.2f} | {floor_share(row, floor):.2f} | {row['p99_ms']:.1f} |"
        if has_pg:
            pg = by_name.get(f"pg:{name}")
            line += (
                f" {pg['ratio']:.2f} | {floor_share(pg, floor):.2f} | {pg['p99_ms']:.1f} |" if pg else " — | — | — |"
            )
        print(line + f" {target_text(name)}, p99 ≤ {TARGET_P99_MS:.0f} ms |")


def print_report(args, rows, rss, info):
    print()
    print(
        f"## Results ({info['when']}: {args.rounds} rounds × {args.duration} s per endpoint, "
        f"wrk -t1 -c{args.connections}, gunicorn {args.workers} sync workers per app, "
        f"SQLite{' and PostgreSQL' if args.postgres else ''}; 500 products × 4 variants)"
    )
    print()
    print_summary(rows)
    print()
    by_name = {row["name"]: row for row in rows}
    hello_cpu = by_name["hello"]["cpu_us"]
    print(
        "| Endpoint | median req/s | p50 ms | p99 ms | ratio to hello | worker CPU µs/req | CPU ratio | "
        "req/s per round | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for row in rows:
        print(
            f"| {row['label']} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{row['ratio']:.2f} | {row['cpu_us']:,.0f} | {hello_cpu / row['cpu_us']:.2f} | "
            f"{' / '.join(f'{r:,}' for r in row['rounds'])} | {row['errors']} |"
        )
    print()
    print("CPU ratio = the baseline's worker CPU per request / this endpoint's: what the req/s ratio tends to")
    print("when the workers own the cores; it moves far less than req/s when other programs share them.")
    compared = [name for name in ENDPOINTS if name in by_name and f"before:{name}" in by_name]
    if compared:
        print()
        print(f"Against --compare {args.compare} (same run; > 1 means faster now):")
        print()
        print("| Endpoint | ratio to hello, before → now | worker CPU µs/req, before → now | CPU saved |")
        print("|---|---|---|---:|")
        for name in compared:
            old, new = by_name[f"before:{name}"], by_name[name]
            print(
                f"| {name} | {old['ratio']:.2f} → {new['ratio']:.2f} | {old['cpu_us']:,.0f} → {new['cpu_us']:,.0f} | "
                f"{1 - new['cpu_us'] / old['cpu_us']:.0%} |"
            )
    print()
    print("| Target (SQLite) | measured | met |")
    print("|---|---:|---|")
    for target, measured, met in verdicts(rows):
        print(f"| {target} | {measured} | {'yes' if met else '**NO**'} |")
    print()
    print("Peak RSS per gunicorn worker (VmHWM, MiB):")
    for app_name, values in rss.items():
        print(f"- {app_name}: " + ", ".join(f"{v:.1f}" for v in values if v is not None))
    print()
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items() if k != "when"))


def machine_info(wrk):
    from importlib.metadata import version

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split(" [")[0].strip()
    info = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "cpu": f"{os.cpu_count()} × {cpu}",
        "kernel": platform.release(),
        "python": platform.python_version(),
    }
    for dist in (
        "flask",
        "werkzeug",
        "jinja2",
        "sqlalchemy",
        "flask-sqlalchemy",
        "flask-babel",
        "flask-wtf",
        "flask-limiter",
        "gunicorn",
    ):
        info[dist] = version(dist)
    info["sqlite"] = sqlite3.sqlite_version
    info["wrk"] = wrk_version
    return info


# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--duration", type=int, default=4, help="seconds per endpoint per round (default 4)")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per endpoint (default 1)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("BENCH_POSTGRES_URL", ""),
        help="also measure the shop on this PostgreSQL database (EVERYTHING in its public schema is dropped); "
        "default $BENCH_POSTGRES_URL",
    )
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers per app (default 4)")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(ENDPOINTS)}")
    parser.add_argument(
        "--compare",
        metavar="DIR",
        help="another checkout of the shop (same schema) to measure in the same run, e.g. before a change",
    )
    parser.add_argument("--json", metavar="FILE", help="also write every sample and the summary as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    parser.add_argument(
        "--serve",
        type=int,
        metavar="SECONDS",
        default=0,
        help="no load test: keep the servers up for SECONDS (e.g. to attach py-spy), then stop",
    )
    args = parser.parse_args()
    if not (1 <= args.rounds <= 20 and 1 <= args.duration <= 60 and 0 <= args.warmup <= 30 and args.serve <= 1800):
        parser.error("keep runs bounded: 1-20 rounds, 1-60 s per endpoint, 0-30 s warm-up, --serve ≤ 1800 s")
    unknown = set(filter(None, args.only.split(","))) - set(ENDPOINTS)
    if unknown:
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")
    if args.compare and not (Path(args.compare) / "wsgi.py").is_file():
        parser.error(f"--compare {args.compare}: no wsgi.py there")
    return args


def serve_for(seconds, endpoints, scripts, servers, tmp, args):
    """Profiling aid: print ready-made wrk commands and the worker pids, wait, then let main() clean up."""
    for server in servers:
        print(f"{server.name}: master pid {server.proc.pid}, workers {server.workers()}, port {server.port}")
    for endpoint in endpoints:
        print(
            f"  {endpoint.name:20} wrk -t1 -c{args.connections} -d5s -s {scripts[endpoint.name]} "
            f"http://127.0.0.1:{endpoint.server.port}{endpoint.path}"
        )
    print(f"Serving for {seconds} s from {tmp} (Ctrl-C to stop earlier) ...", flush=True)
    time.sleep(seconds)


def prepare_postgres(url):
    """An empty public schema in the bench's PostgreSQL database, for `flask db upgrade` to fill."""
    from sqlalchemy import create_engine, text

    from storefront.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate_and_seed(env, database_url, sandbox):
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": database_url},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )
    return seed(database_url, snap_base_url=sandbox.base_url + "/snap/v1")


def main():
    args = parse_args()
    wrk = ensure_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="storefront-bench-"))
    processes = Processes()
    sandbox = None

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        sandbox = SandboxServer(
            host="127.0.0.1", port=0, server_key=SANDBOX_SERVER_KEY, db_path=str(tmp / "sandbox.sqlite3")
        )
        sandbox.start()
        env = shop_environment(database_url, sandbox.base_url)

        started = time.monotonic()
        fixtures = migrate_and_seed(env, database_url, sandbox)
        if args.postgres:
            prepare_postgres(args.postgres)
            pg_fixtures = migrate_and_seed(env, args.postgres, sandbox)
        print(
            f"Database{'s' if args.postgres else ''} migrated and seeded (500 products × 4 variants, 10,000 orders) "
            f"in {time.monotonic() - started:.1f} s: {tmp}"
        )

        hello = start_server(processes, "hello", "hello_app:app", BENCH, env, tmp, args.workers)
        floor = start_server(processes, "floor", "floor_app:app", BENCH, env, tmp, args.workers)
        shop = start_server(processes, "shop", "wsgi:app", ROOT, env, tmp, args.workers)
        servers = [hello, floor, shop]
        cookie, csrf = browser_session(shop.port)  # both shops share SECRET_KEY, so one cookie serves both
        endpoints = [Endpoint("hello", "bare Flask hello (baseline)", hello, "/"), floor_endpoint(floor, fixtures)]
        endpoints += shop_endpoints(shop, fixtures, cookie, csrf)
        endpoints.insert(2, page_floor_endpoint(floor, shop, fixtures, cookie))
        endpoints[3:3] = post_floor_endpoints(floor, endpoints)
        if args.postgres:
            pg_env = {**env, "DATABASE_URL": args.postgres}
            pg_shop = start_server(processes, "pg", "wsgi:app", ROOT, pg_env, tmp, args.workers)
            servers.append(pg_shop)
            endpoints += shop_endpoints(pg_shop, pg_fixtures, cookie, csrf, prefix="pg:")
        if args.compare:
            before = start_server(processes, "before", "wsgi:app", Path(args.compare).resolve(), env, tmp, args.workers)
            servers.append(before)
            endpoints += shop_endpoints(before, fixtures, cookie, csrf, prefix="before:")
        if args.only:
            wanted = set(args.only.split(","))
            floors = ("hello", "floor_304", "floor_page", "floor_cart_add", "floor_notification")
            endpoints = [e for e in endpoints if e.name in floors or e.name.split(":")[-1] in wanted]
        print(
            "Serving: " + ", ".join(f"{s.name} on :{s.port}" for s in servers) + f" ({args.workers} sync workers each)"
        )
        for endpoint in endpoints:
            check_endpoint(endpoint)
        scripts = {e.name: wrk_script(e, tmp) for e in endpoints}
        if args.serve:
            serve_for(args.serve, endpoints, scripts, servers, tmp, args)
            return 0

        total = len(endpoints) * (args.warmup + args.rounds * args.duration)
        print(
            f"Warm-up {args.warmup} s per endpoint, then {args.rounds} rounds × {len(endpoints)} endpoints × "
            f"{args.duration} s (about {total // 60} min {total % 60} s)",
            flush=True,
        )
        if args.warmup:
            for endpoint in endpoints:
                run_wrk(wrk, endpoint, scripts[endpoint.name], args.warmup, args.connections)

        samples = {e.name: [] for e in endpoints}
        for round_number in range(args.rounds):
            shift = round_number % len(endpoints)
            for endpoint in endpoints[shift:] + endpoints[:shift]:
                samples[endpoint.name].append(
                    run_wrk(wrk, endpoint, scripts[endpoint.name], args.duration, args.connections)
                )
            print(
                f"round {round_number + 1}: "
                + ", ".join(f"{e.name} {samples[e.name][-1].rps:,.0f}" for e in endpoints)
                + f"  (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )

        rss = {server.name: [peak_rss_mib(pid) for pid in server.workers()] for server in servers}
        rows = summarise(endpoints, samples, args.rounds)
        info = machine_info(wrk)
        print_report(args, rows, rss, info)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "args": vars(args),
                        "machine": info,
                        "summary": rows,
                        "samples": {k: [vars(s) for s in v] for k, v in samples.items()},
                        "peak_rss_mib": rss,
                    },
                    indent=2,
                )
            )
        errors = sum(row["errors"] for row in rows)
        if errors:
            print(f"\nWARNING: {errors} failed requests (non-2xx/3xx answers, timeouts); see the logs in {tmp}")
        return 1 if errors else 0
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        processes.stop_all()
        if sandbox is not None:
            sandbox.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
