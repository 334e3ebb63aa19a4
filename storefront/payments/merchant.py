"""What the merchant can do to a payment from the back office: re-check, cancel, approve or deny a
challenged card payment, refund (through Midtrans, or recorded after paying it out by hand).

Every Midtrans answer is applied through `service.apply_status` / `service.recheck_attempt`, the same
single path that notifications take, so the state machine, the stock rules and the signals are the
same whoever moved the payment. As in service.py, no database lock is held while Midtrans is called.
"""

import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from ..admin.models import Refund, StockMovement
from ..database import write_transaction
from ..extensions import db
from ..inventory import release_stock
from ..models import Order, PaymentAttempt, Product, utcnow
from ..money import format_idr
from ..order_status import OrderStatus as S
from ..order_status import can_move
from ..signals import order_refunded
from .gateway import GatewayError, parse_transaction
from .service import (
    Outcome,
    announce_status_change,
    apply_status,
    bump_status_version,
    gateway,
    lock_order,
    payment_event,
    recheck_attempt,
)

log = logging.getLogger(__name__)

# Methods the Core API refund endpoint accepts (midtrans.md §6.5); VA, bill and convenience-store
# payments answer 412 and must be paid back by hand.
API_REFUNDABLE_PAYMENT_TYPES = frozenset({"credit_card", "gopay", "shopeepay", "qris"})
# Transaction states in which Midtrans holds the shopper's money for this attempt.
PAID_TRANSACTION_STATUSES = frozenset({"capture", "settlement", "refund", "partial_refund"})
# Transaction states `cancel` can still void (midtrans.md §6.2).
VOIDABLE_TRANSACTION_STATUSES = frozenset({"pending", "capture", "authorize"})
CANCELLABLE_ORDER_STATUSES = frozenset({S.AWAITING_PAYMENT, S.UNDER_REVIEW})
REFUNDABLE_ORDER_STATUSES = frozenset({S.PAID, S.PARTIALLY_REFUNDED})
# Set on the order from just before a refund request until Midtrans's answer is known: if the answer
# never comes (timeout, crash), the order shows up under "needs attention".
ATTENTION_REFUND_PENDING = "refund_pending"



class MerchantActionError(Exception):
    """The action was not done; `str(exc)` is a message for the staff member."""


class NotAllowedNow(MerchantActionError):
    pass


class MidtransUnavailable(MerchantActionError):
    pass


class RefundNotSupported(MerchantActionError):
    """Midtrans cannot refund this payment method: pay the money back by hand and record it."""


class RefundRejected(MerchantActionError):
    pass


@dataclass(frozen=True)
class ActionResult:
    message: str
    # False when Midtrans's answer meant something other than what was asked (shown as a warning).
    done: bool = True


# ---------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------


def paid_attempt(order):
    """The attempt Midtrans holds (or held) the shopper's money for, or None."""
    for attempt in reversed(order.attempts):
        if attempt.transaction_status in PAID_TRANSACTION_STATUSES:
            return attempt
    return None


def challenged_attempt(order):
    for attempt in reversed(order.attempts):
        if attempt.transaction_status == "capture" and attempt.fraud_status == "challenge":
            return attempt
    return None


def refunds_for(order_id):
    return db.session.execute(db.select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)).scalars().all()


@dataclass(frozen=True)
class RefundTotals:
    paid_idr: int
    refunded_idr: int
    pending_idr: int

    @property
    def refundable_idr(self):
        return max(0, self.paid_idr - self.refunded_idr - self.pending_idr)


def refund_totals(order):
    """Paid, refunded and in-flight amounts of an order.

    Midtrans's own count (`attempt.refunded_idr`, from verified data) also includes refunds made in the
    Midtrans dashboard; ours may be ahead of it until the refund's status is applied. Manual refunds
    are only ours.
    """
    attempt = paid_attempt(order)
    if attempt is None:
        return RefundTotals(0, 0, 0)
    refunds = refunds_for(order.id)
    api_done = sum(r.amount_idr for r in refunds if r.method == "midtrans" and r.status == "succeeded")
    manual_done = sum(r.amount_idr for r in refunds if r.method == "manual" and r.status == "succeeded")
    pending = sum(r.amount_idr for r in refunds if r.status == "pending")
    at_midtrans = max(sum(a.refunded_idr or 0 for a in order.attempts), api_done)
    return RefundTotals(attempt.gross_amount_idr, at_midtrans + manual_done, pending)


