"""Races with real threads against a real (threaded) server, on SQLite and on PostgreSQL: no stock sold
twice, no order paid twice, no double Snap transaction, nothing lost."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from storefront.extensions import db
from storefront.models import Order, OrderItem, PaymentEvent, Product, Variant
from tests.support.helpers import (
    BrowserShopper,
    force_sandbox_state,
    http_checkout_form,
    make_product,
    make_variants,
    sandbox_transaction,
    signed_notification,
    the_order,
)

pytestmark = pytest.mark.concurrency


def all_at_once(calls):
    """Run the callables in threads released together by a barrier; return their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def checkout_form(shop_url, product_ids, field="product_id"):
    """A shopper with a filled cart standing on the checkout page, and the form it would submit."""
    browser = BrowserShopper(shop_url)
    for line_id in product_ids:
        browser.post(shop_url + "/cart/add", {field: line_id, "quantity": 1})
    return browser, http_checkout_form(browser.http, shop_url)


def prepared_checkout(shop_url, product_ids, field="product_id"):
    """As checkout_form, with a callable that submits the form."""
    browser, form = checkout_form(shop_url, product_ids, field)
    return browser, lambda: browser.post(shop_url + "/checkout/", form)


def order_count():
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count(Order.id)))


def test_last_units_are_sold_exactly_once(live_shop, sandbox, app):
    product = make_product("Songket Palembang", stock=5)
    shoppers = [prepared_checkout(live_shop.url, [product.id]) for _ in range(40)]
    responses = all_at_once([submit for _browser, submit in shoppers])

    assert all(r.status_code == 303 for r in responses), {r.status_code for r in responses}
    to_snap = [r for r in responses if r.headers["Location"].startswith(sandbox.base_url)]
    to_cart = [r for r in responses if r.headers["Location"].endswith("/cart/")]
    assert (len(to_snap), len(to_cart)) == (5, 35)
    assert order_count() == 5
    assert db.session.get(Product, product.id).stock == 0

    losers = [browser for (browser, _), r in zip(shoppers, responses, strict=True) if r in to_cart]
    for browser in losers[:3]:
        page = browser.http.get(live_shop.url + "/cart/", timeout=10).text
        # Told (a flash, and the line marked sold out), with the cart left as it was.
        assert "Songket Palembang" in page and "cart-line--problem" in page
        assert re.search(r'class="flash flash--(error|warning)"', page)


def test_last_units_of_one_variant_are_sold_exactly_once_and_its_siblings_keep_theirs(live_shop, sandbox, app):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    small, medium = make_variants(batik, [("S", None, 30), ("M", 290000, 5)])
    shoppers = [prepared_checkout(live_shop.url, [medium.id], field="variant_id") for _ in range(40)]
    responses = all_at_once([submit for _browser, submit in shoppers])

    assert all(r.status_code == 303 for r in responses), {r.status_code for r in responses}
    to_snap = [r for r in responses if r.headers["Location"].startswith(sandbox.base_url)]
    assert len(to_snap) == 5
    assert order_count() == 5
    assert (db.session.get(Variant, medium.id).stock, db.session.get(Variant, small.id).stock) == (0, 30)
    lines = db.session.execute(db.select(OrderItem.variant_id, OrderItem.unit_price_idr)).all()
    assert set(lines) == {(medium.id, 290000)} and len(lines) == 5


def test_opposite_variant_orders_never_deadlock(live_shop, sandbox, app):
    batik = make_product("Batik Tulis Lasem", stock=0)
    small, large = make_variants(batik, [("S", None, 100), ("L", None, 100)])
    pairs = [[small.id, large.id] if i % 2 else [large.id, small.id] for i in range(16)]
    shoppers = [prepared_checkout(live_shop.url, pair, field="variant_id") for pair in pairs]
    responses = all_at_once([submit for _browser, submit in shoppers])
    assert [r.status_code for r in responses] == [303] * 16
    assert order_count() == 16
    assert {db.session.get(Variant, v.id).stock for v in (small, large)} == {84}


def test_opposite_line_orders_never_deadlock(live_shop, sandbox, app):
    a = make_product("Kopi Gayo", stock=100)
    b = make_product("Teh Melati", stock=100)
    shoppers = [prepared_checkout(live_shop.url, [a.id, b.id] if i % 2 else [b.id, a.id]) for i in range(16)]
    responses = all_at_once([submit for _browser, submit in shoppers])
    assert [r.status_code for r in responses] == [303] * 16
    assert all(r.headers["Location"].startswith(sandbox.base_url) for r in responses)
    assert order_count() == 16
    db.session.rollback()
    assert {p.stock for p in db.session.execute(db.select(Product)).scalars()} == {84}


def test_double_submit_makes_one_order_and_one_snap_transaction(live_shop, sandbox, app):
    product = make_product("Kopi Gayo", stock=10)
    browser, form = checkout_form(live_shop.url, [product.id])
    # The same browser (same cookie) sending the same form twice, as a double click does.
    tabs = [requests.Session(), requests.Session()]
    for tab in tabs:
        tab.cookies.update(browser.http.cookies)
    data = {"csrf_token": browser.csrf, **form}
    responses = all_at_once(
        [
            lambda tab=tab: tab.post(live_shop.url + "/checkout/", data=data, allow_redirects=False, timeout=30)
            for tab in tabs
        ]
    )
    assert [r.status_code for r in responses] == [303, 303]
    assert order_count() == 1
    order = the_order()
    assert order.attempt_count == 1
    assert {r.headers["Location"] for r in responses} == {order.current_attempt.redirect_url}
    assert sandbox_transaction(sandbox, f"{order.reference}-2") is None
    assert db.session.get(Product, product.id).stock == 9


@pytest.fixture
def settled_attempt(live_shop, sandbox, app):
    product = make_product("Kopi Gayo", price=85000, stock=10)
    browser, submit = prepared_checkout(live_shop.url, [product.id])
    assert submit().status_code == 303
    order = the_order()
    return order.current_attempt.midtrans_order_id, product.id


def test_parallel_identical_notifications_apply_once(live_shop, sandbox, settled_attempt):
    midtrans_order_id, product_id = settled_attempt
    force_sandbox_state(sandbox, midtrans_order_id, "settlement", "bank_transfer")
    body = signed_notification(midtrans_order_id, "settlement", "105000.00")
    url = live_shop.url + "/payments/notification"
    responses = all_at_once([lambda: requests.post(url, json=body, timeout=30) for _ in range(20)])
    assert [r.status_code for r in responses] == [200] * 20
    order = the_order()
    assert order.payment_status == "paid"
    applied = db.session.scalar(db.select(db.func.count(PaymentEvent.id)).where(PaymentEvent.applied.is_(True)))
    assert applied == 1
    assert db.session.get(Product, product_id).stock == 9


@pytest.mark.parametrize("truth", ["settlement", "expire"])
def test_settlement_racing_expire_ends_as_the_status_api_says(live_shop, sandbox, settled_attempt, truth):
    midtrans_order_id, product_id = settled_attempt
    force_sandbox_state(sandbox, midtrans_order_id, truth, "bank_transfer")
    url = live_shop.url + "/payments/notification"
    bodies = [signed_notification(midtrans_order_id, status, "105000.00") for status in ["settlement", "expire"] * 6]
    responses = all_at_once([lambda b=b: requests.post(url, json=b, timeout=30) for b in bodies])
    assert {r.status_code for r in responses} == {200}
    order = the_order()
    expected = {"settlement": ("paid", 9, True), "expire": ("expired", 10, False)}[truth]
    assert (order.payment_status, db.session.get(Product, product_id).stock, order.stock_reserved) == expected
