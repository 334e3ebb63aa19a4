"""What the merchant can do to a payment from the back office: re-check, cancel, void a captured card
payment, approve or deny a challenged card payment (refunds are in refunds.py).

Every Midtrans answer is applied through `apply.apply_status` / `recheck.recheck_attempt`, the same
single path that notifications take. No database lock is held while Midtrans is called.
"""

from dataclasses import dataclass
from typing import Literal

from flask_babel import gettext as _

from ..database import write_transaction
from ..extensions import db
from ..inventory import release_stock
from ..models import Order, PaymentAttempt
from ..order_status import PaymentStatus as S
from ..vouchers.usage import release_use
from .apply import Outcome, announce_status_change, apply_status, payment_event
from .gateway import GatewayError, parse_transaction
from .outcomes import outcome_label
from .reads import challenged_attempt, paid_attempt
from .recheck import recheck_attempt
from .setup import gateway
from .words import transaction_state_label

# Transaction states `cancel` can still void (midtrans.md §6.2).
VOIDABLE_TRANSACTION_STATUSES = frozenset({"pending", "capture", "authorize"})
CANCELLABLE_ORDER_STATUSES = frozenset({S.AWAITING_PAYMENT, S.UNDER_REVIEW})


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


def recheck(order_id: int, attempt_number: int | None = None) -> ActionResult:
    """Ask the status API about an attempt (the current one by default) and apply its answer."""
    order = db.session.get_one(Order, order_id)
    attempts = [a for a in order.attempts if attempt_number is None or a.number == attempt_number]
    if not attempts:
        raise NotAllowedNow(_("This order has no such payment attempt."))
    attempt = attempts[-1]
    try:
        outcome = recheck_attempt(attempt, source="recheck")
    except GatewayError as exc:
        raise merchant_error(exc) from None
    return ActionResult(_("Midtrans was asked: %(outcome)s", outcome=outcome_label(outcome.message)))


def cancel(order_id: int) -> ActionResult:
    """Cancel an unpaid order: void its transaction at Midtrans, or cancel here if Midtrans has none.

    `cancel` voids pending, captured and authorised transactions; a pending one Midtrans refuses to
    cancel (412) is force-expired instead. Midtrans's answer is then applied like a notification.
    """
    order = db.session.get_one(Order, order_id)
    if order.payment_status not in CANCELLABLE_ORDER_STATUSES:
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
                _(
                    "Not cancelled: Midtrans says the payment is %(status)s (%(outcome)s).",
                    status=transaction_state_label(status.transaction_status),
                    outcome=outcome_label(outcome.message),
                ),
                done=False,
            )
        try:
            answer = gateway().cancel(midtrans_order_id)
        except GatewayError as exc:
            if not (is_412(exc) and status.transaction_status == "pending"):
                raise
            answer = gateway().expire(midtrans_order_id)
        outcome = _apply_answer(attempt_id, midtrans_order_id, answer, source="cancel")
    except GatewayError as exc:
        raise merchant_error(exc) from None
    return ActionResult(_("Midtrans answered: %(outcome)s", outcome=outcome_label(outcome.message)))


