"""Order actions through HTTP against the sandbox: re-check, cancel, approve / deny, ship, resolve.
Each is a CSRF-protected POST with a confirmation box, audited, and answers htmx with the fragment."""

import pytest

from storefront.admin.models import AuditEntry
from storefront.extensions import db
from storefront.models import PaymentEvent
from storefront.shipping import Shipment
from tests.support.admin import choose_method, pay_by_card, settle, stock_of
from tests.support.helpers import sandbox_transaction, the_order


def audit_actions():
    db.session.rollback()
    return [
        (e.action, e.staff.email)
        for e in db.session.execute(db.select(AuditEntry).where(AuditEntry.action != "login")).scalars()
    ]


def events(source):
    db.session.rollback()
    return db.session.execute(db.select(PaymentEvent).where(PaymentEvent.source == source)).scalars().all()


# ---------------------------------------------------------------------------------------------------
# Re-check
# ---------------------------------------------------------------------------------------------------


def test_recheck_applies_what_the_status_api_says(admin, sandbox, placed):
    settle(sandbox, placed)
    response = admin.act(placed.reference, "recheck", confirm=False)
    assert response.status_code == 200
    assert 'data-order-status="paid"' in response.get_data(as_text=True)
    assert the_order().payment_status == "paid"
    [event] = events("recheck")
    assert event.applied and event.transaction_status == "settlement" and event.signature_valid is None
    assert audit_actions() == [("recheck", "staff@toko.example")]


def test_recheck_before_a_method_is_chosen_changes_nothing(admin, placed):
    response = admin.act(placed.reference, "recheck", confirm=False)
    assert "No transaction at Midtrans yet" in response.get_data(as_text=True)
    assert the_order().payment_status == "awaiting_payment"


def test_recheck_without_htmx_redirects_back_to_the_order_with_a_message(admin, sandbox, placed):
    settle(sandbox, placed)
    response = admin.act(placed.reference, "recheck", confirm=False, htmx=False)
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/orders/{placed.reference}"
    assert "Midtrans was asked" in admin.order_page(placed.reference)


def test_recheck_when_midtrans_is_down_says_so_and_changes_nothing(app, admin, sandbox, placed):
    from tests.support.helpers import closed_port_url, point_gateway_at

    settle(sandbox, placed)
    point_gateway_at(app, closed_port_url())
    response = admin.act(placed.reference, "recheck", confirm=False)
    assert response.status_code == 422
    assert "could not connect to Midtrans" in response.get_data(as_text=True)
    assert the_order().payment_status == "awaiting_payment"
    assert audit_actions()[0][0] == "recheck"


# ---------------------------------------------------------------------------------------------------
# Cancel
# ---------------------------------------------------------------------------------------------------


def test_cancel_before_a_method_is_chosen_cancels_here_and_releases_stock_once(admin, placed, kopi):
    assert stock_of(kopi.id) == 8
    response = admin.act(placed.reference, "cancel")
    assert response.status_code == 200
    order = the_order()
    assert order.payment_status == "cancelled" and not order.stock_reserved
    assert stock_of(kopi.id) == 10
    [event] = events("cancel")
    assert event.applied and event.payload["status_code"] == "404"
    # A second cancel is refused and releases nothing more.
    again = admin.act(placed.reference, "cancel")
    assert again.status_code == 422
    assert stock_of(kopi.id) == 10


def test_cancel_a_pending_payment_voids_it_at_midtrans(admin, sandbox, placed, kopi):
    choose_method(sandbox, placed, "bca_va")
    response = admin.act(placed.reference, "cancel")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert sandbox_transaction(sandbox, placed.current_attempt.midtrans_order_id)["transaction_status"] == "cancel"
    assert the_order().payment_status == "cancelled"
    assert stock_of(kopi.id) == 10
    assert [e.transaction_status for e in events("cancel")] == ["cancel"]


def test_cancel_needs_the_confirmation_box(admin, sandbox, placed):
    response = admin.act(placed.reference, "cancel", confirm=False)
    assert response.status_code == 422
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    assert the_order().payment_status == "awaiting_payment"
    assert audit_actions() == []


