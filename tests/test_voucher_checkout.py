"""Vouchers as a shopper meets them: the cart's voucher box (with and without htmx), the checkout that
re-checks the code inside the order's transaction and takes a use, Snap's negative "Diskon" line, the
order page, and the use's lifecycle (released once on expiry, taken again by "pay again", kept by a refund)."""

import re

import pytest

from storefront.extensions import db
from storefront.payments.apply import apply_status
from storefront.payments.gateway import TransactionStatus
from storefront.payments.snap import VoucherGoneForRetry, pay_again
from storefront.vouchers.models import KIND_PERCENT, Voucher, VoucherUse
from tests.support.helpers import make_product, sandbox_transaction, the_order


@pytest.fixture
def kopi(app):
    return make_product("Kopi Gayo", price=85000, stock=10)


@pytest.fixture
def hemat10(app):
    voucher = Voucher(
        code="HEMAT10", kind=KIND_PERCENT, percent=10, max_discount_idr=25000, min_subtotal_idr=100000,
        usage_limit=5, per_customer_limit=1,
    )  # fmt: skip
    db.session.add(voucher)
    db.session.commit()
    return voucher


def voucher_error(html):
    match = re.search(r'<p class="field__error" id="voucher-error" role="alert">([^<]*)</p>', html)
    return match and match.group(1)


def counted(voucher_id):
    db.session.rollback()
    return db.session.get(Voucher, voucher_id).used


@pytest.mark.parametrize("htmx", [True, False])
def test_an_unknown_code_is_named_beside_the_field_and_kept_as_typed(shopper, kopi, hemat10, htmx):
    shopper.add(kopi.id, 2)
    response = shopper.post("/cart/voucher", {"code": "hemat-99"}, htmx=htmx)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert voucher_error(html) == "Kode voucher ini tidak kami kenal. Periksa ejaannya."
    assert 'value="hemat-99"' in html
    assert 'id="cart"' in html


def test_a_cart_below_the_minimum_is_told_the_minimum(shopper, kopi, hemat10):
    shopper.add(kopi.id, 1)
    html = shopper.post("/cart/voucher", {"code": "HEMAT10"}, htmx=True).get_data(as_text=True)
    assert voucher_error(html) == "Voucher ini memerlukan subtotal minimal Rp100.000."


