"""Seeding and the checks of bench/scale_out.py: what the shared database and the recorded traffic must show.

Each check is one row of the printed table: what was checked, what was found, PASS or FAIL.
"""

import time
from collections import Counter
from dataclasses import dataclass

import psycopg
from scale_load import EXPECTED, Record
from sqlalchemy import create_engine, insert

from storefront.config import normalise_database_url
from storefront.models import Product, Variant

# Name, price (integer rupiah), stock: a few scarce products, so shoppers compete for the last units.
# The two scarcest sell out within seconds; the others last about as long as the 60-second run.
SCARCE = [
    ("Kopi Luwak Gayo 100 g", 350000, 3),
    ("Batik Tulis Lasem", 1250000, 6),
    ("Tenun Ikat Sumba", 900000, 40),
    ("Sambal Roa Manado", 45000, 90),
]
PLENTIFUL = ("Teh Tubruk Cap Gardu", 15000, 10000)


@dataclass
class Check:
    name: str
    found: str
    passed: bool | None  # None: a figure, not a pass/fail check


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def seed(url: str, stock_scale: float) -> tuple[list[int], int, dict[int, int]]:
    """Insert the products; returns the scarce ids, the plentiful id and every product's starting stock.

    Through SQLAlchemy Core on the shop's own table definition, so the columns' defaults are the shop's."""
    rows = [(name, price, max(1, round(stock * stock_scale))) for name, price, stock in SCARCE] + [PLENTIFUL]
    engine = create_engine(normalise_database_url(url))
    stock = {}
    try:
        with engine.begin() as conn:
            for n, (name, price, units) in enumerate(rows, 1):
                product_id = conn.execute(
                    insert(Product)
                    .values(slug=f"scale-{n}", name=name, price_idr=price, active=True, weight_g=500)
                    .returning(Product.id)
                ).scalar_one()
                # Sold through its implicit variant, which holds the stock.
                conn.execute(
                    insert(Variant).values(product_id=product_id, label="", stock=units, active=True, position=0)
                )
                stock[product_id] = units
    finally:
        engine.dispose()
    ids = list(stock)
    return ids[:-1], ids[-1], stock


