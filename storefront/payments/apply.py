"""The one code path that applies verified Midtrans data to an order, and the payment event log.

Notifications, reconcile and the merchant's actions all end here, so the state machine, the stock rules
and the signals are the same whoever moved the payment. Idempotent: the same status twice changes
nothing the second time.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from ..appctx import the_app
from ..database import write_transaction
from ..extensions import db
from ..inventory import release_stock, rereserve_stock
from ..models import Order, PaymentAttempt, PaymentEvent, utcnow
from ..order_status import RELEASES_STOCK, can_move
from ..order_status import PaymentStatus as S
from ..signals import order_needs_attention, order_status_changed
from ..vouchers.usage import release_use, retake_use
from . import states
from .gateway import TransactionStatus, parse_transaction

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    applied: bool
    message: str


def apply_status(
    attempt_id: int, status: TransactionStatus, *, source: str, extra_events: Iterable[PaymentEvent] = ()
) -> Outcome:
    """Apply a status that came from Midtrans's status API (our own server-to-server call).

    The single path for notifications, reconcile and merchant re-checks. Idempotent: applying the same
    status twice changes nothing the second time. Runs in one write transaction with the order locked.
    """
    with write_transaction():
        attempt = db.session.get_one(PaymentAttempt, attempt_id)
        order = Order.lock(attempt.order_id)
        # Read again under the order's lock: a concurrent notification may have recorded a newer state
        # on this attempt while we waited (the lock serialises every change of the order's attempts).
        db.session.refresh(attempt)
        old_status, old_attention = order.payment_status, order.attention
        for event in extra_events:
            db.session.add(event)
        outcome = _transition(order, attempt, status)
        db.session.add(payment_event(attempt_id, status.raw, source, None, outcome))
        label, order_id, new_status, attention = (
            attempt.midtrans_order_id,
            order.id,
            order.payment_status,
            order.attention,
        )
        # Inside the transaction: the e-mails it causes are queued in it (see signals.py).
        announce_status_change(order_id, old_status, new_status, attention)
        if old_status == new_status and attention and attention != old_attention:
            order_needs_attention.send(the_app(), order_id=order_id, attention=attention)
    log.info("payment %s %s: %s", label, status.transaction_status, outcome.message)
    return outcome


def announce_status_change(order_id: int, old_status: S, new_status: S, attention: str | None) -> None:
    """Send `order_status_changed`; called inside the change's write transaction (see signals.py)."""
    if old_status != new_status:
        order_status_changed.send(
            the_app(),
            order_id=order_id,
            old_status=old_status,
            new_status=new_status,
            attention=attention,
        )