def void(order_id: int) -> ActionResult:
    """Void a card payment that is captured but not settled yet: Core API `cancel`, always the whole
    transaction (midtrans.md §6.2). The order ends cancelled and its stock is released.

    Offered from the stored last-verified state (`capture`) and re-checked with the status API now:
    Midtrans settles captures about a day later, and a settled payment can only be refunded.
    """
    order = db.session.get_one(Order, order_id)
    attempt = paid_attempt(order)
    if order.payment_status != S.PAID or attempt is None or attempt.transaction_status != "capture":
        raise NotAllowedNow(_("Only a card payment that is captured and not settled yet can be voided."))
    attempt_id, midtrans_order_id = attempt.id, attempt.midtrans_order_id
    db.session.rollback()  # no transaction stays open while Midtrans is called
    try:
        status = gateway().get_status(midtrans_order_id)
        if status is None or status.transaction_status != "capture":
            if status is not None:
                apply_status(attempt_id, status, source="void")
            raise NotAllowedNow(
                _(
                    "Not voided: Midtrans says the payment is no longer only captured (it is %(state)s). "
                    "A settled payment can be refunded instead.",
                    state=transaction_state_label(status.transaction_status if status else None),
                )
            )
        answer = gateway().cancel(midtrans_order_id)
    except GatewayError as exc:
        if is_412(exc):
            raise NotAllowedNow(
                _(
                    "Midtrans refused the void: the payment has probably settled meanwhile. "
                    "Re-check it with Midtrans, then refund it."
                )
            ) from None
        raise merchant_error(exc) from None
    outcome = _apply_answer(attempt_id, midtrans_order_id, answer, source="void")
    if not outcome.applied:
        return ActionResult(_("Midtrans answered: %(outcome)s", outcome=outcome_label(outcome.message)), done=False)
    return ActionResult(
        _("Card payment voided: the shopper is not charged, the order is cancelled and the stock released.")
    )


def _cancel_locally(order_id: int, attempt_id: int | None, midtrans_order_id: str | None) -> ActionResult:
    """Midtrans has no transaction (no method chosen yet): cancel here and release the stock once."""
    with write_transaction():
        order = Order.lock(order_id)
        current = order.current_attempt
        if order.payment_status != S.AWAITING_PAYMENT or (current.id if current else None) != attempt_id:
            # A notification moved the order while we asked Midtrans.
            return ActionResult(_("The order changed meanwhile; nothing was cancelled. Look again."), done=False)
        order.payment_status = S.CANCELLED
        release_stock(order)
        release_use(order.id)
        order.bump_status_version()
        message = "no transaction at Midtrans: cancelled here, stock released"
        if attempt_id is not None:
            payload = {"status_code": "404", "order_id": midtrans_order_id}
            db.session.add(payment_event(attempt_id, payload, "cancel", None, Outcome(True, message)))
        announce_status_change(order_id, S.AWAITING_PAYMENT, S.CANCELLED, order.attention)
    return ActionResult(_("Cancelled. Midtrans had no transaction for it yet; the stock was released."))


def approve(order_id: int) -> ActionResult:
    return _decide_challenge(order_id, "approve")


def deny(order_id: int) -> ActionResult:
    return _decide_challenge(order_id, "deny")


def _decide_challenge(order_id: int, decision: Literal["approve", "deny"]) -> ActionResult:
    order = db.session.get_one(Order, order_id)
    attempt = challenged_attempt(order) if order.payment_status == S.UNDER_REVIEW else None
    if attempt is None:
        raise NotAllowedNow(_("Only a card payment under review can be approved or denied."))
    attempt_id, midtrans_order_id = attempt.id, attempt.midtrans_order_id
    db.session.rollback()
    try:
        call = gateway().approve if decision == "approve" else gateway().deny
        outcome = _apply_answer(attempt_id, midtrans_order_id, call(midtrans_order_id), source=decision)
    except GatewayError as exc:
        raise merchant_error(exc) from None
    return ActionResult(_("Midtrans answered: %(outcome)s", outcome=outcome_label(outcome.message)))


def _apply_answer(attempt_id: int, midtrans_order_id: str, answer: object, *, source: str) -> Outcome:
    """Apply a Core API action's answer (it has the status fields); ask the status API if it has not."""
    status = parse_transaction(answer)
    if status is None or status.order_id != midtrans_order_id:
        attempt = db.session.get_one(PaymentAttempt, attempt_id)
        return recheck_attempt(attempt, source=source)
    return apply_status(attempt_id, status, source=source)


def is_412(exc: GatewayError) -> bool:
    return exc.api_status == "412" or exc.http_status == 412


def merchant_error(exc: GatewayError) -> MerchantActionError:
    if is_412(exc):
        return NotAllowedNow(
            _("Midtrans does not allow this in the transaction's current state (%(error)s).", error=str(exc))
        )
    return MidtransUnavailable(_("Midtrans could not be reached or refused: %(error)s", error=str(exc)))
