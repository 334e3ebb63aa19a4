"""The two states of an order and the only moves between them: what was paid, and what was sent.

Payment state moves forward only. The one backward-looking move, from an unpaid end state back to
awaiting payment, is "pay again": the shopper starts a *new* payment attempt, it is never caused by
Midtrans data. Everything that changes an order's payment status goes through `can_move`.

Fulfilment state is the parcel's: it moves on the merchant's word (shipped, delivered) and never
changes money, and money (a partial refund) never stops the rest of an order from being shipped.
Everything that changes it goes through `can_move_fulfilment`.
"""

from enum import StrEnum


class PaymentStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    UNDER_REVIEW = "under_review"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


class FulfilmentStatus(StrEnum):
    UNFULFILLED = "unfulfilled"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"


S = PaymentStatus
F = FulfilmentStatus

# from-state -> states Midtrans data may move it to.
PAYMENT_TRANSITIONS = {
    S.AWAITING_PAYMENT: {S.PAID, S.UNDER_REVIEW, S.EXPIRED, S.CANCELLED, S.FAILED},
    S.UNDER_REVIEW: {S.PAID, S.CANCELLED, S.FAILED},
    # A settlement can be reversed (Permata VA, Mandiri Bill, Indomaret) -> failed; or refunded. A card
    # payment captured but not settled yet can be voided (Core API `cancel`) -> cancelled; apply.py
    # takes that move only while the attempt's verified state is `capture` (a settlement cannot be voided).
    S.PAID: {S.FAILED, S.REFUNDED, S.PARTIALLY_REFUNDED, S.CANCELLED},
    S.PARTIALLY_REFUNDED: {S.REFUNDED},
    # Money can still arrive after we gave up waiting (a late settlement): it must be recorded.
    S.EXPIRED: {S.PAID},
    S.CANCELLED: {S.PAID},
    S.FAILED: {S.PAID},
    S.REFUNDED: set(),
}

# from-state -> states staff may move the parcel to. A parcel comes back from the courier (returned)
# whether or not it was delivered first.
FULFILMENT_TRANSITIONS = {
    F.UNFULFILLED: {F.SHIPPED},
    F.SHIPPED: {F.DELIVERED, F.RETURNED},
    F.DELIVERED: {F.RETURNED},
    F.RETURNED: set(),
}

# Payment states in which the goods may leave: paid, and paid with part of it given back (the rest
# of the order is still owed to the shopper).
SHIPPABLE = frozenset({S.PAID, S.PARTIALLY_REFUNDED})

# States from which the shopper may start a new payment attempt.
RETRYABLE = {S.EXPIRED, S.FAILED}

# States in which the order page stops polling: nothing more is expected without merchant action.
FINAL = {S.PAID, S.EXPIRED, S.CANCELLED, S.FAILED, S.REFUNDED, S.PARTIALLY_REFUNDED}

# States that hold no stock reservation once reached.
RELEASES_STOCK = {S.EXPIRED, S.CANCELLED, S.FAILED}


def can_move(current: str, new: str) -> bool:
    return new in PAYMENT_TRANSITIONS[PaymentStatus(current)]


def can_move_fulfilment(current: str, new: str) -> bool:
    return new in FULFILMENT_TRANSITIONS[FulfilmentStatus(current)]