def _transition(order: Order, attempt: PaymentAttempt, status: TransactionStatus) -> Outcome:
    current = S(order.payment_status)
    target = states.order_status_for(status.transaction_status, status.fraud_status, current)
    is_current_attempt = attempt.number == order.attempt_count

    if target in states.MONEY_RECEIVED and status.gross_amount_idr != attempt.gross_amount_idr:
        order.attention = states.ATTENTION_AMOUNT_MISMATCH
        order.bump_status_version()
        return Outcome(False, f"not applied: amount {status.gross_amount} != {attempt.gross_amount_idr}")

    if target is None:
        # Waiting (pending) or one failed try inside the Snap page: show it, change no order status.
        if current == S.AWAITING_PAYMENT and is_current_attempt:
            _record_on_attempt(attempt, status)
            order.bump_status_version()
            return Outcome(False, f"recorded {status.transaction_status}; order still {current}")
        return Outcome(False, f"ignored {status.transaction_status}: order is {current}")

    # A refund amount that is not whole rupiah says nothing we can store: the last amount read stays.
    refunded_idr = status.refunded_idr
    if target == current:
        if target in (S.PARTIALLY_REFUNDED, S.REFUNDED) and refunded_idr not in (None, attempt.refunded_idr):
            attempt.refunded_idr = refunded_idr
            _record_on_attempt(attempt, status)
            order.bump_status_version()
            return Outcome(True, f"refunded amount now {refunded_idr}")
        if status.transaction_status != attempt.transaction_status:
            # Same order state, newer Midtrans state (a card capture that settled): the back office decides
            # between void and refund from it, so it is kept.
            _record_on_attempt(attempt, status)
            return Outcome(True, f"order still {current}; Midtrans now says {status.transaction_status}")
        return Outcome(False, f"no change: order already {current}")

    if target in RELEASES_STOCK and not is_current_attempt:
        # An old attempt ending unpaid says nothing about the newer attempt the shopper is using.
        return Outcome(False, f"ignored {status.transaction_status} of a superseded attempt")

    if not can_move(current, target):
        return Outcome(False, f"ignored: order is {current}, Midtrans says {status.transaction_status}")

    if current == S.PAID and target == S.CANCELLED and attempt.transaction_status != "capture":
        # Only a capture is voided; money that settled comes back by refund, never by a cancel.
        return Outcome(False, f"ignored cancel: the payment was {attempt.transaction_status}, not a capture")

    _record_on_attempt(attempt, status)
    order.payment_status = target
    attention = states.attention_for(status.transaction_status, current, target)
    if target == S.PAID:
        order.paid_at = utcnow()
        if not order.stock_reserved:
            # Money arrived after we had given the units back: take them again if we still can.
            attention = (
                states.ATTENTION_PAID_AFTER_RELEASE if rereserve_stock(order) else states.ATTENTION_PAID_OUT_OF_STOCK
            )
            # The shopper paid the discounted total, which stands; the use is counted again if one is left.
            retake_use(order.id, order.email, order.phone)
    if target in RELEASES_STOCK:
        release_stock(order)
        release_use(order.id)
    if target in (S.REFUNDED, S.PARTIALLY_REFUNDED) and refunded_idr is not None:
        attempt.refunded_idr = refunded_idr
    if attention:
        order.attention = attention
    elif target == S.PAID and order.attention == states.ATTENTION_UNDER_REVIEW:
        order.attention = None
    order.bump_status_version()
    return Outcome(True, f"order {current} -> {target}")


def _record_on_attempt(attempt: PaymentAttempt, status: TransactionStatus) -> None:
    attempt.transaction_status = status.transaction_status
    attempt.fraud_status = status.fraud_status
    attempt.transaction_id = status.transaction_id or attempt.transaction_id
    attempt.payment_type = status.payment_type or attempt.payment_type
    instructions = status.instructions()
    if instructions:
        attempt.instructions = instructions


def _storable(value: object) -> object:
    """PostgreSQL text and JSON cannot hold NUL characters; a hostile payload must still be loggable."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


class PaymentEventValues(TypedDict):
    """The columns of one `payment_events` row, as `payment_event_values` fills them."""

    attempt_id: int
    source: str
    transaction_status: str | None
    fraud_status: str | None
    status_code: str | None
    transaction_id: str | None
    signature_valid: bool | None
    payload: dict[str, object]
    applied: bool
    outcome: str


def payment_event(
    attempt_id: int, payload: object, source: str, signature_valid: bool | None, outcome: Outcome
) -> PaymentEvent:
    return PaymentEvent(**payment_event_values(attempt_id, payload, source, signature_valid, outcome))


def payment_event_values(
    attempt_id: int, payload: object, source: str, signature_valid: bool | None, outcome: Outcome
) -> PaymentEventValues:
    """`payload` is what Midtrans sent or answered (any JSON): it is logged minus its signature."""
    payload = _storable(payload)
    loggable = {k: v for k, v in payload.items() if k != "signature_key"} if isinstance(payload, dict) else {}
    status = parse_transaction(payload) if isinstance(payload, dict) else None
    return PaymentEventValues(
        attempt_id=attempt_id,
        source=source,
        transaction_status=status.transaction_status[:24] if status else None,
        fraud_status=(status.fraud_status or "")[:16] or None if status else None,
        status_code=status.status_code[:8] if status else None,
        transaction_id=(status.transaction_id or "")[:64] or None if status else None,
        signature_valid=signature_valid,
        payload=loggable,
        applied=outcome.applied,
        outcome=outcome.message[:255],
    )
