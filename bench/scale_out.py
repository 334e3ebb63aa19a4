#!/usr/bin/env python3
"""Several shop instances behind HAProxy, one PostgreSQL, one Redis: do the guarantees still hold?

    .venv/bin/python bench/scale_out.py                   # 3 instances, 60 s, one killed at 30 s (~1.5 min)
    .venv/bin/python bench/scale_out.py --instances 2 --duration 10 --kill-at 0   # what the test suite runs

1. Creates a fresh PostgreSQL database (on --database-server), migrates it, seeds a few scarce products,
   and starts the Midtrans double (bench/midtrans_double.py) as its own process.
2. Starts the instances (separate gunicorn masters, 2 sync workers each, own ports) and HAProxy in front
   (round robin; health check every 1 s, down after 2 failures). All share the database and one Redis.
3. One client bursts add-to-cart through HAProxy and straight at every instance: the limit must hold in
   total. Then shoppers, pollers and Midtrans notifications (duplicates, out-of-order, some straight to an
   instance that did not serve the checkout) run for --duration seconds, from 127.0.0.0/8 only.
4. At --kill-at seconds, `kill -9` one instance's master and workers, and watches HAProxy mark it down.
5. Checks the database and the recorded traffic, prints a table, exits 1 if any check fails.
6. Stops everything it started (by process group) and drops its database, also on Ctrl-C or SIGTERM.
"""

import argparse
import os
import platform
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import redis  # noqa: E402
from run import Processes  # noqa: E402  (bench/run.py)
from scale_checks import burst_check, database_checks, print_table, seed, traffic_checks, wait_until_recorded  # noqa: E402
from scale_cluster import Cluster, ClusterError, create_database, drop_database, ensure_haproxy, haproxy_states  # noqa: E402
from scale_load import LoadState, burst, start_clients  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="sync gunicorn workers per instance")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--kill-at", type=float, default=30.0, help="seconds into the load; 0: kill nothing")
    parser.add_argument("--shoppers", type=int, default=4)
    parser.add_argument("--pollers", type=int, default=2)
    parser.add_argument("--notifiers", type=int, default=1)
    parser.add_argument("--stock-scale", type=float, default=1.0, help="multiplies the scarce products' stock")
    parser.add_argument("--cart-limit", type=int, default=20, help="RATELIMIT_CART per minute, for the burst")
    parser.add_argument(
        "--database-server",
        default=os.environ.get("SCALE_OUT_DATABASE_SERVER") or "postgresql://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL to create the run's database on (needs CREATEDB)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("SCALE_OUT_REDIS_URL") or "redis://127.0.0.1:6379/0")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the logs directory")
    args = parser.parse_args(argv)
    if args.kill_at and (args.instances < 2 or not 0 < args.kill_at < args.duration):
        parser.error("--kill-at needs at least 2 instances and a time inside --duration")
    return args


def watch_down(cluster: Cluster, name: str, until: float) -> float | None:
    """When HAProxy's health checks mark the instance down (polled on its stats socket)."""
    while time.monotonic() < until:
        if haproxy_states(cluster.stats_socket).get(name, "").startswith("DOWN"):
            return time.monotonic()
        time.sleep(0.05)
    return None


def run(args: argparse.Namespace, tmp: Path, processes: Processes, created: list) -> int:
    binary = ensure_haproxy()
    try:
        redis.Redis.from_url(args.redis_url, socket_timeout=2).ping()
    except redis.RedisError as exc:
        raise ClusterError(f"Redis at {args.redis_url} does not answer ({exc}); set --redis-url") from exc
    name, database = create_database(args.database_server)
    created.append(name)
    cluster = Cluster(tmp, processes)
    cluster.start_double()
    cluster.shop_environment(database, args.redis_url, f"{args.cart_limit}/minute")
    cluster.migrate()
    scarce, plentiful, stock = seed(database, args.stock_scale)
    cluster.start_instances(args.instances, args.workers)
    health = cluster.start_haproxy(binary)
    ports = ", ".join(f"{s.name} on :{s.port}" for s in cluster.instances)
    print(
        f"{args.instances} instances ({ports}; {args.workers} sync workers each) behind HAProxy at {cluster.lb_url}, "
        f"health check GET {health}; database {name}; Redis {args.redis_url}; logs in {tmp}",
        flush=True,
    )

    state = LoadState(
        cluster.lb_url,
        cluster.sandbox_url,
        {s.name: f"http://127.0.0.1:{s.port}" for s in cluster.instances},
        scarce,
        plentiful,
    )
    burst_result = burst(state, 3 * args.cart_limit)

    t0 = time.monotonic()
    threads = start_clients(state, args.shoppers, args.pollers, args.notifiers, args.seed)
    kill = down_at = victim = None
    if args.kill_at:
        time.sleep(max(0.0, t0 + args.kill_at - time.monotonic()))
        victim = cluster.instances[1].name
        state.killed.add(victim)  # from now on no notification is sent straight to it
        sent = time.monotonic()
        cluster.kill(victim)
        kill = (sent, time.monotonic())
        print(f"{sent - t0:.1f} s: killed {victim} (kill -9, master and workers)", flush=True)
        down_at = watch_down(cluster, victim, t0 + args.duration)
        if down_at:
            print(f"{down_at - t0:.1f} s: HAProxy marked {victim} down", flush=True)
    time.sleep(max(0.0, t0 + args.duration - time.monotonic()))
    end = time.monotonic()
    state.stop.set()
    for thread in threads:
        thread.join(timeout=20)
    wait_until_recorded(database, state.settled, timeout=20)

    with state.lock:
        records = list(state.records)
    counts = Counter(r.kind for r in records if r.start >= t0)
    print(
        f"\n{len(records)} requests: "
        + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
        + f"; {len(state.settled)} payments made at the double",
        flush=True,
    )
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.node()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}\n",
        flush=True,
    )
    checks = [burst_check(burst_result, args.cart_limit)]
    checks += database_checks(database, stock, state.settled)
    checks += traffic_checks(records, t0, end, kill, down_at, victim)
    print_table(checks)
    failed = [c.name for c in checks if c.passed is False]
    print("\nAll checks passed." if not failed else f"\nFAILED: {'; '.join(failed)}", flush=True)
    return 1 if failed else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="storefront-scale-"))
    processes = Processes()
    created: list[str] = []

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupted)
    try:
        return run(args, tmp, processes, created)
    except ClusterError as exc:
        print(f"scale_out: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        processes.stop_all()
        for name in created:
            try:
                drop_database(args.database_server, name)
            except Exception as exc:  # say what is left behind rather than hide the run's own result
                print(f"scale_out: could not drop database {name}: {exc}", file=sys.stderr)
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    threading.current_thread().name = "scale_out"
    sys.exit(main())