@pytest.mark.parametrize("htmx", [True, False])
def test_a_code_applies_in_any_case_and_is_removed_in_one_click(shopper, kopi, hemat10, htmx):
    shopper.add(kopi.id, 2)
    response = shopper.post("/cart/voucher", {"code": " hemat10 "}, htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    html = shopper.client.get("/cart/").get_data(as_text=True)
    assert "Voucher HEMAT10" in html
    assert re.search(r'id="cart-discount">−Rp\s?17\.000<', html)  # 10 % of Rp170.000
    assert re.search(r'id="cart-total">Rp\s?153\.000<', html)
    shopper.post("/cart/voucher/remove", {}, htmx=htmx)
    html = shopper.client.get("/cart/").get_data(as_text=True)
    assert "cart-discount" not in html and re.search(r'id="cart-total">Rp\s?170\.000<', html)


def test_checkout_takes_a_use_and_snap_gets_a_negative_discount_line_summing_to_the_total(
    shopper, kopi, hemat10, sandbox
):
    shopper.add(kopi.id, 2)
    shopper.post("/cart/voucher", {"code": "HEMAT10"})
    page = shopper.client.get("/checkout/").get_data(as_text=True)
    assert "Voucher HEMAT10" in page
    assert shopper.checkout().status_code == 303
    order = the_order()
    # Rp170.000 - Rp17.000 + Rp20.000 shipping.
    assert (order.subtotal_idr, order.shipping_idr, order.total_idr) == (170000, 20000, 173000)
    assert counted(hemat10.id) == 1
    (use,) = db.session.execute(db.select(VoucherUse)).scalars()
    assert (use.order_id, use.discount_idr, use.email, use.phone) == (
        order.id,
        17000,
        "siti@example.co.id",
        "+6281234567890",
    )
    snap = sandbox_transaction(sandbox, order.current_attempt.midtrans_order_id)
    items = snap["snap"]["item_details"]
    assert {"name": "Diskon HEMAT10", "price": -17000} == {k: v for k, v in items[-1].items() if k in ("name", "price")}
    assert sum(i["price"] * i["quantity"] for i in items) == 173000
    html = shopper.client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert re.search(r'id="order-discount">−Rp\s?17\.000<', html) and "Voucher HEMAT10" in html


def test_a_second_order_of_the_same_customer_is_refused_and_keeps_its_cart(client, shopper, kopi, hemat10):
    shopper.add(kopi.id, 2)
    shopper.post("/cart/voucher", {"code": "HEMAT10"})
    assert shopper.checkout().status_code == 303
    shopper.add(kopi.id, 2)
    shopper.post("/cart/voucher", {"code": "HEMAT10"})
    response = shopper.checkout(phone="+62 812 3456 7890")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart/")
    html = shopper.client.get("/cart/").get_data(as_text=True)
    assert "Anda sudah memakai voucher ini." in html and "Kopi Gayo" in html
    assert counted(hemat10.id) == 1


def _status(order, transaction_status, **extra):
    return TransactionStatus(
        order_id=order.current_attempt.midtrans_order_id,
        transaction_status=transaction_status,
        status_code="200",
        gross_amount=f"{order.total_idr}.00",
        payment_type="bank_transfer",
        **extra,
    )


def test_an_expired_order_gives_its_use_back_once_and_pay_again_takes_it_again(shopper, kopi, hemat10):
    shopper.add(kopi.id, 2)
    shopper.post("/cart/voucher", {"code": "HEMAT10"})
    shopper.checkout()
    order = the_order()
    for _ in range(2):  # a repeated notification changes nothing
        apply_status(order.current_attempt.id, _status(order, "expire"), source="notification")
    assert counted(hemat10.id) == 0
    pay_again(order.id)
    assert counted(hemat10.id) == 1 and the_order().total_idr == 173000


def test_pay_again_fails_clearly_when_the_voucher_was_used_up_meanwhile(shopper, kopi, hemat10):
    shopper.add(kopi.id, 2)
    shopper.post("/cart/voucher", {"code": "HEMAT10"})
    shopper.checkout()
    order = the_order()
    apply_status(order.current_attempt.id, _status(order, "expire"), source="notification")
    db.session.execute(db.update(Voucher).values(used=Voucher.usage_limit))
    db.session.commit()
    with pytest.raises(VoucherGoneForRetry, match="habis"):
        pay_again(order.id)
    assert the_order().payment_status == "expired" and not the_order().stock_reserved


def test_a_refund_never_gives_the_use_back(shopper, kopi, hemat10):
    shopper.add(kopi.id, 2)
    shopper.post("/cart/voucher", {"code": "HEMAT10"})
    shopper.checkout()
    order = the_order()
    apply_status(order.current_attempt.id, _status(order, "settlement"), source="notification")
    apply_status(order.current_attempt.id, _status(order, "refund", refund_amount="173000.00"), source="notification")
    assert the_order().payment_status == "refunded"
    assert counted(hemat10.id) == 1


@pytest.mark.concurrency
def test_forty_shoppers_racing_for_five_uses_give_exactly_five_discounted_orders(live_shop, sandbox, app, hemat10):
    from tests.support.helpers import BrowserShopper, http_checkout_form
    from tests.test_concurrency import all_at_once

    kopi = make_product("Kopi Gayo", price=85000, stock=100)
    shoppers = []
    for n in range(40):
        browser = BrowserShopper(live_shop.url)
        browser.post(live_shop.url + "/cart/add", {"product_id": kopi.id, "quantity": 2})
        browser.post(live_shop.url + "/cart/voucher", {"code": "hemat10"})
        form = http_checkout_form(browser.http, live_shop.url) | {
            "email": f"s{n}@example.co.id",
            "phone": f"0812{n:08d}",
        }
        shoppers.append((browser, form))
    responses = all_at_once([lambda b=b, f=f: b.post(live_shop.url + "/checkout/", f) for b, f in shoppers])

    assert all(r.status_code == 303 for r in responses), {
        (r.status_code, r.text[:300]) for r in responses if r.status_code != 303
    }
    to_cart = [i for i, r in enumerate(responses) if r.headers["Location"].endswith("/cart/")]
    assert len(to_cart) == 35
    db.session.rollback()
    totals = sorted(db.session.execute(db.select(db.text("total_idr FROM orders"))).scalars())
    assert totals == [173000] * 5
    assert counted(hemat10.id) == 5
    # Told, with their carts kept.
    page = shoppers[to_cart[0]][0].http.get(live_shop.url + "/cart/", timeout=10).text
    assert "Kuota voucher ini sudah habis." in page and "Kopi Gayo" in page
