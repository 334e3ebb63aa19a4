"""POST /payments/notification: verified, confirmed with the status API, applied once, forward only."""

import pytest
from sqlalchemy.exc import OperationalError

from storefront.extensions import db
from storefront.models import PaymentEvent, Variant
from storefront.payments.apply import apply_status
from storefront.payments.gateway import TransactionStatus
from tests.support.helpers import (
    closed_port_url,
    force_sandbox_state,
    point_gateway_at,
    signed_notification,
    the_order,
)


@pytest.fixture
def awaiting(placed_order):
    """The Midtrans order_id of an order of Rp190.000 awaiting payment."""
    return placed_order.current_attempt.midtrans_order_id


def notify(client, body):
    return client.post("/payments/notification", json=body)


def settle(client, sandbox, order_id, payment_type="bank_transfer"):
    force_sandbox_state(sandbox, order_id, "settlement", payment_type)
    return notify(client, signed_notification(order_id, "settlement", "190000.00"))


def stock():
    db.session.rollback()
    return db.session.execute(db.select(Variant.stock)).scalar_one()


def events():
    db.session.rollback()
    return db.session.execute(db.select(PaymentEvent).order_by(PaymentEvent.id)).scalars().all()


def test_valid_settlement_marks_the_order_paid(client, sandbox, awaiting):
    response = settle(client, sandbox, awaiting)
    assert response.status_code == 200
    order = the_order()
    assert order.payment_status == "paid" and order.paid_at is not None
    assert stock() == 8
    kinds = [(e.source, e.signature_valid, e.applied) for e in events()]
    assert ("notification", True, False) in kinds and ("status", None, True) in kinds


def test_repeated_notification_changes_nothing(client, sandbox, awaiting):
    assert settle(client, sandbox, awaiting).status_code == 200
    version = the_order().status_version
    body = signed_notification(awaiting, "settlement", "190000.00")
    assert notify(client, body).status_code == 200
    assert notify(client, body).status_code == 200
    order = the_order()
    assert order.payment_status == "paid" and order.status_version == version
    assert sum(e.applied for e in events()) == 1
    assert stock() == 8


def test_late_pending_after_settlement_keeps_the_order_paid(client, sandbox, awaiting):
    settle(client, sandbox, awaiting)
    response = notify(client, signed_notification(awaiting, "pending", "190000.00"))
    assert response.status_code == 200
    assert the_order().payment_status == "paid"


def test_forged_signature_is_refused_and_changes_nothing(client, sandbox, awaiting, caplog):
    force_sandbox_state(sandbox, awaiting, "settlement", "bank_transfer")
    body = signed_notification(awaiting, "settlement", "190000.00")
    body["signature_key"] = body["signature_key"][:-1] + ("0" if body["signature_key"][-1] != "0" else "1")
    assert notify(client, body).status_code == 403
    assert the_order().payment_status == "awaiting_payment"
    assert events() == []
    assert "bad signature" in caplog.text


def test_signature_made_with_another_key_is_refused(client, sandbox, awaiting):
    body = signed_notification(awaiting, "settlement", "190000.00", key="SB-Mid-server-someone-else")
    assert notify(client, body).status_code == 403


def test_wrong_amount_is_not_paid_even_with_a_valid_signature(client, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting, "settlement", "bank_transfer")
    response = notify(client, signed_notification(awaiting, "settlement", "1000.00"))
    assert response.status_code == 400
    assert the_order().payment_status == "awaiting_payment"
    assert [e.outcome for e in events()] == ["rejected: gross_amount does not match the order"]


def test_unknown_order_is_404_and_creates_nothing(client, sandbox, awaiting):
    response = notify(client, signed_notification("SF-NOSUCHORDER-1", "settlement", "190000.00"))
    assert response.status_code == 404
    assert events() == []


