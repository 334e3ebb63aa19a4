"""The Midtrans -> order status table and the allowed moves, checked row by row."""

import pytest

from storefront.order_status import FINAL, PAYMENT_TRANSITIONS, PaymentStatus, can_move
from storefront.payments.states import order_status_for

S = PaymentStatus


@pytest.mark.parametrize(
    "transaction_status, fraud_status, current, expected",
    [
        ("settlement", None, S.AWAITING_PAYMENT, S.PAID),
        ("settlement", "accept", S.AWAITING_PAYMENT, S.PAID),
        ("capture", "accept", S.AWAITING_PAYMENT, S.PAID),
        ("capture", "challenge", S.AWAITING_PAYMENT, S.UNDER_REVIEW),
        ("pending", None, S.AWAITING_PAYMENT, None),
        ("deny", None, S.AWAITING_PAYMENT, None),  # one failed try; Snap lets the shopper retry
        ("deny", "deny", S.UNDER_REVIEW, S.FAILED),  # merchant denied the challenged card
        ("deny", None, S.PAID, S.FAILED),  # reversal
        ("expire", None, S.AWAITING_PAYMENT, S.EXPIRED),
        ("cancel", None, S.AWAITING_PAYMENT, S.CANCELLED),
        ("failure", None, S.AWAITING_PAYMENT, S.FAILED),
        ("refund", None, S.PAID, S.REFUNDED),
        ("partial_refund", None, S.PAID, S.PARTIALLY_REFUNDED),
        ("some_future_status", None, S.AWAITING_PAYMENT, None),
    ],
)
def test_midtrans_status_maps_to_order_status(transaction_status, fraud_status, current, expected):
    assert order_status_for(transaction_status, fraud_status, current) == expected


@pytest.mark.parametrize("late", [S.AWAITING_PAYMENT, S.EXPIRED, S.UNDER_REVIEW])
def test_paid_is_never_downgraded_by_late_events(late):
    assert not can_move(S.PAID, late)


def test_a_voided_card_capture_cancels_a_paid_order():
    # Midtrans `cancel` voids a capture (not a settlement: apply.py checks the attempt was a capture).
    assert order_status_for("cancel", None, S.PAID) == S.CANCELLED and can_move(S.PAID, S.CANCELLED)


@pytest.mark.parametrize("status", list(S))
def test_every_status_has_a_row(status):
    assert status in PAYMENT_TRANSITIONS


def test_only_refunds_reversals_and_a_void_follow_paid():
    assert PAYMENT_TRANSITIONS[S.PAID] == {S.FAILED, S.REFUNDED, S.PARTIALLY_REFUNDED, S.CANCELLED}


def test_awaiting_payment_keeps_polling():
    assert S.AWAITING_PAYMENT not in FINAL and S.UNDER_REVIEW not in FINAL
