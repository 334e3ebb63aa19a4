"""What a verified Midtrans transaction status means for the order. One table, one place.

Rows follow the Midtrans reference (midtrans.md §5): `settlement`, or `capture` with fraud `accept`,
is paid; `capture` + `challenge` waits for the merchant; `deny` during payment is one failed try that
the shopper may repeat on the same Snap page, so the order keeps waiting; `deny` on a paid order is a
reversal; refunds and chargebacks follow a payment.
"""

from ..order_status import PaymentStatus as S

# (transaction_status, fraud_status) -> order status; fraud_status None matches "absent".
_BY_FRAUD = {
    ("capture", "accept"): S.PAID,
    ("capture", None): S.PAID,
    ("capture", "challenge"): S.UNDER_REVIEW,
    ("capture", "deny"): S.FAILED,
}

_BY_STATUS: dict[str, S | None] = {
    "settlement": S.PAID,
    "pending": None,
    "authorize": None,
    "cancel": S.CANCELLED,
    "expire": S.EXPIRED,
    "failure": S.FAILED,
    "refund": S.REFUNDED,
    "partial_refund": S.PARTIALLY_REFUNDED,
    "chargeback": S.REFUNDED,
    "partial_chargeback": S.PARTIALLY_REFUNDED,
}

# `deny` depends on where the order is: a failed try while paying, a reversal once paid.
_DENY_BY_ORDER_STATUS: dict[S, S | None] = {
    S.AWAITING_PAYMENT: None,
    S.UNDER_REVIEW: S.FAILED,
    S.PAID: S.FAILED,
}

# Statuses that mean money is (still) with the merchant; the amount must match before they count.
MONEY_RECEIVED = {S.PAID, S.UNDER_REVIEW}

# Why an order needs a merchant's eyes, keyed by what happened.
ATTENTION_REVERSED = "payment_reversed"
ATTENTION_CHARGEBACK = "chargeback"
ATTENTION_PAID_AFTER_RELEASE = "paid_after_release"
ATTENTION_PAID_OUT_OF_STOCK = "paid_out_of_stock"
ATTENTION_AMOUNT_MISMATCH = "amount_mismatch"
ATTENTION_UNDER_REVIEW = "under_review"
# Set on the order from just before a refund request until Midtrans's answer is known: if the answer
# never comes (timeout, crash), the order shows up under "needs attention".
ATTENTION_REFUND_PENDING = "refund_pending"


def order_status_for(transaction_status: str, fraud_status: str | None, current_order_status: str) -> S | None:
    """The order status Midtrans data asks for, or None if it asks for no change of order status."""
    if transaction_status == "capture":
        return _BY_FRAUD.get(("capture", fraud_status), S.UNDER_REVIEW)
    if transaction_status == "settlement" and fraud_status not in (None, "accept"):
        # "if fraud_status is present it must be accept" before fulfilling.
        return S.UNDER_REVIEW
    if transaction_status == "deny":
        return _DENY_BY_ORDER_STATUS.get(S(current_order_status))
    return _BY_STATUS.get(transaction_status)


def attention_for(transaction_status: str, current_order_status: str, new_order_status: str) -> str | None:
    if transaction_status == "deny" and current_order_status == S.PAID:
        return ATTENTION_REVERSED
    if transaction_status in {"chargeback", "partial_chargeback"}:
        return ATTENTION_CHARGEBACK
    if new_order_status == S.UNDER_REVIEW:
        return ATTENTION_UNDER_REVIEW
    return None