def test_a_claim_the_status_api_contradicts_is_not_applied(client, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting, "pending", "bank_transfer")
    response = notify(client, signed_notification(awaiting, "settlement", "190000.00"))
    assert response.status_code == 200
    order = the_order()
    assert order.payment_status == "awaiting_payment"
    assert order.current_attempt.transaction_status == "pending"  # what the status API said


def test_notification_for_a_transaction_midtrans_does_not_know(client, sandbox, awaiting):
    # No method chosen yet: the status API answers 404.
    response = notify(client, signed_notification(awaiting, "settlement", "190000.00"))
    assert response.status_code == 200
    assert the_order().payment_status == "awaiting_payment"
    assert "does not know" in events()[-1].outcome


def test_status_api_down_answers_503_and_the_retry_succeeds(app, client, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting, "settlement", "bank_transfer")
    body = signed_notification(awaiting, "settlement", "190000.00")
    point_gateway_at(app, closed_port_url())
    assert notify(client, body).status_code == 503
    assert the_order().payment_status == "awaiting_payment"
    point_gateway_at(app, sandbox.base_url)
    assert notify(client, body).status_code == 200
    assert the_order().payment_status == "paid"


def test_database_failure_mid_notification_is_503_with_nothing_half_applied(client, sandbox, awaiting, monkeypatch):
    from storefront.payments import apply as service

    force_sandbox_state(sandbox, awaiting, "settlement", "bank_transfer")
    real_release = service._record_on_attempt

    def fail_midway(attempt, status):
        real_release(attempt, status)
        raise OperationalError("UPDATE orders", {}, Exception("database is locked"))

    monkeypatch.setattr(service, "_record_on_attempt", fail_midway)
    response = notify(client, signed_notification(awaiting, "settlement", "190000.00"))
    assert response.status_code == 503
    order = the_order()
    assert order.payment_status == "awaiting_payment" and order.current_attempt.transaction_status is None
    assert events() == []
    monkeypatch.undo()
    assert notify(client, signed_notification(awaiting, "settlement", "190000.00")).status_code == 200
    assert the_order().payment_status == "paid"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'"text"',
        b"{}",
        b'{"order_id": "x"}',
        b'{"order_id": 1, "status_code": [], "gross_amount": "1", "transaction_status": "x"}',
    ],
)
def test_malformed_bodies_are_400(client, awaiting, body):
    response = client.post("/payments/notification", data=body, content_type="application/json")
    assert response.status_code == 400
    assert the_order().payment_status == "awaiting_payment"


def test_browser_get_on_the_notification_url_is_harmless(client, app):
    response = client.get("/payments/notification")
    assert response.status_code == 200 and b"Midtrans" in response.data


def test_notification_needs_no_csrf_token_but_other_posts_do(client, sandbox, awaiting):
    assert settle(client, sandbox, awaiting).status_code == 200
    assert client.post("/cart/add", data={"product_id": 1, "quantity": 1}).status_code == 400


def test_expire_releases_stock_exactly_once(client, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting, "expire", "bank_transfer")
    body = signed_notification(awaiting, "expire", "190000.00")
    assert notify(client, body).status_code == 200
    assert notify(client, body).status_code == 200
    order = the_order()
    assert order.payment_status == "expired" and not order.stock_reserved
    assert stock() == 10


def test_cancel_releases_stock(client, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting, "pending", "bank_transfer")
    force_sandbox_state(sandbox, awaiting, "cancel")
    assert notify(client, signed_notification(awaiting, "cancel", "190000.00")).status_code == 200
    assert the_order().payment_status == "cancelled"
    assert stock() == 10


def test_settlement_after_expiry_is_recorded_and_stock_taken_again(client, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting, "expire", "bank_transfer")
    notify(client, signed_notification(awaiting, "expire", "190000.00"))
    assert stock() == 10
    settle(client, sandbox, awaiting)
    order = the_order()
    assert order.payment_status == "paid" and order.attention == "paid_after_release" and order.stock_reserved
    assert stock() == 8


