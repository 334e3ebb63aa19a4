"""Refunds: through the Midtrans refund API (card, e-wallets, QRIS), idempotent per staff request;
recorded by hand for virtual accounts and convenience stores, which Midtrans cannot refund (412)."""

import pytest

from storefront.extensions import db
from storefront.inventory import StockMovement
from storefront.models import PaymentEvent
from storefront.payments.models import Refund
from tests.support.admin import settle, stock_of
from tests.support.helpers import closed_port_url, point_gateway_at, sandbox_transaction, the_order


def paid_order(admin, sandbox, order, payment_type):
    settle(sandbox, order, payment_type)
    admin.act(order.reference, "recheck", confirm=False)
    assert the_order().payment_status == "paid"
    return the_order()


def refunds_at_sandbox(sandbox, order):
    return sandbox_transaction(sandbox, order.current_attempt.midtrans_order_id).get("refunds", [])


def refunds():
    db.session.rollback()
    return db.session.execute(db.select(Refund).order_by(Refund.id)).scalars().all()


def refund(admin, order, amount, token=None, restock=False, htmx=True):
    data = {
        "amount_idr": amount,
        "reason": "Barang rusak",
        "request_token": token or admin.form_value(order.reference, "refund-request_token"),
    }
    if restock:
        data["restock"] = "y"
    return admin.act(order.reference, "refund", data, htmx=htmx)


@pytest.fixture
def gopay_order(admin, sandbox, placed):
    return paid_order(admin, sandbox, placed, "gopay")


def test_full_refund_through_midtrans(admin, sandbox, gopay_order, kopi):
    response = refund(admin, gopay_order, 190000)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Refund of Rp190.000 made through Midtrans." in response.get_data(as_text=True)
    order = the_order()
    assert order.payment_status == "refunded" and order.attention is None
    assert order.current_attempt.refunded_idr == 190000
    [at_sandbox] = refunds_at_sandbox(sandbox, gopay_order)
    assert at_sandbox["refund_key"] == f"{gopay_order.reference}-r1" and at_sandbox["refund_amount"] == "190000.00"
    [row] = refunds()
    assert (row.status, row.method, row.amount_idr, row.staff.email) == (
        "succeeded",
        "midtrans",
        190000,
        "staff@toko.example",
    )
    assert stock_of(kopi.id) == 8  # not restocked unless asked


def test_partial_refunds_then_the_rest(admin, sandbox, gopay_order):
    refund(admin, gopay_order, 50000)
    assert the_order().payment_status == "partially_refunded"
    assert "At most Rp140.000." in admin.order_page(gopay_order.reference)
    refund(admin, gopay_order, 140000)
    assert the_order().payment_status == "refunded"
    assert [r["refund_key"] for r in refunds_at_sandbox(sandbox, gopay_order)] == [
        f"{gopay_order.reference}-r1",
        f"{gopay_order.reference}-r2",
    ]


def test_refund_more_than_paid_is_refused_before_asking_midtrans(admin, sandbox, gopay_order):
    response = refund(admin, gopay_order, 190001)
    assert response.status_code == 422 and "At most Rp190.000 can be refunded." in response.get_data(as_text=True)
    assert refunds() == [] and refunds_at_sandbox(sandbox, gopay_order) == []


def test_refund_with_restock_puts_the_units_back_once_with_a_stock_movement(admin, sandbox, gopay_order, kopi):
    refund(admin, gopay_order, 100000, restock=True)
    assert stock_of(kopi.id) == 10
    refund(admin, gopay_order, 90000, restock=True)
    assert stock_of(kopi.id) == 10  # the order's units come back only once
    [movement] = db.session.execute(db.select(StockMovement)).scalars().all()
    assert (movement.delta, movement.reason, movement.stock_after, movement.order_id) == (
        2,
        "refund",
        10,
        gopay_order.id,
    )


