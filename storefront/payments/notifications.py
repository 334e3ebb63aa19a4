"""Midtrans HTTP notifications: verify the signature, confirm with the status API, apply what is confirmed."""

import json
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select

from ..appctx import the_app
from ..database import autocommit_options, write_transaction
from ..extensions import db
from ..models import Order, PaymentAttempt, PaymentEvent
from ..order_status import PaymentStatus as S
from ..signals import order_needs_attention
from . import states
from .apply import Outcome, apply_status, payment_event, payment_event_values
from .gateway import TransactionStatus, parse_transaction, verify_signature
from .setup import gateway, server_key

log = logging.getLogger(__name__)
_INSERT_EVENT = PaymentEvent.__table__.insert()


# Built once: Midtrans repeats notifications, and building a statement costs more than running it.
_NOTIFIED_ATTEMPT = (
    select(PaymentAttempt.id, PaymentAttempt.gross_amount_idr, Order.payment_status)
    .join(Order, Order.id == PaymentAttempt.order_id)
    .where(PaymentAttempt.midtrans_order_id == bindparam("midtrans_order_id"))
)


@dataclass
class NotificationResult:
    http_status: int
    message: str


def handle_notification(raw_body: bytes) -> NotificationResult:
    """Verify a Midtrans HTTP notification, confirm it with the status API, apply what is confirmed."""
    try:
        payload = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[" nested 1000 deep
        return NotificationResult(400, "body is not JSON")
    claimed = parse_transaction(payload)
    if claimed is None:
        return NotificationResult(400, "missing notification fields")
    if not verify_signature(payload, server_key()):
        log.warning("notification for order_id %r rejected: bad signature", claimed.order_id[:60])
        return NotificationResult(403, "invalid signature")

    # The read and, for a repeat, its event-log row: two statements, each its own transaction. The row
    # depends on nothing held between them (it records what this notification changed: nothing), so no
    # transaction, and on SQLite no write lock, spans the read; nothing stays open during the status call.
    with db.engine.connect().execution_options(**autocommit_options(db.engine)) as connection:
        row = connection.execute(_NOTIFIED_ATTEMPT, {"midtrans_order_id": claimed.order_id}).first()
        repeat: str | None = None  # what a repeat's answer and event-log row say
        if (
            row is not None
            and _amount_matches(claimed, row.gross_amount_idr)
            and _already_applied(claimed, row.payment_status)
        ):
            # A repeat of what the order already reflects: whatever the status API says, nothing would
            # change, so don't make Midtrans (or a replaying attacker) cost us a status call. The row
            # stays: it is the merchant's audit trail of what Midtrans sent.
            repeat = f"no change: order already {row.payment_status}"
            _insert_event(connection, row.id, payload, repeat)
    if row is None:
        log.warning("notification for unknown order_id %r", claimed.order_id[:60])
        return NotificationResult(404, "unknown order_id")
    attempt_id, expected_amount = row.id, row.gross_amount_idr
    if repeat:
        return NotificationResult(200, repeat)

    if not _amount_matches(claimed, expected_amount):
        log.warning(
            "notification for %s: amount %s does not match %s", claimed.order_id, claimed.gross_amount, expected_amount
        )
        _flag_amount_mismatch(attempt_id, payload)
        return NotificationResult(400, "gross_amount does not match")

    # The status API is the source of truth: a notification only tells us to look.
    confirmed = gateway().get_status(claimed.order_id)  # GatewayError -> 503 in the view
    notification_event = payment_event(
        attempt_id, payload, "notification", True, Outcome(False, "confirmed via status API")
    )
    if confirmed is None:
        notification_event.outcome = "status API does not know this transaction; nothing changed"
        _record_only(attempt_id, payload, notification_event.outcome)
        return NotificationResult(200, "not confirmed by the status API")
    if confirmed.order_id != claimed.order_id:
        _record_only(attempt_id, payload, "status API answered for another order_id")
        return NotificationResult(200, "not confirmed by the status API")
    outcome = apply_status(attempt_id, confirmed, source="status", extra_events=[notification_event])
    return NotificationResult(200, outcome.message)


def _amount_matches(claimed: TransactionStatus, expected_amount_idr: int) -> bool:
    return claimed.gross_amount_idr == expected_amount_idr and (claimed.currency or "IDR") == "IDR"


def _already_applied(claimed: TransactionStatus, order_status: S) -> bool:
    target = states.order_status_for(claimed.transaction_status, claimed.fraud_status, order_status)
    # A repeated partial refund may carry a larger amount, so it is always checked.
    return target is not None and target == order_status and target != S.PARTIALLY_REFUNDED


def _flag_amount_mismatch(attempt_id: int, payload: object) -> None:
    """Signed by Midtrans yet not our amount (e.g. a fee added on their side): never paid, but the
    merchant must look at it."""
    with write_transaction():
        attempt = db.session.get_one(PaymentAttempt, attempt_id)
        order = Order.lock(attempt.order_id)
        # Flagged once: Midtrans retries, and a replay must not bump the order page again and again.
        # Another flag already on the order (a chargeback on a paid one, say) is never overwritten;
        # the merchant still gets the mismatch mail once (its outbox key is per order and kind).
        newly_flagged = order.attention != states.ATTENTION_AMOUNT_MISMATCH
        if order.attention is None:
            order.attention = states.ATTENTION_AMOUNT_MISMATCH
            order.bump_status_version()
        message = "rejected: gross_amount does not match the order"
        db.session.add(payment_event(attempt_id, payload, "notification", True, Outcome(False, message)))
        if newly_flagged:
            order_needs_attention.send(the_app(), order_id=order.id, attention=states.ATTENTION_AMOUNT_MISMATCH)


def _record_only(attempt_id: int, payload: object, message: str) -> None:
    with write_transaction() as session:
        _insert_event(session.connection(), attempt_id, payload, message)


def _insert_event(connection: Connection, attempt_id: int, payload: object, message: str) -> None:
    """The notification's event-log row, changing nothing else, on the caller's connection."""
    values = payment_event_values(attempt_id, payload, "notification", True, Outcome(False, message))
    # A plain INSERT on the transaction's connection: this row is all that happens, and the ORM's
    # unit of work (an object to track, a flush) was most of a duplicate notification's cost.
    connection.execute(_INSERT_EVENT, values)
