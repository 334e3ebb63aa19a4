"""Voucher uses in the database, on SQLite and PostgreSQL: counted with a conditional UPDATE like stock
(40 racing checkouts, 5 uses: exactly 5 taken), one use per customer however they type their e-mail or
phone, and a use given back exactly once however many callers release it at the same moment."""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from storefront.database import write_transaction
from storefront.extensions import db
from storefront.model_base import utcnow
from storefront.models import Order
from storefront.vouchers.models import KIND_FIXED, KIND_PERCENT, Voucher, VoucherUse
from storefront.vouchers.rules import Discount, Line, Refusal
from storefront.vouchers.usage import evaluate, release_use, take_use


def make_voucher(**terms):
    values = {"code": "HEMAT10", "kind": KIND_PERCENT, "percent": 10, "usage_limit": 5, "per_customer_limit": 1}
    voucher = Voucher(**(values | terms))
    db.session.add(voucher)
    db.session.commit()
    return voucher


def make_orders(count):
    orders = [
        Order(
            reference=f"T{secrets.token_hex(5).upper()}",
            access_token=secrets.token_hex(16),
            customer_name="Siti",
            email=f"siti{n}@example.co.id",
            phone=f"08123456{n:04d}",
            address="Jl. Malioboro 1",
            city="Yogyakarta",
            postal_code="55213",
            subtotal_idr=100000,
            shipping_idr=20000,
            total_idr=120000,
            reserved_until=utcnow() + timedelta(hours=1),
        )
        for n in range(count)
    ]
    db.session.add_all(orders)
    db.session.commit()
    return [order.id for order in orders]


def counter(voucher_id):
    db.session.rollback()
    return db.session.get(Voucher, voucher_id).used


def held_uses(voucher_id):
    db.session.rollback()
    return db.session.scalar(
        db.select(db.func.count(VoucherUse.id)).where(
            VoucherUse.voucher_id == voucher_id, VoucherUse.released_at.is_(None)
        )
    )


def take(voucher_id, order_id, email, phone):
    with write_transaction():
        return take_use(db.session.get(Voucher, voucher_id), order_id, email, phone, 10000)


def all_at_once(app, calls):
    """Each call in its own thread, app context and database session, released together."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                return call()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_forty_shoppers_racing_for_five_uses_get_exactly_five(app):
    voucher_id = make_voucher(usage_limit=5).id
    order_ids = make_orders(40)
    results = all_at_once(
        app,
        [
            lambda n=n, o=o: take(voucher_id, o, f"shopper{n}@example.co.id", f"0812{n:08d}")
            for n, o in enumerate(order_ids)
        ],
    )
    assert results.count(None) == 5
    assert results.count(Refusal.USED_UP) == 35
    assert counter(voucher_id) == 5 == held_uses(voucher_id)


def test_one_customer_racing_with_two_orders_uses_a_once_per_customer_voucher_once(app):
    voucher_id = make_voucher(usage_limit=None, per_customer_limit=1).id
    order_ids = make_orders(8)
    # The same shopper in eight tabs, typing the phone in different ways.
    phones = ["0812 3456 7890", "+6281234567890", "6281234567890", "0812-3456-7890"] * 2
    results = all_at_once(
        app,
        [
            lambda o=o, p=p: take(voucher_id, o, "Siti@Example.co.id ", p)
            for o, p in zip(order_ids, phones, strict=True)
        ],
    )
    assert results.count(None) == 1
    assert results.count(Refusal.ALREADY_USED) == 7
    assert counter(voucher_id) == 1 == held_uses(voucher_id)


@pytest.mark.parametrize(
    "email, phone",
    [("SITI@example.co.id", "0899 0000 1111"), ("other@example.co.id", "+62 812-3456-7890")],
)
def test_the_same_email_or_the_same_phone_is_the_same_customer(app, email, phone):
    voucher_id = make_voucher().id
    first, second = make_orders(2)
    assert take(voucher_id, first, "siti@example.co.id", "081234567890") is None
    assert take(voucher_id, second, email, phone) is Refusal.ALREADY_USED
    # The refusal changed nothing: one use held, counted once.
    assert counter(voucher_id) == 1 == held_uses(voucher_id)


def test_a_released_use_is_given_back_exactly_once_and_can_be_taken_again(app):
    voucher_id = make_voucher(usage_limit=1).id
    first, second = make_orders(2)
    assert take(voucher_id, first, "siti@example.co.id", "081234567890") is None
    assert take(voucher_id, second, "budi@example.co.id", "081299998888") is Refusal.USED_UP
    releases = all_at_once(app, [lambda: _release(first) for _ in range(10)])
    assert releases.count(True) == 1
    assert counter(voucher_id) == 0 == held_uses(voucher_id)
    with write_transaction():
        assert release_use(first) is False
    assert counter(voucher_id) == 0
    assert take(voucher_id, second, "budi@example.co.id", "081299998888") is None


def _release(order_id):
    with write_transaction():
        return release_use(order_id)


def test_a_deactivated_voucher_can_no_longer_be_taken_nor_applied(app):
    voucher = make_voucher(active=False)
    (order_id,) = make_orders(1)
    assert take(voucher.id, order_id, "siti@example.co.id", "081234567890") is Refusal.USED_UP
    assert evaluate("hemat10", [Line(100000)], 0)[1] is Refusal.UNKNOWN
    assert counter(voucher.id) == 0


def test_the_cart_preview_names_the_voucher_and_its_discount_or_the_reason(app):
    make_voucher(
        code="POTONG20K", kind=KIND_FIXED, percent=None, amount_idr=20000, usage_limit=1, min_subtotal_idr=50000
    )
    assert evaluate(" potong20k ", [Line(60000)], 15000)[1] == Discount("POTONG20K", 20000, 0)
    assert evaluate("POTONG20K", [Line(49999)], 15000)[1] is Refusal.MINIMUM_NOT_REACHED
    assert evaluate("TIDAKADA", [Line(60000)], 15000) == (None, Refusal.UNKNOWN)
    db.session.execute(db.update(Voucher).values(used=1))
    assert evaluate("POTONG20K", [Line(60000)], 15000)[1] is Refusal.USED_UP
