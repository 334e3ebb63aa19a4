"""Refunds started in the back office: through the Midtrans refund API, or recorded after paying out by hand.

A refund's row and key are committed before Midtrans is called, so a retry can never refund twice; the
new order status comes from the status API through `recheck_attempt`, like every other change.
"""

import logging
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..appctx import the_app
from ..database import write_transaction
from ..extensions import db
from ..models import Order, PaymentAttempt, utcnow
from ..money import format_idr
from ..order_status import PaymentStatus as S
from ..order_status import can_move
from ..signals import order_refunded
from . import refund_checks, refund_lines
from .actions import (
    ActionResult,
    MidtransUnavailable,
    NotAllowedNow,
    RefundRejected,
    is_412,
)
from .apply import Outcome, announce_status_change, payment_event
from .gateway import GatewayError
from .models import Refund
from .reads import API_REFUNDABLE_PAYMENT_TYPES, paid_attempt, refund_attempt, refund_totals
from .recheck import recheck_attempt
from .setup import gateway
from .states import ATTENTION_REFUND_PENDING

log = logging.getLogger(__name__)

REFUNDABLE_ORDER_STATUSES = frozenset({S.PAID, S.PARTIALLY_REFUNDED})


@dataclass(frozen=True)
class RefundRequest:
    # None when refunding by line: the amount is then worked out from the order's own line prices.
    amount_idr: int | None
    reason: str
    restock: bool
    # From the submitted form: the same form submitted twice is the same refund.
    request_token: str
    staff_id: int | None
    # {order_item_id: units} for a refund by line; empty for a refund of an amount.
    lines: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PayoutDetails:
    bank_name: str
    account_number: str
    account_holder: str
    paid_out_by: str


def refund(order_id: int, request: RefundRequest) -> ActionResult:
    """Refund through the Midtrans Core API, idempotently.

    The refund row and its `refund_key` are committed before Midtrans is called; every try of this
    request (a double submit, a retry after a timeout) sends the same key, and Midtrans refunds a key
    only once. The new order status comes from the status API, through `recheck_attempt`.
    """
    order = db.session.get_one(Order, order_id)
    refund_checks.refuse_partial(order, paid_attempt(order), request.amount_idr, request.lines)
    refund_checks.check_settled(order_id)
    refund_id = _open_refund(order_id, request, method="midtrans")
    return send_refund(refund_id)


def send_refund(refund_id: int) -> ActionResult:
    """(Re)send a refund that is not finished yet; a finished one is reported, not repeated."""
    refund_row = db.session.get_one(Refund, refund_id)
    if refund_row.status == "succeeded":
        return ActionResult(_("This refund was already made."))
    if refund_row.status != "pending":
        raise NotAllowedNow(_("This refund was refused by Midtrans; start a new one if needed."))
    attempt = refund_attempt(refund_row)
    attempt_id = attempt.id
    args = (
        attempt.midtrans_order_id,
        refund_row.amount_idr,
        refund_row.refund_key,
        refund_row.reason or "Refund",
    )
    db.session.rollback()
    try:
        answer = gateway().refund(*args)
    except GatewayError as exc:
        if is_412(exc):
            _close_refund(refund_id, "rejected", error=str(exc))
            raise refund_checks.refused_412(refund_id) from None
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
    # Midtrans answers a JSON object; its refund id is only kept for the merchant's records.
    refund_chargeback_id = answer.get("refund_chargeback_id") if isinstance(answer, dict) else None
    amount = _close_refund(refund_id, "succeeded", midtrans_refund_id=str(refund_chargeback_id or "")[:64] or None)
    try:
        recheck_attempt(db.session.get_one(PaymentAttempt, attempt_id), source="refund")
    except GatewayError as exc:
        # The refund is made; its notification (or the next re-check) brings the new status.
        log.warning("status after refund %s unavailable: %s", args[2], exc)
    return ActionResult(_("Refund of %(amount)s made through Midtrans.", amount=format_idr(amount)))