def can_refund_through_midtrans(order):
    attempt = paid_attempt(order)
    return attempt is not None and attempt.payment_type in API_REFUNDABLE_PAYMENT_TYPES


# ---------------------------------------------------------------------------------------------------
# Re-check, cancel, approve, deny
# ---------------------------------------------------------------------------------------------------


def recheck(order_id, attempt_number=None):
    """Ask the status API about an attempt (the current one by default) and apply its answer."""
    order = db.session.get(Order, order_id)
    attempts = [a for a in order.attempts if attempt_number is None or a.number == attempt_number]
    if not attempts:
        raise NotAllowedNow(_("This order has no such payment attempt."))
    attempt = attempts[-1]
    try:
        outcome = recheck_attempt(attempt, source="recheck")
    except GatewayError as exc:
        raise _merchant_error(exc) from None
    return ActionResult(_("Midtrans was asked: %(outcome)s", outcome=outcome.message))


def cancel(order_id):
    """Cancel an unpaid order: void its transaction at Midtrans, or cancel here if Midtrans has none.

    `cancel` voids pending, captured and authorised transactions; a pending one Midtrans refuses to
    cancel (412) is force-expired instead. Midtrans's answer is then applied like a notification.
    """
    order = db.session.get(Order, order_id)
    if order.status not in CANCELLABLE_ORDER_STATUSES:
        raise NotAllowedNow(_("Only an order that is not paid yet can be cancelled."))
    attempt = order.current_attempt
    if attempt is None:
        return _cancel_locally(order_id, None, None)
    attempt_id, midtrans_order_id = attempt.id, attempt.midtrans_order_id
    db.session.rollback()  # no transaction stays open while Midtrans is called
    try:
        status = gateway().get_status(midtrans_order_id)
        if status is None:
            return _cancel_locally(order_id, attempt_id, midtrans_order_id)
        if status.transaction_status not in VOIDABLE_TRANSACTION_STATUSES:
            # Midtrans has already ended (or settled) it: record what it says instead.
            outcome = apply_status(attempt_id, status, source="cancel")
            return ActionResult(
                _("Not cancelled: Midtrans says the payment is %(status)s (%(outcome)s).",
                  status=status.transaction_status, outcome=outcome.message),
                done=False,
            )
        try:
            answer = gateway().cancel(midtrans_order_id)
        except GatewayError as exc:
            if not (_is_412(exc) and status.transaction_status == "pending"):
                raise
            answer = gateway().expire(midtrans_order_id)
        outcome = _apply_answer(attempt_id, midtrans_order_id, answer, source="cancel")
    except GatewayError as exc:
        raise _merchant_error(exc) from None
    return ActionResult(_("Midtrans answered: %(outcome)s", outcome=outcome.message))


def _cancel_locally(order_id, attempt_id, midtrans_order_id):
    """Midtrans has no transaction (no method chosen yet): cancel here and release the stock once."""
    with write_transaction():
        order = lock_order(order_id)
        current = order.current_attempt
        if order.status != S.AWAITING_PAYMENT or (current.id if current else None) != attempt_id:
            # A notification moved the order while we asked Midtrans.
            return ActionResult(_("The order changed meanwhile; nothing was cancelled. Look again."), done=False)
        order.status = S.CANCELLED
        release_stock(order)
        bump_status_version(order)
        message = "no transaction at Midtrans: cancelled here, stock released"
        if attempt_id is not None:
            payload = {"status_code": "404", "order_id": midtrans_order_id}
            db.session.add(payment_event(attempt_id, payload, "cancel", None, Outcome(True, message)))
        attention = order.attention
    announce_status_change(order_id, S.AWAITING_PAYMENT, S.CANCELLED, attention)
    return ActionResult(_("Cancelled. Midtrans had no transaction for it yet; the stock was released."))


def approve(order_id):
    return _decide_challenge(order_id, "approve")


def deny(order_id):
    return _decide_challenge(order_id, "deny")


def _decide_challenge(order_id, decision):
    order = db.session.get(Order, order_id)
    attempt = challenged_attempt(order) if order.status == S.UNDER_REVIEW else None
    if attempt is None:
        raise NotAllowedNow(_("Only a card payment under review can be approved or denied."))
    attempt_id, midtrans_order_id = attempt.id, attempt.midtrans_order_id
    db.session.rollback()
    try:
        call = gateway().approve if decision == "approve" else gateway().deny
        outcome = _apply_answer(attempt_id, midtrans_order_id, call(midtrans_order_id), source=decision)
    except GatewayError as exc:
        raise _merchant_error(exc) from None
    return ActionResult(_("Midtrans answered: %(outcome)s", outcome=outcome.message))


