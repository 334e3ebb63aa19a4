"""Benchmark data, bulk-inserted in one transaction: 500 products of 4 variants each (one option, "Ukuran":
S, M, L, XL, each with its own price and stock), 10,000 orders with items and attempts.

Rows go in through SQLAlchemy Core executemany (no ORM unit of work, no per-row round trips), so
seeding takes a second or two. The table definitions come from storefront.models, so the data always
matches the schema the migrations created.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import create_engine, insert, text

from storefront.models import (
    Category,
    OptionValue,
    Order,
    OrderItem,
    PaymentAttempt,
    PaymentEvent,
    Product,
    ProductOption,
    Variant,
    utcnow,
)
from storefront.products import variant_option_values

CATEGORIES = ["Kopi & Teh", "Kain & Batik", "Camilan", "Bumbu & Sambal", "Kerajinan", "Perawatan"]
STATUS_MIX = [("paid", 70), ("expired", 20), ("cancelled", 10)]
TRANSACTION_STATUS = {"paid": "settlement", "expired": "expire", "cancelled": "cancel"}
SIZES = ("S", "M", "L", "XL")


@dataclass(frozen=True)
class Fixtures:
    """What the load generator needs to address the seeded data."""

    awaiting_token: str  # the order being polled (awaiting payment, current attempt with a Snap page)
    paid_midtrans_order_id: str  # a settled attempt: its settlement notification is a duplicate
    paid_gross_amount: str  # as Midtrans sends it, e.g. "190000.00"
    product_slug: str
    product_id: int
    variant_id: int  # a variant of that product, for the cart add


def seed(database_url, products=500, orders=10_000, snap_base_url="http://127.0.0.1:9/snap/v1", rng_seed=7):
    rng = random.Random(rng_seed)
    now = utcnow()
    engine = create_engine(database_url)
    category_rows = [
        {"id": n, "slug": f"kategori-{n}", "name": name, "position": n} for n, name in enumerate(CATEGORIES, 1)
    ]
    product_rows = [
        {
            "id": n,
            "category_id": 1 + n % len(CATEGORIES),
            "slug": f"produk-{n:04d}",
            "name": f"Produk Nusantara {n:04d}",
            "description": f"Produk pilihan nomor {n} dari pengrajin lokal. " * 3,
            "price_idr": rng.randrange(10_000, 500_000, 500),
            "image": "img/placeholder.svg",
            "active": True,
        }
        for n in range(1, products + 1)
    ]
    # Four sizes per product, each its own price and stock (the catalog's cards show a price range and ask
    # for a choice, as a real catalog's do). Variant ids: (product id - 1) * 4 + 1 ... + 4.
    option_rows = [{"id": row["id"], "product_id": row["id"], "name": "Ukuran", "position": 0} for row in product_rows]
    value_rows, variant_rows, link_rows = [], [], []
    for row in product_rows:
        for position, size in enumerate(SIZES):
            variant_id = (row["id"] - 1) * len(SIZES) + position + 1
            value_rows.append({"id": variant_id, "option_id": row["id"], "value": size, "position": position})
            variant_rows.append(
                {
                    "id": variant_id,
                    "product_id": row["id"],
                    "label": size,
                    "price_idr": row["price_idr"] + position * 5_000,
                    "stock": 1_000,
                    "active": True,
                    "position": position,
                }
            )
            link_rows.append({"variant_id": variant_id, "value_id": variant_id})
    prices = {row["id"]: row["price_idr"] for row in product_rows}

    order_rows, item_rows, attempt_rows, event_rows = [], [], [], []
    statuses = [status for status, weight in STATUS_MIX for _ in range(weight)]
    item_id = 0
    for order_id in range(1, orders + 1):
        # The last order is the one a shopper is paying right now (status poll target).
        status = "awaiting_payment" if order_id == orders else rng.choice(statuses)
        created = now - timedelta(minutes=rng.randrange(2, 60 * 24 * 90)) if status != "awaiting_payment" else now
        subtotal = 0
        for product_id in rng.sample(range(1, products + 1), rng.randint(1, 3)):
            item_id += 1
            quantity = rng.randint(1, 3)
            subtotal += prices[product_id] * quantity
            item_rows.append(
                {
                    "id": item_id,
                    "order_id": order_id,
                    "product_id": product_id,
                    "variant_id": (product_id - 1) * len(SIZES) + 1,
                    "product_name": f"Produk Nusantara {product_id:04d} — {SIZES[0]}",
                    "unit_price_idr": prices[product_id],
                    "quantity": quantity,
                    "line_total_idr": prices[product_id] * quantity,
                }
            )
        shipping = 0 if subtotal >= 500_000 else 20_000
        reference = f"SF-B{order_id:09d}"
        order_rows.append(
            {
                "id": order_id,
                "reference": reference,
                "access_token": secrets.token_urlsafe(24),
                "checkout_key": None,
                "customer_name": "Siti Rahmawati",
                "email": "siti@example.co.id",
                "phone": "0812-3456-7890",
                "address": "Jl. Malioboro No. 12",
                "city": "Yogyakarta",
                "postal_code": "55213",
                "locale": "id",
                "payment_status": status,
                "fulfilment_status": "unfulfilled",
                "subtotal_idr": subtotal,
                "shipping_idr": shipping,
                "total_idr": subtotal + shipping,
                "stock_reserved": status in ("paid", "awaiting_payment"),
                "reserved_until": created + timedelta(minutes=60),
                "attention": None,
                "paid_at": created + timedelta(minutes=5) if status == "paid" else None,
                "attempt_count": 1,
                "status_version": 3 if status != "awaiting_payment" else 2,
                "created_at": created,
                "updated_at": created,
            }
        )
        awaiting = status == "awaiting_payment"
        attempt_rows.append(
            {
                "id": order_id,
                "order_id": order_id,
                "number": 1,
                "midtrans_order_id": f"{reference}-1",
                "gross_amount_idr": subtotal + shipping,
                "snap_token": f"bench-snap-{order_id}",
                "redirect_url": f"{snap_base_url.rsplit('/snap/', 1)[0]}/snap/v4/redirection/bench-snap-{order_id}",
                "snap_requested_at": None,
                "last_error": None,
                "expires_at": created + timedelta(minutes=60),
                "transaction_status": "pending" if awaiting else TRANSACTION_STATUS[status],
                "fraud_status": "accept",
                "transaction_id": f"bench-{order_id:08d}",
                "payment_type": "bank_transfer",
                "instructions": {"kind": "va", "bank": "bca", "va_number": f"12345{order_id:011d}"},
                "refunded_idr": 0,
                "created_at": created,
                "updated_at": created,
            }
        )
        event_rows.append(
            {
                "attempt_id": order_id,
                "source": "status",
                "received_at": created,
                "transaction_status": "pending" if awaiting else TRANSACTION_STATUS[status],
                "fraud_status": "accept",
                "status_code": "201" if awaiting else "200",
                "transaction_id": f"bench-{order_id:08d}",
                "signature_valid": None,
                "payload": {"order_id": f"{reference}-1"},
                "applied": True,
                "outcome": "seeded",
            }
        )

    with engine.begin() as conn:
        conn.execute(insert(Category.__table__), category_rows)
        conn.execute(insert(Product.__table__), product_rows)
        conn.execute(insert(ProductOption.__table__), option_rows)
        conn.execute(insert(OptionValue.__table__), value_rows)
        conn.execute(insert(Variant.__table__), variant_rows)
        conn.execute(insert(variant_option_values), link_rows)
        conn.execute(insert(Order.__table__), order_rows)
        conn.execute(insert(OrderItem.__table__), item_rows)
        conn.execute(insert(PaymentAttempt.__table__), attempt_rows)
        conn.execute(insert(PaymentEvent.__table__), event_rows)
        if engine.dialect.name == "postgresql":
            # The rows above carry their ids: move each sequence past them, as the shop's own inserts would.
            for table in (Category, Product, ProductOption, OptionValue, Variant, Order, OrderItem, PaymentAttempt):
                name = table.__tablename__
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
                )
    engine.dispose()

    paid = next(row for row in order_rows if row["payment_status"] == "paid")
    middle = product_rows[len(product_rows) // 2]
    return Fixtures(
        awaiting_token=order_rows[-1]["access_token"],
        paid_midtrans_order_id=f"{paid['reference']}-1",
        paid_gross_amount=f"{paid['total_idr']}.00",
        product_slug=middle["slug"],
        product_id=middle["id"],
        variant_id=(middle["id"] - 1) * len(SIZES) + 2,
    )
