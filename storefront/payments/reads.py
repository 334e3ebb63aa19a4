"""What the back office and the e-mails read about an order's money: the paid attempt, refunds, totals."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..extensions import db
from ..models import Order, PaymentAttempt
from .models import Refund

# Methods the Core API refund endpoint accepts (midtrans.md §6.5); VA, bill and convenience-store
# payments answer 412 and must be paid back by hand.
API_REFUNDABLE_PAYMENT_TYPES = frozenset({"credit_card", "gopay", "shopeepay", "qris"})
# Methods Midtrans refunds only in full, in one refund of the whole payment (midtrans.md §6.5: "ShopeePay
# and OVO don't allow partial"). A partial or per-line refund of them is refused before any call.
FULL_REFUND_ONLY_PAYMENT_TYPES = frozenset({"shopeepay", "ovo"})
# Transaction states in which Midtrans holds the shopper's money for this attempt.
PAID_TRANSACTION_STATUSES = frozenset({"capture", "settlement", "refund", "partial_refund"})


def paid_attempt(order: Order) -> PaymentAttempt | None:
    """The attempt Midtrans holds (or held) the shopper's money for, or None."""
    for attempt in reversed(order.attempts):
        if attempt.transaction_status in PAID_TRANSACTION_STATUSES:
            return attempt
    return None


def awaiting_settlement(order: Order) -> bool:
    """True while the last verified state of the paid card payment is `capture`: Midtrans can void it
    (whole transaction, `cancel`) but not refund it until it settles, usually the next day."""
    attempt = paid_attempt(order)
    return order.payment_status == "paid" and attempt is not None and attempt.transaction_status == "capture"


def challenged_attempt(order: Order) -> PaymentAttempt | None:
    for attempt in reversed(order.attempts):
        if attempt.transaction_status == "capture" and attempt.fraud_status == "challenge":
            return attempt
    return None


def refunds_for(order_id: int) -> Sequence[Refund]:
    return db.session.execute(db.select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)).scalars().all()


def refunds_by_order(order_ids: Collection[int]) -> dict[int, list[Refund]]:
    """{order id: its refunds} for many orders in one query (an export of a month of orders)."""
    found: dict[int, list[Refund]] = {order_id: [] for order_id in order_ids}
    if found:
        statement = db.select(Refund).where(Refund.order_id.in_(order_ids)).order_by(Refund.id)
        for refund in db.session.execute(statement).scalars():
            found[refund.order_id].append(refund)
    return found


@dataclass(frozen=True)
class RefundTotals:
    paid_idr: int
    refunded_idr: int
    pending_idr: int

    @property
    def refundable_idr(self) -> int:
        return max(0, self.paid_idr - self.refunded_idr - self.pending_idr)


def refund_totals(order: Order, refunds: Sequence[Refund] | None = None) -> RefundTotals:
    """Paid, refunded and in-flight amounts of an order (`refunds`: its refunds, when already loaded).

    Midtrans's own count (`attempt.refunded_idr`, from verified data) also includes refunds made in the
    Midtrans dashboard; ours may be ahead of it until the refund's status is applied. Manual refunds
    are only ours.
    """
    attempt = paid_attempt(order)
    if attempt is None:
        return RefundTotals(0, 0, 0)
    if refunds is None:
        refunds = refunds_for(order.id)
    api_done = sum(r.amount_idr for r in refunds if r.method == "midtrans" and r.status == "succeeded")
    manual_done = sum(r.amount_idr for r in refunds if r.method == "manual" and r.status == "succeeded")
    pending = sum(r.amount_idr for r in refunds if r.status == "pending")
    at_midtrans = max(sum(a.refunded_idr or 0 for a in order.attempts), api_done)
    return RefundTotals(attempt.gross_amount_idr, at_midtrans + manual_done, pending)


def full_refund_only_method(order: Order) -> str | None:
    """The paid attempt's method if Midtrans refunds it only in full (else None)."""
    attempt = paid_attempt(order)
    return (
        attempt.payment_type if attempt is not None and attempt.payment_type in FULL_REFUND_ONLY_PAYMENT_TYPES else None
    )


def can_refund_through_midtrans(order: Order) -> bool:
    attempt = paid_attempt(order)
    return attempt is not None and attempt.payment_type in API_REFUNDABLE_PAYMENT_TYPES


def refund_attempt(refund_row: Refund) -> PaymentAttempt:
    """The payment a refund gives money back from. Every refund is made with one (`refunds._new_refund`);
    the column allows NULL only because the table was created so, and a row without one is broken."""
    if refund_row.attempt is None:
        raise LookupError(f"refund {refund_row.id} names no payment attempt")
    return refund_row.attempt
