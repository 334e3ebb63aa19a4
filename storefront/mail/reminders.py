"""The payment reminder: one e-mail per payment attempt when a third of its window is left unpaid.

Run by the scheduler (`flask mail remind`, every 5 minutes). The outbox's unique key per order and
attempt is the record that the reminder went out: a second run, or two schedulers at once, find the
key taken and queue nothing, so a shopper is reminded at most once per attempt. "Pay again" starts a
new attempt, with a window (and a reminder) of its own.
"""

from datetime import datetime

from flask import current_app

from ..extensions import db
from ..models import Order, PaymentAttempt, utcnow
from ..order_status import PaymentStatus
from .models import OutboxMessage
from .outbox import enqueue

KIND = "payment_reminder"
# Less than this left, and a reminder would arrive after the deadline or leave no time to pay.
MIN_LEFT_SECONDS = 3 * 60


def due(created_at: datetime, expires_at: datetime, now: datetime) -> bool:
    """A third of the window (or less) is left, and still enough of it to pay."""
    left = (expires_at - now).total_seconds()
    window = (expires_at - created_at).total_seconds()
    return MIN_LEFT_SECONDS <= left <= window / 3


def send_payment_reminders(now: datetime | None = None) -> int:
    """Queue the reminders that are due; returns how many were queued by this call."""
    if not current_app.config["PAYMENT_REMINDERS"]:
        return 0
    now = now or utcnow()
    rows = db.session.execute(
        db.select(
            Order.id,
            Order.email,
            Order.locale,
            PaymentAttempt.number,
            PaymentAttempt.created_at,
            PaymentAttempt.expires_at,
        )
        .join(PaymentAttempt, (PaymentAttempt.order_id == Order.id) & (PaymentAttempt.number == Order.attempt_count))
        .where(Order.payment_status == PaymentStatus.AWAITING_PAYMENT, PaymentAttempt.expires_at > now)
    ).all()
    db.session.rollback()
    queued = 0
    for row in rows:
        if due(row.created_at, row.expires_at, now):
            queued += enqueue(
                row.id, KIND, f"{row.id}:{KIND}:{row.number}", row.email, row.locale, {"attempt": row.number}
            )
    return queued


def order_for(message: OutboxMessage) -> Order | None:
    """The order, if it is still waiting for the attempt the reminder is about (it may have been paid
    between queueing and sending, or `mail retry` may send it late); else None and nothing is sent."""
    order = db.session.get(Order, message.order_id)
    if order is None or order.payment_status != PaymentStatus.AWAITING_PAYMENT:
        return None
    attempt = order.current_attempt
    if attempt is None or attempt.number != (message.data or {}).get("attempt") or attempt.expires_at <= utcnow():
        return None
    return order
