"""Snap unavailable at checkout: a clear page with a retry; the order and its reservation stay; no duplicate
Midtrans transaction when the retry succeeds."""

import time

from storefront.extensions import db
from storefront.models import Variant
from storefront.sandbox import SANDBOX_SERVER_KEY
from tests.support.helpers import closed_port_url, make_product, point_gateway_at, sandbox_transaction, the_order


def checkout_with(shopper, app, base_url, key=SANDBOX_SERVER_KEY):
    product = make_product("Kopi Gayo", price=85000, stock=10)
    shopper.add(product.id, 2)
    point_gateway_at(app, base_url, server_key=key, read_timeout=1.0)
    return shopper.checkout()


def assert_saved_with_retry(response):
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    order = the_order()
    assert order.payment_status == "awaiting_payment" and order.stock_reserved
    assert db.session.execute(db.select(Variant.stock)).scalar_one() == 8
    assert f'action="/orders/{order.access_token}/pay"' in html  # the retry button
    assert order.reference in html
    attempt = order.current_attempt
    assert attempt.redirect_url is None and attempt.last_error and attempt.snap_requested_at is None
    assert SANDBOX_SERVER_KEY not in attempt.last_error and SANDBOX_SERVER_KEY not in html
    return order


def retry_against_sandbox(shopper, app, sandbox, order):
    point_gateway_at(app, sandbox.base_url)
    response = shopper.post(f"/orders/{order.access_token}/pay")
    assert response.status_code == 303 and response.headers["Location"].startswith(sandbox.base_url)
    order = the_order()
    assert order.attempt_count == 1
    assert sandbox_transaction(sandbox, f"{order.reference}-1") is not None
    assert sandbox_transaction(sandbox, f"{order.reference}-2") is None


def test_wrong_server_key_401(shopper, app, sandbox):
    response = checkout_with(shopper, app, sandbox.base_url, key="SB-Mid-server-wrong")
    order = assert_saved_with_retry(response)
    assert "401" in order.current_attempt.last_error
    retry_against_sandbox(shopper, app, sandbox, order)


def test_midtrans_500(shopper, app, sandbox, broken_midtrans):
    order = assert_saved_with_retry(checkout_with(shopper, app, broken_midtrans["url"]))
    retry_against_sandbox(shopper, app, sandbox, order)


def test_midtrans_timeout_frees_the_worker_within_the_timeout(shopper, app, sandbox, broken_midtrans):
    broken_midtrans["mode"] = "hang"
    started = time.monotonic()
    response = checkout_with(shopper, app, broken_midtrans["url"])
    assert time.monotonic() - started < 2.5  # read timeout 1 s, not the 3 s hang
    order = assert_saved_with_retry(response)
    assert "in time" in order.current_attempt.last_error
    retry_against_sandbox(shopper, app, sandbox, order)


def test_midtrans_answers_garbage(shopper, app, sandbox, broken_midtrans):
    broken_midtrans["mode"] = "garbage"
    order = assert_saved_with_retry(checkout_with(shopper, app, broken_midtrans["url"]))
    assert "not JSON" in order.current_attempt.last_error
    retry_against_sandbox(shopper, app, sandbox, order)


def test_connection_refused(shopper, app, sandbox):
    order = assert_saved_with_retry(checkout_with(shopper, app, closed_port_url()))
    assert "connect" in order.current_attempt.last_error
    retry_against_sandbox(shopper, app, sandbox, order)


def test_order_page_offers_a_retry_after_a_failed_snap_call(shopper, client, app):
    order = assert_saved_with_retry(checkout_with(shopper, app, closed_port_url()))
    html = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert f'action="/orders/{order.access_token}/pay"' in html


def test_continue_payment_reuses_the_live_snap_page(shopper, app, sandbox):
    product = make_product("Kopi Gayo", price=85000, stock=10)
    shopper.add(product.id, 1)
    first = shopper.checkout().headers["Location"]
    order = the_order()
    again = shopper.post(f"/orders/{order.access_token}/pay")
    assert again.status_code == 303 and again.headers["Location"] == first
    assert the_order().attempt_count == 1
