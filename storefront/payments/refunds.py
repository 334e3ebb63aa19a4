"""Refunds started in the back office: through the Midtrans refund API, or recorded after paying out by hand.

A refund's row and key are committed before Midtrans is called, so a retry can never refund twice; the
new order status comes from the status API through `recheck_attempt`, like every other change.
"""

import logging
from dataclasses import dataclass

from flask_babel import gettext as _

from ..appctx import the_app
from ..database import write_transaction
from ..extensions import db
from ..inventory import StockMovement, release_stock
from ..models import Order, PaymentAttempt, Product, utcnow
from ..money import format_idr
from ..order_status import PaymentStatus as S
from ..order_status import can_move
from ..signals import order_refunded
from .actions import (
    ActionResult,
    MidtransUnavailable,
    NotAllowedNow,
    RefundNotSupported,
    RefundRejected,
    is_412,
    merchant_error,
)
from .apply import Outcome, announce_status_change, apply_status, payment_event
from .gateway import GatewayError
from .models import Refund
from .reads import API_REFUNDABLE_PAYMENT_TYPES, paid_attempt, refund_totals
from .recheck import recheck_attempt
from .setup import gateway
from .states import ATTENTION_REFUND_PENDING
from .words import transaction_state_label

log = logging.getLogger(__name__)

REFUNDABLE_ORDER_STATUSES = frozenset({S.PAID, S.PARTIALLY_REFUNDED})


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
    _check_settled(order_id)
    refund_id = _open_refund(order_id, request, method="midtrans")
    return send_refund(refund_id)


def method_not_refundable():
    return RefundNotSupported(
        _(
            "Midtrans cannot refund this payment method. Pay the money back by bank transfer and record it as a manual refund."
        )
    )


def not_settled_error():
    return NotAllowedNow(
        _(
            "Not refunded: the card payment is not settled yet, so Midtrans cannot refund it. "
            "Void it in full now, or refund after settlement (usually the next day)."
        )
    )


def _check_settled(order_id):
    """Ask Midtrans for the transaction's state now (the stored one may be a day old) and record it.

    A capture (card charged, not settled) cannot be refunded, only voided in full: say so instead of
    sending a refund Midtrans would answer with 412.
    """
    attempt = paid_attempt(db.session.get(Order, order_id))
    if attempt is None:
        return  # _open_refund explains
    attempt_id, midtrans_order_id = attempt.id, attempt.midtrans_order_id
    db.session.rollback()
    try:
        status = gateway().get_status(midtrans_order_id)
    except GatewayError as exc:
        raise merchant_error(exc) from None
    if status is not None:
        apply_status(attempt_id, status, source="refund")
        if status.transaction_status == "capture":
            raise not_settled_error()


def _refused_412(refund_id):
    """Why Midtrans answered 412 to a refund, from what it says of the transaction now."""
    refund_row = db.session.get(Refund, refund_id)
    payment_type, midtrans_order_id = refund_row.attempt.payment_type, refund_row.attempt.midtrans_order_id
    db.session.rollback()
    if payment_type not in API_REFUNDABLE_PAYMENT_TYPES:
        return method_not_refundable()
    try:
        status = gateway().get_status(midtrans_order_id)
    except GatewayError:
        status = None
    state = status.transaction_status if status else None
    if state == "capture":
        return not_settled_error()
    return RefundNotSupported(
        _(
            "Midtrans does not refund this transaction in its current state (%(state)s). "
            "Pay the money back by bank transfer and record it as a manual refund.",
            state=transaction_state_label(state),
        )
    )


def send_refund(refund_id):
    """(Re)send a refund that is not finished yet; a finished one is reported, not repeated."""
    refund_row = db.session.get(Refund, refund_id)
    if refund_row.status == "succeeded":
        return ActionResult(_("This refund was already made."))
    if refund_row.status != "pending":
        raise NotAllowedNow(_("This refund was refused by Midtrans; start a new one if needed."))
    attempt_id = refund_row.attempt_id
    args = (
        refund_row.attempt.midtrans_order_id,
        refund_row.amount_idr,
        refund_row.refund_key,
        refund_row.reason or "Refund",
    )
    order_id = refund_row.order_id
    db.session.rollback()
    try:
        answer = gateway().refund(*args)
    except GatewayError as exc:
        if is_412(exc):
            _close_refund(refund_id, "rejected", error=str(exc))
            raise _refused_412(refund_id) from None
        if exc.retryable:
            _note_refund_error(refund_id, str(exc))
            raise MidtransUnavailable(
                _(
                    "Midtrans did not confirm the refund (%(error)s). Try again: the retry uses the same refund key, so the shopper cannot be refunded twice.",
                    error=str(exc),
                )
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
        old_status = order.payment_status
        totals = refund_totals(order)
        target = S.REFUNDED if totals.refunded_idr >= totals.paid_idr else S.PARTIALLY_REFUNDED
        if target != old_status and can_move(old_status, target):
            order.payment_status = target
        order.bump_status_version()
        if request.restock:
            _restock(order, request.staff_id)
        payload = {"refund_key": refund_row.refund_key, "refund_amount": str(request.amount_idr), "method": "manual"}
        message = f"manual refund of {request.amount_idr} recorded; order {old_status} -> {order.payment_status}"
        db.session.add(payment_event(attempt.id, payload, "manual_refund", None, Outcome(True, message)))
        new_status, attention = order.payment_status, order.attention
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
            raise method_not_refundable()
        refund_row = _new_refund(order, attempt, request, method=method)
        if order.attention is None:
            order.attention = ATTENTION_REFUND_PENDING
        db.session.flush()
        return refund_row.id


def _refundable(order_id, amount_idr):
    order = Order.lock(order_id)
    attempt = paid_attempt(order)
    if order.payment_status not in REFUNDABLE_ORDER_STATUSES or attempt is None:
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
        order = Order.lock(refund_row.order_id)
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
    order_refunded.send(the_app(), order_id=order_id, refunded_idr=refund_totals(order).refunded_idr)