def _apply_answer(attempt_id, midtrans_order_id, answer, *, source):
    """Apply a Core API action's answer (it has the status fields); ask the status API if it has not."""
    status = parse_transaction(answer)
    if status is None or status.order_id != midtrans_order_id:
        attempt = db.session.get(PaymentAttempt, attempt_id)
        return recheck_attempt(attempt, source=source)
    return apply_status(attempt_id, status, source=source)


# ---------------------------------------------------------------------------------------------------
# Refunds
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundRequest:
    amount_idr: int
    reason: str
    restock: bool
    # From the submitted form: the same form submitted twice is the same refund.
    request_token: str
    staff_id: int | None


@dataclass(frozen=True)
class PayoutDetails:
    bank_name: str
    account_number: str
    account_holder: str
    paid_out_by: str


def refund(order_id, request):
    """Refund through the Midtrans Core API, idempotently.

    The refund row and its `refund_key` are committed before Midtrans is called; every try of this
    request (a double submit, a retry after a timeout) sends the same key, and Midtrans refunds a key
    only once. The new order status comes from the status API, through `recheck_attempt`.
    """
    refund_id = _open_refund(order_id, request, method="midtrans")
    return send_refund(refund_id)


def send_refund(refund_id):
    """(Re)send a refund that is not finished yet; a finished one is reported, not repeated."""
    refund_row = db.session.get(Refund, refund_id)
    if refund_row.status == "succeeded":
        return ActionResult(_("This refund was already made."))
    if refund_row.status != "pending":
        raise NotAllowedNow(_("This refund was refused by Midtrans; start a new one if needed."))
    attempt_id = refund_row.attempt_id
    args = (refund_row.attempt.midtrans_order_id, refund_row.amount_idr, refund_row.refund_key, refund_row.reason or "Refund")
    order_id = refund_row.order_id
    db.session.rollback()
    try:
        answer = gateway().refund(*args)
    except GatewayError as exc:
        if _is_412(exc):
            _close_refund(refund_id, "rejected", error=str(exc))
            raise RefundNotSupported(
                _("Midtrans cannot refund this payment method. Pay the money back by bank transfer and record it as a manual refund.")
            ) from None
        if exc.retryable:
            _note_refund_error(refund_id, str(exc))
            raise MidtransUnavailable(
                _("Midtrans did not confirm the refund (%(error)s). Try again: the retry uses the same refund key, so the shopper cannot be refunded twice.",
                  error=str(exc))
            ) from None
        _close_refund(refund_id, "failed", error=str(exc))
        raise RefundRejected(_("Midtrans refused the refund: %(error)s", error=str(exc))) from None
    _close_refund(refund_id, "succeeded", midtrans_refund_id=str(answer.get("refund_chargeback_id") or "")[:64] or None)
    try:
        recheck_attempt(db.session.get(PaymentAttempt, attempt_id), source="refund")
    except GatewayError as exc:
        # The refund is made; its notification (or the next re-check) brings the new status.
        log.warning("status after refund %s unavailable: %s", args[2], exc)
    _announce_refund(order_id)
    return ActionResult(_("Refund made through Midtrans."))


def record_manual_refund(order_id, request, payout):
    """Record money the merchant paid back outside Midtrans (VA and convenience-store payments)."""
    with write_transaction():
        existing = _refund_for_token(request.request_token)
        if existing is not None:
            if existing.order_id != order_id or existing.method != "manual":
                raise NotAllowedNow(_("This form belongs to another order."))
            return ActionResult(_("This refund was already recorded."))
        order, attempt = _refundable(order_id, request.amount_idr)
        refund_row = _new_refund(order, attempt, request, method="manual")
        refund_row.status = "succeeded"
        refund_row.completed_at = utcnow()
        refund_row.bank_name = payout.bank_name
        refund_row.account_number = payout.account_number
        refund_row.account_holder = payout.account_holder
        refund_row.paid_out_by = payout.paid_out_by
        db.session.flush()
        old_status = order.status
        totals = refund_totals(order)
        target = S.REFUNDED if totals.refunded_idr >= totals.paid_idr else S.PARTIALLY_REFUNDED
        if target != old_status and can_move(old_status, target):
            order.status = target
        bump_status_version(order)
        if request.restock:
            _restock(order, request.staff_id)
        payload = {"refund_key": refund_row.refund_key, "refund_amount": str(request.amount_idr), "method": "manual"}
        message = f"manual refund of {request.amount_idr} recorded; order {old_status} -> {order.status}"
        db.session.add(payment_event(attempt.id, payload, "manual_refund", None, Outcome(True, message)))
        new_status, attention = order.status, order.attention
    announce_status_change(order_id, old_status, new_status, attention)
    _announce_refund(order_id)
    return ActionResult(_("Manual refund recorded."))