def wait_until_recorded(url: str, settled: list[str], timeout: float) -> None:
    """Give the double's notifications (and their retries) time to land before checking."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _unrecorded(url, settled):
        time.sleep(0.5)


def _unrecorded(url: str, settled: list[str]) -> int:
    if not settled:
        return 0
    with connect(url) as conn:
        recorded = conn.execute(
            "SELECT count(*) FROM payment_attempts WHERE midtrans_order_id = ANY(%s) AND transaction_status = 'settlement'",
            (settled,),
        ).fetchone()[0]
    return len(set(settled)) - recorded


def database_checks(url: str, stock: dict[int, int], settled: list[str]) -> list[Check]:
    with connect(url) as conn:
        products = conn.execute(
            "SELECT p.id, (SELECT sum(v.stock) FROM product_variants v WHERE v.product_id = p.id),"
            " coalesce(sum(i.quantity) FILTER (WHERE o.payment_status = 'paid'), 0),"
            " coalesce(sum(i.quantity) FILTER (WHERE o.stock_reserved), 0)"
            " FROM products p LEFT JOIN order_items i ON i.product_id = p.id LEFT JOIN orders o ON o.id = i.order_id"
            " GROUP BY p.id ORDER BY p.id"
        ).fetchall()
        orders, lineless = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id))"
            " FROM orders o"
        ).fetchone()
        applied = conn.execute(
            "SELECT a.midtrans_order_id, o.payment_status, count(e.id) FILTER (WHERE e.applied AND e.transaction_status = 'settlement')"
            " FROM payment_attempts a JOIN orders o ON o.id = a.order_id LEFT JOIN payment_events e ON e.attempt_id = a.id"
            " WHERE a.transaction_status = 'settlement' GROUP BY a.id, o.payment_status"
        ).fetchall()
        events = conn.execute("SELECT count(*) FROM payment_events").fetchone()[0]

    oversold = [(pid, stock[pid], sold) for pid, _left, sold, _held in products if sold > stock[pid]]
    sold_text = ", ".join(f"{sold}/{stock[pid]}" for pid, _left, sold, _held in products[:-1])
    # Units out of stock = the lines of the orders holding them, product by product: a reservation
    # taken without its lines, or released twice, breaks the equality.
    unbalanced = [pid for pid, left, _sold, held in products if stock[pid] - left != held]
    held_total = sum(held for *_, held in products)
    wrong = [order_id for order_id, status, count in applied if count != 1 or status != "paid"]
    missing = set(settled) - {order_id for order_id, *_ in applied}
    return [
        Check("units sold <= stock, every product", f"sold/stock {sold_text}", not oversold),
        Check(
            "units held = lines of the orders holding them",
            f"{orders} orders, {held_total} units held, {len(unbalanced)} products off, {lineless} orders without lines",
            not unbalanced and lineless == 0,
        ),
        Check(
            "one applied payment event per settled attempt",
            f"{len(applied)} settled attempts, {events} events, {len(wrong)} not exactly once or not paid",
            not wrong,
        ),
        Check(
            "every payment made at the double is recorded as paid",
            f"{len(set(settled)) - len(missing)}/{len(set(settled))}",
            not missing,
        ),
    ]


def burst_check(result: dict, limit: int) -> Check:
    return Check(
        f"rate limit shared by instances ({limit}/min, one client)",
        f"{result['accepted']} accepted, {result['limited']} limited of {result['total']} via "
        f"{', '.join(result['instances'])}",
        result["accepted"] == limit and result["limited"] == result["total"] - limit and len(result["instances"]) > 1,
    )


def traffic_checks(
    records: list[Record],
    t0: float,
    end: float,
    kill: tuple[float, float] | None,
    down_at: float | None,
    killed: str | None,
) -> list[Check]:
    """`kill`: when the kill was sent and when the killed master had been reaped (its workers die with it)."""
    shop = [r for r in records if r.target != "sandbox" and r.start >= t0]
    failed = [r for r in shop if r.status >= 500 or r.status == 0]
    unexpected = [r for r in shop if r not in failed and r.status not in EXPECTED[r.kind]]
    checks = []
    if kill is None:
        checks.append(Check("zero 5xx or dropped requests", f"{len(failed)} of {len(shop)}{_what(failed)}", not failed))
        checks.append(Check("requests per second", f"{_rps(shop, t0, end):.1f} over {end - t0:.0f} s", None))
    else:
        sent, dead = kill
        down = down_at if down_at is not None else end
        in_flight = [r for r in failed if r.start < dead and r.end >= sent]
        to_killed = [r for r in failed if r.target == killed and r not in in_flight]
        detecting = [r for r in failed if dead <= r.start < down and r not in to_killed]
        after = [r for r in failed if r.start >= down and r not in to_killed]
        before = [r for r in failed if r.end < sent]
        checks += [
            Check(
                "HAProxy marked the killed instance down",
                f"{down_at - sent:.1f} s after the kill" if down_at else "never",
                down_at is not None,
            ),
            Check("zero 5xx before the kill", f"{len(before)}{_what(before)}", not before),
            Check(
                "zero 5xx after the instance was marked down",
                f"{len(after)} of {sum(1 for r in shop if r.start >= down)}{_what(after)}",
                down_at is not None and not after,
            ),
            Check("in flight at the kill: 5xx or reset (not retried)", f"{len(in_flight)}{_what(in_flight)}", None),
            Check(
                "5xx between the kill and down",
                f"{len(detecting)}{_what(detecting)}; {len(to_killed)} sent straight to it",
                None,
            ),
            Check(
                "requests per second before / after the kill",
                f"{_rps(shop, t0, sent):.1f} / {_rps(shop, down, end):.1f}",
                None,
            ),
        ]
    kinds = Counter(r.kind for r in unexpected)
    checks.append(
        Check(
            "every other answer was one the shop gives when it works",
            f"{len(unexpected)} unexpected" + (f" ({dict(kinds)})" if kinds else ""),
            not unexpected,
        )
    )
    return checks


def _what(records: list[Record]) -> str:
    """e.g. " (checkout 502, poll 0)": which requests, and what they got (0: no answer)."""
    return (
        " ("
        + ", ".join(f"{kind} {status}" for (kind, status), _n in Counter((r.kind, r.status) for r in records).items())
        + ")"
        if records
        else ""
    )


def _rps(records: list[Record], start: float, end: float) -> float:
    done = sum(1 for r in records if start <= r.end < end)
    return done / (end - start) if end > start else 0.0


def print_table(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"| {'check'.ljust(width)} | result | found |", f"|{'-' * (width + 2)}|--------|-------|"]
    for check in checks:
        verdict = {True: "PASS", False: "FAIL", None: "—"}[check.passed]
        lines.append(f"| {check.name.ljust(width)} | {verdict.ljust(6)} | {check.found} |")
    table = "\n".join(lines)
    print(table, flush=True)
    return table