def test_settlement_after_expiry_without_stock_is_flagged_for_the_merchant(client, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting, "expire", "bank_transfer")
    notify(client, signed_notification(awaiting, "expire", "190000.00"))
    db.session.execute(db.update(Variant).values(stock=1))
    db.session.commit()
    settle(client, sandbox, awaiting)
    order = the_order()
    assert order.payment_status == "paid" and order.attention == "paid_out_of_stock" and not order.stock_reserved
    assert stock() == 1


def test_reversal_of_a_settlement_unpays_the_order_and_flags_it(client, sandbox, awaiting):
    settle(client, sandbox, awaiting)
    force_sandbox_state(sandbox, awaiting, "deny")
    assert notify(client, signed_notification(awaiting, "deny", "190000.00")).status_code == 200
    order = the_order()
    assert order.payment_status == "failed" and order.attention == "payment_reversed"
    assert stock() == 10


def test_refund_notification_marks_the_order_refunded(app, client, sandbox, awaiting):
    settle(client, sandbox, awaiting, payment_type="gopay")
    app.extensions["midtrans_gateway"].refund(awaiting, 190000, "refund-1", "customer request")
    assert notify(client, signed_notification(awaiting, "refund", "190000.00")).status_code == 200
    order = the_order()
    assert order.payment_status == "refunded" and order.current_attempt.refunded_idr == 190000


def test_a_refund_amount_that_is_not_whole_rupiah_moves_the_order_and_keeps_the_last_amount_read(
    client, sandbox, awaiting
):
    settle(client, sandbox, awaiting, payment_type="gopay")
    attempt_id = the_order().current_attempt.id

    def refund_status(amount):
        return TransactionStatus(
            order_id=awaiting, transaction_status="partial_refund", status_code="200", gross_amount="190000.00",
            refund_amount=amount,
        )  # fmt: skip

    assert apply_status(attempt_id, refund_status("50000.50"), source="status").applied
    order = the_order()
    assert order.payment_status == "partially_refunded" and order.current_attempt.refunded_idr == 0
    assert not apply_status(attempt_id, refund_status("nonsense"), source="status").applied
    assert apply_status(attempt_id, refund_status("60000.00"), source="status").applied
    assert the_order().current_attempt.refunded_idr == 60000


def test_repeat_of_an_applied_settlement_needs_no_status_call(app, client, sandbox, awaiting):
    settle(client, sandbox, awaiting)
    point_gateway_at(app, closed_port_url())  # a status call would now fail with 503
    logged = len(events())
    response = notify(client, signed_notification(awaiting, "settlement", "190000.00"))
    assert response.status_code == 200 and response.get_data(as_text=True) == "no change: order already paid\n"
    # The repeat is still in the merchant's audit trail: exactly one row, applying nothing.
    assert len(events()) == logged + 1
    assert events()[-1].outcome == "no change: order already paid" and not events()[-1].applied


def test_reversal_claim_on_a_paid_order_is_still_checked(app, client, sandbox, awaiting):
    settle(client, sandbox, awaiting)
    point_gateway_at(app, closed_port_url())
    assert notify(client, signed_notification(awaiting, "deny", "190000.00")).status_code == 503
    assert the_order().payment_status == "paid"


@pytest.mark.parametrize("mode, within", [("hang", 2.5), ("garbage", 1.0), ("500", 1.0)])
def test_a_misbehaving_status_api_gives_503_quickly(app, client, sandbox, awaiting, broken_midtrans, mode, within):
    import time

    broken_midtrans["mode"] = mode
    point_gateway_at(app, broken_midtrans["url"], read_timeout=1.0)
    started = time.monotonic()
    response = notify(client, signed_notification(awaiting, "settlement", "190000.00"))
    assert response.status_code == 503
    assert time.monotonic() - started < within
    assert the_order().payment_status == "awaiting_payment"
