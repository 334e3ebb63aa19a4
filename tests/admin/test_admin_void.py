"""Void or refund, decided by what Midtrans says of the card payment now: a capture (charged, not settled)
is voided in full with Core API `cancel`; a refund is only sent once it settled, and a 412 is explained."""

import pytest

from storefront.extensions import db
from storefront.payments.models import Refund
from tests.support.admin import pay_by_card, stock_of
from tests.support.helpers import force_sandbox_state, sandbox_transaction, the_order


@pytest.fixture
def captured(admin, placed):
    pay_by_card(placed, "4811 1111 1111 1114")
    admin.act(placed.reference, "recheck", confirm=False)
    order = the_order()
    assert order.payment_status == "paid" and order.current_attempt.transaction_status == "capture"
    return order


def test_a_captured_card_payment_offers_a_void_and_no_refund(admin, captured):
    html = admin.order_page(captured.reference)
    assert "Void card payment" in html
    assert "Refund through Midtrans" not in html and "Record manual refund" not in html


def test_voiding_a_capture_cancels_the_order_and_releases_the_stock(admin, sandbox, captured, kopi):
    before = stock_of(kopi.id)
    response = admin.act(captured.reference, "void")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Card payment voided" in response.get_data(as_text=True)
    order = the_order()
    assert order.payment_status == "cancelled" and not order.stock_reserved
    assert stock_of(kopi.id) == before + sum(item.quantity for item in order.items if item.product_id == kopi.id)
    assert sandbox_transaction(sandbox, captured.current_attempt.midtrans_order_id)["transaction_status"] == "cancel"
    # A second void finds nothing to void.
    assert admin.act(captured.reference, "void").status_code == 422
    assert stock_of(kopi.id) == before + 2


def test_a_capture_that_settled_meanwhile_is_not_voided_and_the_refund_is_offered(admin, sandbox, captured):
    force_sandbox_state(sandbox, captured.current_attempt.midtrans_order_id, "settlement", "credit_card")
    response = admin.act(captured.reference, "void")
    assert response.status_code == 422
    assert "no longer only captured (it is settled)" in response.get_data(as_text=True)
    order = the_order()
    assert order.payment_status == "paid" and order.current_attempt.transaction_status == "settlement"
    html = admin.order_page(order.reference)
    assert "Void card payment" not in html and "Refund through Midtrans" in html


def test_a_refund_of_a_capture_is_explained_and_nothing_is_sent(admin, sandbox, captured):
    # The page offered a refund when the payment looked settled; Midtrans says "capture" now.
    token = "tok-capture-refund"
    data = {"amount_idr": 50000, "reason": "Rusak", "request_token": token}
    response = admin.act(captured.reference, "refund", data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "not settled yet" in text and "Void it in full now" in text
    assert db.session.execute(db.select(Refund)).first() is None
    assert sandbox_transaction(sandbox, captured.current_attempt.midtrans_order_id).get("refunds", []) == []