def test_cancel_without_htmx_and_without_confirmation_shows_the_page_with_the_error(admin, placed):
    response = admin.act(placed.reference, "cancel", confirm=False, htmx=False)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" in html and "Tick the box to confirm." in html


def test_cancel_of_a_paid_order_is_refused(admin, sandbox, placed):
    settle(sandbox, placed)
    admin.act(placed.reference, "recheck", confirm=False)
    response = admin.act(placed.reference, "cancel")
    assert response.status_code == 422
    assert the_order().payment_status == "paid"


def test_cancel_finds_a_payment_made_meanwhile_and_records_it_instead(admin, sandbox, placed):
    settle(sandbox, placed)  # Midtrans has it settled; we have not heard yet
    response = admin.act(placed.reference, "cancel")
    assert "Not cancelled" in response.get_data(as_text=True)
    assert the_order().payment_status == "paid"


# ---------------------------------------------------------------------------------------------------
# Approve / deny a challenged card payment
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def challenged(admin, placed):
    pay_by_card(placed, "4511 1111 1111 1117")
    admin.act(placed.reference, "recheck", confirm=False)
    order = the_order()
    assert order.payment_status == "under_review" and order.attention == "under_review"
    return order


def test_approve_a_challenged_card_payment(admin, sandbox, challenged, kopi):
    html = admin.order_page(challenged.reference)
    assert "Approve payment" in html and "Deny payment" in html
    response = admin.act(challenged.reference, "approve")
    assert response.status_code == 200
    order = the_order()
    assert order.payment_status == "paid" and order.attention is None
    assert sandbox_transaction(sandbox, challenged.current_attempt.midtrans_order_id)["fraud_status"] == "accept"
    assert stock_of(kopi.id) == 8
    assert audit_actions() == [("recheck", "staff@toko.example"), ("approve", "staff@toko.example")]


def test_deny_a_challenged_card_payment_fails_the_order_and_releases_stock(admin, sandbox, challenged, kopi):
    response = admin.act(challenged.reference, "deny")
    assert response.status_code == 200
    assert the_order().payment_status == "failed"
    assert stock_of(kopi.id) == 10
    assert sandbox_transaction(sandbox, challenged.current_attempt.midtrans_order_id)["transaction_status"] == "deny"


def test_approve_is_refused_when_nothing_is_under_review(admin, placed):
    assert admin.act(placed.reference, "approve").status_code == 422
    assert the_order().payment_status == "awaiting_payment"


# ---------------------------------------------------------------------------------------------------
# Ship, resolve attention
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def paid(admin, sandbox, placed):
    settle(sandbox, placed, "gopay")
    admin.act(placed.reference, "recheck", confirm=False)
    assert the_order().payment_status == "paid"
    return the_order()


def test_mark_shipped_with_a_tracking_number(admin, paid):
    response = admin.act(paid.reference, "ship", {"carrier": "JNE", "tracking_number": "JNE123456789"})
    assert response.status_code == 200
    assert "JNE123456789" in response.get_data(as_text=True)
    shipment = db.session.execute(db.select(Shipment)).scalar_one()
    assert (shipment.carrier, shipment.tracking_number, shipment.staff.email) == (
        "JNE",
        "JNE123456789",
        "staff@toko.example",
    )
    assert ("ship", "staff@toko.example") in audit_actions()
    assert admin.act(paid.reference, "ship", {"tracking_number": "AGAIN"}).status_code == 422


def test_only_paid_orders_can_be_shipped(admin, placed):
    response = admin.act(placed.reference, "ship", {"tracking_number": "JNE1"})
    assert response.status_code == 422
    assert db.session.execute(db.select(Shipment)).first() is None


def test_shipping_needs_a_tracking_number(admin, paid):
    response = admin.act(paid.reference, "ship", {"tracking_number": ""})
    assert response.status_code == 422 and "Enter the tracking number." in response.get_data(as_text=True)


def test_resolve_clears_the_attention_flag(admin, challenged):
    response = admin.act(challenged.reference, "resolve")
    assert response.status_code == 200
    assert the_order().attention is None
    assert ("resolve_attention", "staff@toko.example") in audit_actions()