def _open_refund(order_id, request, *, method):
    with write_transaction():
        existing = _refund_for_token(request.request_token)
        if existing is not None:
            if existing.order_id != order_id or existing.method != method:
                raise NotAllowedNow(_("This form belongs to another order."))
            return existing.id
        order, attempt = _refundable(order_id, request.amount_idr)
        if attempt.payment_type not in API_REFUNDABLE_PAYMENT_TYPES:
            raise RefundNotSupported(
                _("Midtrans cannot refund this payment method. Pay the money back by bank transfer and record it as a manual refund.")
            )
        refund_row = _new_refund(order, attempt, request, method=method)
        if order.attention is None:
            order.attention = ATTENTION_REFUND_PENDING
        db.session.flush()
        return refund_row.id


def _refundable(order_id, amount_idr):
    order = lock_order(order_id)
    attempt = paid_attempt(order)
    if order.status not in REFUNDABLE_ORDER_STATUSES or attempt is None:
        raise NotAllowedNow(_("Only a paid order can be refunded."))
    refundable = refund_totals(order).refundable_idr
    if not 0 < amount_idr <= refundable:
        raise NotAllowedNow(_("At most %(amount)s can be refunded.", amount=format_idr(refundable)))
    return order, attempt


def _new_refund(order, attempt, request, *, method):
    number = db.session.execute(db.select(db.func.count(Refund.id)).where(Refund.order_id == order.id)).scalar_one() + 1
    refund_row = Refund(
        order_id=order.id,
        attempt_id=attempt.id,
        request_token=request.request_token,
        refund_key=f"{order.reference}-r{number}",
        method=method,
        amount_idr=request.amount_idr,
        reason=request.reason[:255],
        restock=request.restock,
        status="pending",
        staff_id=request.staff_id,
    )
    db.session.add(refund_row)
    return refund_row


def _refund_for_token(token):
    return db.session.execute(db.select(Refund).where(Refund.request_token == token)).scalar_one_or_none()


def _note_refund_error(refund_id, error):
    with write_transaction():
        db.session.get(Refund, refund_id).last_error = error[:255]


def _close_refund(refund_id, status, *, error=None, midtrans_refund_id=None):
    with write_transaction():
        refund_row = db.session.get(Refund, refund_id)
        order = lock_order(refund_row.order_id)
        if refund_row.status != "pending":
            return
        refund_row.status = status
        refund_row.last_error = error[:255] if error else None
        refund_row.midtrans_refund_id = midtrans_refund_id
        refund_row.completed_at = utcnow()
        if status == "succeeded" and refund_row.restock:
            _restock(order, refund_row.staff_id)
        still_pending = db.session.execute(
            db.select(Refund.id).where(Refund.order_id == order.id, Refund.status == "pending", Refund.id != refund_id)
        ).first()
        if order.attention == ATTENTION_REFUND_PENDING and not still_pending:
            order.attention = None


def _restock(order, staff_id):
    """Put a refunded order's units back on sale, once (the reservation flag guards it)."""
    if not release_stock(order):
        return False
    for item in sorted(order.items, key=lambda i: i.product_id):
        stock_after = db.session.execute(db.select(Product.stock).where(Product.id == item.product_id)).scalar_one()
        db.session.add(
            StockMovement(
                product_id=item.product_id,
                delta=item.quantity,
                stock_after=stock_after,
                reason="refund",
                note=order.reference,
                order_id=order.id,
                staff_id=staff_id,
            )
        )
    return True


def _announce_refund(order_id):
    db.session.rollback()
    order = db.session.get(Order, order_id)
    order_refunded.send(current_app._get_current_object(), order_id=order_id, refunded_idr=refund_totals(order).refunded_idr)


# ---------------------------------------------------------------------------------------------------


def _is_412(exc):
    return exc.api_status == "412" or exc.http_status == 412


def _merchant_error(exc):
    if _is_412(exc):
        return NotAllowedNow(_("Midtrans does not allow this in the transaction's current state (%(error)s).", error=str(exc)))
    return MidtransUnavailable(_("Midtrans could not be reached or refused: %(error)s", error=str(exc)))
