"""The whole purchase over real HTTP: shop <-> built-in Midtrans sandbox, through midtransclient.

The sandbox delivers its signed notifications to the live shop on its own; the shop confirms each with
the status API before it changes anything.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from storefront.extensions import db
from storefront.models import PaymentEvent, Product
from tests.support.helpers import BrowserShopper, make_product, sandbox_transaction, the_order, wait_until


def paid_order():
    order = the_order()
    return order if order.payment_status == "paid" else None


@pytest.fixture
def kopi(app):
    return make_product("Kopi Gayo", price=85000, stock=10)


def start_purchase(live_shop, sandbox, product, quantity=2):
    browser = BrowserShopper(live_shop.url)
    checkout = browser.buy(product.id, quantity)
    assert checkout.status_code == 303, checkout.text[:500]
    redirect_url = checkout.headers["Location"]
    assert redirect_url.startswith(sandbox.base_url)
    return browser, redirect_url


@pytest.mark.parametrize(
    "method, payment_type, instructions_kind",
    [
        ("bca_va", "bank_transfer", "va"),
        ("qris", "qris", "ewallet"),
        ("gopay", "gopay", "ewallet"),
        ("echannel", "echannel", "bill"),
    ],
)
def test_paid_by_method_flips_the_order_to_paid(live_shop, sandbox, kopi, method, payment_type, instructions_kind):
    browser, redirect_url = start_purchase(live_shop, sandbox, kopi)
    back = browser.pay_on_snap(redirect_url, method=method)
    assert back.status_code == 303
    finish = urlsplit(back.headers["Location"])
    assert finish.path == "/payments/finish"
    assert parse_qs(finish.query)["transaction_status"] == ["settlement"]

    order = wait_until(paid_order)
    attempt = order.current_attempt
    assert attempt.payment_type == payment_type
    assert attempt.instructions["kind"] == instructions_kind
    assert order.paid_at is not None and order.stock_reserved
    assert db.session.get(Product, kopi.id).stock == 8  # reserved at checkout, not taken twice
    events = db.session.execute(db.select(PaymentEvent)).scalars().all()
    assert any(e.source == "notification" and e.signature_valid for e in events)
    assert sum(e.applied for e in events) == 1
    assert all("signature_key" not in e.payload for e in events)

    # Coming back through Midtrans's finish redirect lands on this browser's order page.
    landing = browser.http.get(back.headers["Location"], allow_redirects=False, timeout=10)
    assert landing.status_code == 303
    assert landing.headers["Location"].startswith(f"/orders/{order.access_token}")


def test_paid_by_card_capture_accept(live_shop, sandbox, kopi):
    browser, redirect_url = start_purchase(live_shop, sandbox, kopi)
    back = browser.pay_on_snap(redirect_url, method="credit_card", card_number="4811 1111 1111 1114")
    assert back.status_code == 303
    order = wait_until(paid_order)
    assert order.current_attempt.transaction_status == "capture"
    assert order.current_attempt.fraud_status == "accept"


def test_card_challenged_by_fraud_detection_waits_for_review(live_shop, sandbox, kopi):
    browser, redirect_url = start_purchase(live_shop, sandbox, kopi)
    browser.pay_on_snap(redirect_url, method="credit_card", card_number="4511 1111 1111 1117")
    order = wait_until(lambda: (o := the_order()).payment_status == "under_review" and o)
    assert order.attention == "under_review" and order.stock_reserved


def test_declined_card_keeps_the_order_open_for_another_try(live_shop, sandbox, kopi):
    browser, redirect_url = start_purchase(live_shop, sandbox, kopi)
    browser.pay_on_snap(redirect_url, method="credit_card", card_number="4911 1111 1111 1113")
    wait_until(lambda: the_order().current_attempt.transaction_status == "deny")
    order = the_order()
    assert order.payment_status == "awaiting_payment" and order.stock_reserved
    page = browser.http.get(f"{live_shop.url}/orders/{order.access_token}", timeout=10).text
    assert "declined" in page or "ditolak" in page


def test_pending_va_shows_the_payment_instructions_on_the_order_page(live_shop, sandbox, kopi):
    browser, redirect_url = start_purchase(live_shop, sandbox, kopi)
    browser.http.post(redirect_url + "/method", data={"method": "bni_va"}, timeout=10)
    order = wait_until(lambda: (o := the_order()).current_attempt.instructions and o)
    va_number = sandbox_transaction(sandbox, order.current_attempt.midtrans_order_id)["va_numbers"][0]["va_number"]
    page = browser.http.get(f"{live_shop.url}/orders/{order.access_token}", timeout=10).text
    assert va_number in page and "BNI" in page
    assert redirect_url in page  # "continue payment" goes back to the live Snap page


def test_expired_payment_releases_stock_and_pay_again_reserves_it(live_shop, sandbox, kopi):
    browser, redirect_url = start_purchase(live_shop, sandbox, kopi, quantity=3)
    browser.pay_on_snap(redirect_url, method="bca_va", action="expire")
    order = wait_until(lambda: (o := the_order()).payment_status == "expired" and o)
    assert not order.stock_reserved
    assert db.session.get(Product, kopi.id).stock == 10

    again = browser.post(f"{live_shop.url}/orders/{order.access_token}/pay", {})
    assert again.status_code == 303 and again.headers["Location"].startswith(sandbox.base_url)
    order = the_order()
    assert order.payment_status == "awaiting_payment" and order.attempt_count == 2 and order.stock_reserved
    assert order.current_attempt.midtrans_order_id.endswith("-2")
    db.session.expire_all()
    assert db.session.get(Product, kopi.id).stock == 7

    browser.pay_on_snap(again.headers["Location"], method="bca_va")
    assert wait_until(paid_order).attempt_count == 2
