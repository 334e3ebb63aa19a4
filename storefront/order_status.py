"""The order state machine: the states an order can be in and the only moves between them.

Payment state moves forward only. The one backward-looking move, from an unpaid end state back to
awaiting payment, is "pay again": the shopper starts a *new* payment attempt, it is never caused by
Midtrans data. Everything that changes an order's status goes through `can_move`.
"""

from enum import StrEnum


class OrderStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    UNDER_REVIEW = "under_review"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


S = OrderStatus

# from-state -> states Midtrans data may move it to.
PAYMENT_TRANSITIONS = {
    S.AWAITING_PAYMENT: {S.PAID, S.UNDER_REVIEW, S.EXPIRED, S.CANCELLED, S.FAILED},
    S.UNDER_REVIEW: {S.PAID, S.CANCELLED, S.FAILED},
    # A settlement can be reversed (Permata VA, Mandiri Bill, Indomaret) -> failed; or refunded.
    S.PAID: {S.FAILED, S.REFUNDED, S.PARTIALLY_REFUNDED},
    S.PARTIALLY_REFUNDED: {S.REFUNDED},
    # Money can still arrive after we gave up waiting (a late settlement): it must be recorded.
    S.EXPIRED: {S.PAID},
    S.CANCELLED: {S.PAID},
    S.FAILED: {S.PAID},
    S.REFUNDED: set(),
}

# States from which the shopper may start a new payment attempt.
RETRYABLE = {S.EXPIRED, S.FAILED}

# States in which the order page stops polling: nothing more is expected without merchant action.
FINAL = {S.PAID, S.EXPIRED, S.CANCELLED, S.FAILED, S.REFUNDED, S.PARTIALLY_REFUNDED}

# States that hold no stock reservation once reached.
RELEASES_STOCK = {S.EXPIRED, S.CANCELLED, S.FAILED}


def can_move(current, new):
    return new in PAYMENT_TRANSITIONS[OrderStatus(current)]
