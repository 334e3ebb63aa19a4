"""Re-checking with the status API: reconcile, "pay again" of a stale order, the merchant's re-check.

Snap answers 404 until the shopper picks a method, and a Snap page that expires unused sends no
notification: so the re-check is also what expires an order whose payment window has passed.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app

from ..database import write_transaction
from ..extensions import db
from ..inventory import release_stock
from ..models import Order, PaymentAttempt, utcnow
from ..order_status import PaymentStatus as S
from ..vouchers.usage import release_use
from .apply import Outcome, announce_status_change, apply_status, payment_event
from .gateway import GatewayError
from .setup import gateway

# Midtrans may still deliver a late payment shortly after the window closes.
EXPIRY_GRACE = timedelta(minutes=2)


def recheck_attempt(
    attempt: PaymentAttempt, *, source: str = "recheck", now: datetime | None = None, grace: timedelta = EXPIRY_GRACE
) -> Outcome:
    """Ask the status API about one attempt and apply the answer. Raises GatewayError if unreachable.

    Snap answers 404 until the shopper picks a method, and a Snap page that expires unused sends no
    notification: so "no transaction" past the payment window (plus grace) expires the order here.
    """
    now = now or utcnow()
    attempt_id, midtrans_order_id, expires_at = attempt.id, attempt.midtrans_order_id, attempt.expires_at
    db.session.rollback()
    status = gateway().get_status(midtrans_order_id)
    if status is not None:
        return apply_status(attempt_id, status, source=source)
    with write_transaction():
        attempt = db.session.get_one(PaymentAttempt, attempt_id)
        order = Order.lock(attempt.order_id)
        expired = (
            expires_at + grace <= now
            and order.payment_status == S.AWAITING_PAYMENT
            and attempt.number == order.attempt_count
        )
        if expired:
            order.payment_status = S.EXPIRED
            release_stock(order)
            release_use(order.id)
            order.bump_status_version()
            outcome = Outcome(True, "no transaction at Midtrans and the payment window has passed: expired")
        else:
            outcome = Outcome(False, "no transaction at Midtrans yet")
        db.session.add(
            payment_event(attempt_id, {"status_code": "404", "order_id": midtrans_order_id}, source, None, outcome)
        )
        if expired:
            announce_status_change(order.id, S.AWAITING_PAYMENT, S.EXPIRED, order.attention)
    return outcome


def attempts_to_reconcile(now: datetime, older_than_minutes: int) -> Sequence[PaymentAttempt]:
    """Current attempts of unfinished orders that are past their window or older than N minutes."""
    cutoff = now - timedelta(minutes=older_than_minutes)
    return (
        db.session.execute(
            db.select(PaymentAttempt)
            .join(Order, Order.id == PaymentAttempt.order_id)
            .where(
                Order.payment_status.in_([S.AWAITING_PAYMENT, S.UNDER_REVIEW]),
                PaymentAttempt.number == Order.attempt_count,
                (PaymentAttempt.expires_at < now) | (PaymentAttempt.created_at < cutoff),
            )
            .order_by(PaymentAttempt.id)
        )
        .scalars()
        .all()
    )


def reconcile(now: datetime | None = None, older_than_minutes: int | None = None) -> list[tuple[str, str]]:
    """Re-check every stale attempt; returns [(midtrans_order_id, message)]. Gateway errors are reported, not raised."""
    now = now or utcnow()
    minutes: int = (
        older_than_minutes if older_than_minutes is not None else current_app.config["RECONCILE_AFTER_MINUTES"]
    )
    results: list[tuple[str, str]] = []
    for attempt in attempts_to_reconcile(now, minutes):
        midtrans_order_id = attempt.midtrans_order_id
        try:
            outcome = recheck_attempt(attempt, source="reconcile", now=now)
            results.append((midtrans_order_id, outcome.message))
        except GatewayError as exc:
            results.append((midtrans_order_id, f"status API unavailable: {exc}"))
    return results