def record_manual_refund(order_id: int, request: RefundRequest, payout: PayoutDetails) -> ActionResult:
    """Record money the merchant paid back outside Midtrans (VA and convenience-store payments)."""
    with write_transaction():
        existing = _refund_for_token(request.request_token)
        if existing is not None:
            if existing.order_id != order_id or existing.method != "manual":
                raise NotAllowedNow(_("This form belongs to another order."))
            return ActionResult(_("This refund was already recorded."))
        order, attempt, amount = _refundable(order_id, request)
        refund_row = _new_refund(order, attempt, request, amount, method="manual")
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
            refund_lines.restock(order, refund_row, request.staff_id)
        payload = {"refund_key": refund_row.refund_key, "refund_amount": str(amount), "method": "manual"}
        message = f"manual refund of {amount} recorded; order {old_status} -> {order.payment_status}"
        db.session.add(payment_event(attempt.id, payload, "manual_refund", None, Outcome(True, message)))
        # Inside the transaction: the shopper's e-mails about it are queued in it (see signals.py).
        announce_status_change(order_id, old_status, order.payment_status, order.attention)
        _announce_refund(order)
    return ActionResult(_("Manual refund of %(amount)s recorded.", amount=format_idr(amount)))


def _open_refund(order_id: int, request: RefundRequest, *, method: str) -> int:
    with write_transaction():
        existing = _refund_for_token(request.request_token)
        if existing is not None:
            if existing.order_id != order_id or existing.method != method:
                raise NotAllowedNow(_("This form belongs to another order."))
            return existing.id
        order, attempt, amount = _refundable(order_id, request)
        if attempt.payment_type not in API_REFUNDABLE_PAYMENT_TYPES:
            raise refund_checks.method_not_refundable()
        refund_checks.refuse_partial(order, attempt, amount, request.lines)
        refund_row = _new_refund(order, attempt, request, amount, method=method)
        if order.attention is None:
            order.attention = ATTENTION_REFUND_PENDING
        db.session.flush()
        return refund_row.id


def _refundable(order_id: int, request: RefundRequest) -> tuple[Order, PaymentAttempt, int]:
    """(order, paid attempt, amount) under the order's lock; the amount of a line refund is the lines' price."""
    order = Order.lock(order_id)
    attempt = paid_attempt(order)
    if order.payment_status not in REFUNDABLE_ORDER_STATUSES or attempt is None:
        raise NotAllowedNow(_("Only a paid order can be refunded."))
    amount = request.amount_idr or 0
    if request.lines:
        try:
            amount = refund_lines.lines_amount(order, request.lines)
        except refund_lines.LineRefundError:
            raise NotAllowedNow(_("More units than are left to refund of an item; look at the order again.")) from None
    refundable = refund_totals(order).refundable_idr
    if not 0 < amount <= refundable:
        raise NotAllowedNow(_("At most %(amount)s can be refunded.", amount=format_idr(refundable)))
    return order, attempt, amount


def _new_refund(order: Order, attempt: PaymentAttempt, request: RefundRequest, amount: int, *, method: str) -> Refund:
    number = db.session.execute(db.select(db.func.count(Refund.id)).where(Refund.order_id == order.id)).scalar_one() + 1
    refund_row = Refund(
        order_id=order.id,
        attempt_id=attempt.id,
        request_token=request.request_token,
        refund_key=f"{order.reference}-r{number}",
        method=method,
        amount_idr=amount,
        reason=request.reason[:255],
        restock=request.restock,
        status="pending",
        staff_id=request.staff_id,
    )
    refund_lines.add_lines(refund_row, request.lines)
    db.session.add(refund_row)
    return refund_row


def _refund_for_token(token: str) -> Refund | None:
    return db.session.execute(db.select(Refund).where(Refund.request_token == token)).scalar_one_or_none()


def _note_refund_error(refund_id: int, error: str) -> None:
    with write_transaction():
        db.session.get_one(Refund, refund_id).last_error = error[:255]


def _close_refund(
    refund_id: int, status: str, *, error: str | None = None, midtrans_refund_id: str | None = None
) -> int:
    with write_transaction():
        refund_row = db.session.get_one(Refund, refund_id)
        order = Order.lock(refund_row.order_id)
        if refund_row.status != "pending":
            return refund_row.amount_idr
        refund_row.status = status
        refund_row.last_error = error[:255] if error else None
        refund_row.midtrans_refund_id = midtrans_refund_id
        refund_row.completed_at = utcnow()
        if status == "succeeded" and refund_row.restock:
            refund_lines.restock(order, refund_row, refund_row.staff_id)
        still_pending = db.session.execute(
            db.select(Refund.id).where(Refund.order_id == order.id, Refund.status == "pending", Refund.id != refund_id)
        ).first()
        if order.attention == ATTENTION_REFUND_PENDING and not still_pending:
            order.attention = None
        if status == "succeeded":
            db.session.flush()
            _announce_refund(order)
        return refund_row.amount_idr


def _announce_refund(order: Order) -> None:
    order_refunded.send(the_app(), order_id=order.id, refunded_idr=refund_totals(order).refunded_idr)