def test_the_same_form_submitted_twice_refunds_once(admin, sandbox, gopay_order):
    token = admin.form_value(gopay_order.reference, "refund-request_token")
    first = refund(admin, gopay_order, 60000, token=token)
    second = refund(admin, gopay_order, 60000, token=token)
    assert first.status_code == second.status_code == 200
    assert "already made" in second.get_data(as_text=True)
    assert len(refunds_at_sandbox(sandbox, gopay_order)) == 1
    assert len(refunds()) == 1
    assert the_order().current_attempt.refunded_idr == 60000


def test_a_refund_whose_answer_was_lost_is_retried_with_the_same_key_and_made_once(app, admin, sandbox, gopay_order):
    point_gateway_at(app, closed_port_url())
    response = refund(admin, gopay_order, 190000)
    assert response.status_code == 422
    assert "the retry uses the same refund key" in response.get_data(as_text=True)
    [pending] = refunds()
    assert pending.status == "pending"
    assert the_order().attention == "refund_pending"
    assert "needs attention" in admin.get("/admin/orders?status=attention").get_data(as_text=True).lower()

    # Meanwhile Midtrans did make the refund (the answer was lost on the way back) ...
    point_gateway_at(app, sandbox.base_url)
    app.extensions["midtrans_gateway"].refund(
        gopay_order.current_attempt.midtrans_order_id, 190000, pending.refund_key, "lost answer"
    )
    # ... and the staff member retries: same key, so no second refund.
    response = admin.act(
        gopay_order.reference, "refunds/%s/retry" % pending.refund_key, prefix=f"retry-{pending.refund_key}"
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(refunds_at_sandbox(sandbox, gopay_order)) == 1
    [done] = refunds()
    assert done.status == "succeeded"
    order = the_order()
    assert order.payment_status == "refunded" and order.attention is None


def test_va_payment_refund_is_rejected_by_midtrans_and_recorded_by_hand(admin, sandbox, placed, kopi):
    order = paid_order(admin, sandbox, placed, "bank_transfer")
    html = admin.order_page(order.reference)
    assert "Record manual refund" in html and "Refund through Midtrans" not in html
    data = {
        "amount_idr": 190000,
        "bank_name": "BCA",
        "account_number": "1234567890",
        "account_holder": "Siti Rahmawati",
        "paid_out_by": "Dewi (finance)",
        "reason": "Stok habis",
        "restock": "y",
        "request_token": admin.form_value(order.reference, "manual-request_token"),
    }
    response = admin.act(order.reference, "manual-refund", data, prefix="manual")
    assert response.status_code == 200, response.get_data(as_text=True)
    order = the_order()
    assert order.payment_status == "refunded"
    assert stock_of(kopi.id) == 10
    [row] = refunds()
    assert (row.method, row.status, row.bank_name, row.paid_out_by) == ("manual", "succeeded", "BCA", "Dewi (finance)")
    [event] = db.session.execute(db.select(PaymentEvent).where(PaymentEvent.source == "manual_refund")).scalars().all()
    assert event.applied and event.payload["refund_key"] == row.refund_key
    assert refunds_at_sandbox(sandbox, order) == []


def test_an_api_refund_of_a_va_payment_is_answered_412_and_offers_the_manual_form(admin, sandbox, placed):
    order = paid_order(admin, sandbox, placed, "bank_transfer")
    # A stale page (or a race) may still post the API refund: Midtrans's 412 leads to the manual form.
    db.session.rollback()
    order.current_attempt.payment_type = "gopay"  # what our record said when the form was shown
    db.session.commit()
    response = refund(admin, order, 190000)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Midtrans cannot refund this payment method" in html and "Record manual refund" in html
    assert [r.status for r in refunds()] == ["rejected"]
    order = the_order()
    assert order.payment_status == "paid" and order.attention is None


def test_unpaid_orders_cannot_be_refunded(admin, placed):
    response = refund(admin, placed, 1000, token="x" * 20)
    assert response.status_code == 422
    assert refunds() == []


def test_refund_needs_the_confirmation_box(admin, sandbox, gopay_order):
    data = {"amount_idr": 1000, "request_token": admin.form_value(gopay_order.reference, "refund-request_token")}
    assert admin.act(gopay_order.reference, "refund", data, confirm=False).status_code == 422
    assert refunds() == []
