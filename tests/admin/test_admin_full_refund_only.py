"""ShopeePay (and OVO) payments are refunded by Midtrans only in full (midtrans.md §6.5): the back office
offers only the whole payment, and refuses a part or items with a clear message before calling Midtrans."""

import pytest

from storefront.extensions import db
from storefront.payments.models import Refund
from tests.support.admin import settle
from tests.support.helpers import make_product, sandbox_transaction, the_order


@pytest.fixture
def teh(app):
    return make_product("Teh Tarik", price=30000, stock=5)


def paid_with(payment_type, shopper, kopi, teh, admin, sandbox):
    shopper.add(kopi.id, 1)
    shopper.add(teh.id, 1)
    assert shopper.checkout().status_code == 303
    order = the_order()
    settle(sandbox, order, payment_type)
    admin.act(order.reference, "recheck", confirm=False)
    assert the_order().payment_status == "paid"
    return the_order()


def refund(admin, order, *, amount="", lines=None):
    data = {
        "amount_idr": amount,
        "reason": "",
        "request_token": admin.form_value(order.reference, "refund-request_token"),
    }
    for name, qty in (lines or {}).items():
        item_id = next(item.id for item in order.items if item.product_name == name)
        data[f"line_{item_id}"] = qty
    return admin.act(order.reference, "refund", data)


def midtrans_refunded(sandbox, order):
    return (sandbox_transaction(sandbox, order.current_attempt.midtrans_order_id) or {}).get("refund_amount")


@pytest.fixture
def shopeepay_order(shopper, kopi, teh, admin, sandbox):
    return paid_with("shopeepay", shopper, kopi, teh, admin, sandbox)


def test_the_refund_form_of_a_shopeepay_payment_offers_only_the_whole_payment(admin, shopeepay_order):
    html = admin.order_page(shopeepay_order.reference)
    total = f"Rp{shopeepay_order.total_idr:,}".replace(",", ".")
    assert f"Midtrans refunds ShopeePay payments only in full: enter {total} to refund the whole payment." in html
    assert "Items to refund" not in html and "refund-line_" not in html
    admin.post("/language", {"lang": "id", "next": "/"})
    html = admin.order_page(shopeepay_order.reference)
    assert f"Midtrans hanya merefund pembayaran ShopeePay secara penuh: isi {total}" in html


@pytest.mark.parametrize("how", ["part", "item"])
def test_a_part_of_a_shopeepay_payment_is_refused_before_midtrans_is_called(admin, sandbox, shopeepay_order, how):
    if how == "part":
        response = refund(admin, shopeepay_order, amount=30000)
    else:  # a line refund posted anyway (an old page, a crafted form)
        response = refund(admin, shopeepay_order, lines={"Teh Tarik": 1})
    assert response.status_code == 422
    total = f"Rp{shopeepay_order.total_idr:,}".replace(",", ".")
    assert (
        f"Not refunded: Midtrans refunds ShopeePay payments only in full. Refund the whole payment of {total} at once"
        in response.get_data(as_text=True)
    )
    assert db.session.execute(db.select(Refund)).scalars().all() == []
    assert midtrans_refunded(sandbox, shopeepay_order) in (None, "0.00")
    assert the_order().payment_status == "paid"


def test_the_whole_shopeepay_payment_is_refunded(admin, sandbox, shopeepay_order):
    response = refund(admin, shopeepay_order, amount=shopeepay_order.total_idr)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert the_order().payment_status == "refunded"
    assert midtrans_refunded(sandbox, shopeepay_order) == f"{shopeepay_order.total_idr}.00"


def test_a_qris_payment_still_offers_items_and_a_part(shopper, kopi, teh, admin, sandbox):
    order = paid_with("qris", shopper, kopi, teh, admin, sandbox)
    assert "Items to refund" in admin.order_page(order.reference)
    assert refund(admin, order, amount=30000).status_code == 200
    assert the_order().payment_status == "partially_refunded"
