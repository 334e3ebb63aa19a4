"""Payment attempts and the one code path that applies verified Midtrans data to an order.

Transaction boundaries are explicit (`write_transaction`). No database lock is ever held while we
wait for Midtrans: HTTP calls happen between transactions.
"""

import json
import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select

from ..database import write_transaction
from ..extensions import db
from ..inventory import release_stock, rereserve_stock
from ..models import Order, PaymentAttempt, PaymentEvent, utcnow
from ..order_status import RELEASES_STOCK, RETRYABLE, can_move
from ..order_status import OrderStatus as S
from ..signals import order_needs_attention, order_status_changed
from ..urls import public_url
from . import states
from .gateway import GatewayError, SnapItem, SnapRequest, parse_transaction, split_name, verify_signature

log = logging.getLogger(__name__)
_PAYMENT_EVENTS = PaymentEvent.__table__

# A Snap request taking longer than this (timeouts included) is presumed dead and may be retried.
SNAP_CLAIM_SECONDS = 30
# How long a concurrent request waits for another request's Snap call before giving up.
SNAP_WAIT_SECONDS = 12
# Midtrans may still deliver a late payment shortly after the window closes.
EXPIRY_GRACE = timedelta(minutes=2)


class PaymentUnavailable(Exception):
    """Midtrans could not give us a payment page right now; the order is kept and can be retried."""


class NotPayable(Exception):
    """The order is in a state where a payment page makes no sense (paid, cancelled, ...)."""


class OutOfStockForRetry(Exception):
    """Pay again: the units were released meanwhile and are no longer all available."""


def gateway():
    return current_app.extensions["midtrans_gateway"]


def server_key():
    return current_app.config["MIDTRANS_SERVER_KEY"]


def lock_order(order_id):
    """The order row, locked for this transaction: every payment change of one order is serialised."""
    return db.session.execute(
        db.select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def bump_status_version(order):
    order.status_version = (order.status_version or 0) + 1


# ---------------------------------------------------------------------------------------------------
# Starting and resuming payment
# ---------------------------------------------------------------------------------------------------


def ensure_snap_session(order_id):
    """The current attempt with a live Snap page, asking Snap for one if needed.

    Safe under a concurrent double submit: one request claims the Snap call, the other waits for it.
    A retry after a failure reuses the same Midtrans order_id, so Midtrans never holds two
    transactions for one try.
    """
    attempt_id, claimed = _claim_snap_call(order_id)
    if not claimed:
        return _wait_for_snap_session(attempt_id)
    attempt = db.session.get(PaymentAttempt, attempt_id)
    try:
        session = gateway().create_snap_session(_snap_request(attempt), notification_url())
    except GatewayError as exc:
        log.warning("Snap session for %s failed: %s", attempt.midtrans_order_id, exc)
        with write_transaction():
            attempt = db.session.get(PaymentAttempt, attempt_id)
            attempt.snap_requested_at = None
            attempt.last_error = str(exc)[:255]
        if exc.order_id_taken:
            # Midtrans already has a transaction for this order_id (a method was chosen elsewhere):
            # its status decides; if still unpaid, the next try gets a new order_id.
            _recover_taken_order_id(attempt_id)
        raise PaymentUnavailable(str(exc)) from exc
    with write_transaction():
        attempt = db.session.get(PaymentAttempt, attempt_id)
        attempt.snap_token = session.token
        attempt.redirect_url = session.redirect_url
        attempt.snap_requested_at = None
        attempt.last_error = None
        bump_status_version(lock_order(attempt.order_id))
    return attempt


def _claim_snap_call(order_id):
    now = utcnow()
    with write_transaction():
        order = lock_order(order_id)
        if order.status != S.AWAITING_PAYMENT:
            raise NotPayable(order.status)
        attempt = order.current_attempt
        if attempt is None:
            attempt = _new_attempt(order)
        if attempt.expires_at <= now:
            raise NotPayable("expired")
        if attempt.redirect_url:
            return attempt.id, False
        if attempt.snap_requested_at and now - attempt.snap_requested_at < timedelta(seconds=SNAP_CLAIM_SECONDS):
            return attempt.id, False
        attempt.snap_requested_at = now
        return attempt.id, True


def _wait_for_snap_session(attempt_id):
    deadline = time.monotonic() + SNAP_WAIT_SECONDS
    while True:
        db.session.rollback()  # see the other request's commit
        attempt = db.session.get(PaymentAttempt, attempt_id)
        if attempt.redirect_url:
            return attempt
        if attempt.snap_requested_at is None or time.monotonic() > deadline:
            raise PaymentUnavailable(attempt.last_error or "payment page is still being prepared")
        time.sleep(0.2)


def _new_attempt(order):
    number = order.attempt_count + 1
    attempt = PaymentAttempt(
        order=order,
        number=number,
        midtrans_order_id=f"{order.reference}-{number}",
        gross_amount_idr=order.total_idr,
        expires_at=order.reserved_until,
    )
    order.attempt_count = number
    db.session.add(attempt)
    db.session.flush()
    bump_status_version(order)
    return attempt


def _snap_request(attempt):
    order = attempt.order
    items = [
        SnapItem(id=str(item.product_id), name=item.product_name, price_idr=item.unit_price_idr, quantity=item.quantity)
        for item in order.items
    ]
    if order.shipping_idr:
        items.append(SnapItem(id="shipping", name="Ongkos kirim", price_idr=order.shipping_idr, quantity=1))
    first, last = split_name(order.customer_name)
    now = utcnow()
    minutes = max(1, math.ceil((attempt.expires_at - now).total_seconds() / 60))
    return SnapRequest(
        order_id=attempt.midtrans_order_id,
        gross_amount_idr=attempt.gross_amount_idr,
        items=tuple(items),
        customer={
            "first_name": first,
            "last_name": last,
            "email": order.email,
            "phone": order.phone,
            "address": order.address,
            "city": order.city,
            "postal_code": order.postal_code,
        },
        finish_url=public_url("payments.finish"),
        start_time=now,
        expiry_minutes=minutes,
        custom_field1=order.reference,
    )


def notification_url():
    """Where Midtrans should send notifications for a new transaction (X-Override-Notification).

    Production relies on the URL set in the Midtrans dashboard unless MIDTRANS_NOTIFICATION_URL says
    otherwise; sandbox and test doubles get our own URL so they work without a dashboard.
    """
    configured = current_app.config.get("MIDTRANS_NOTIFICATION_URL")
    if configured:
        return configured
    if current_app.config["MIDTRANS_IS_PRODUCTION"]:
        return None
    return public_url("payments.notification")


def _recover_taken_order_id(attempt_id):
    attempt = db.session.get(PaymentAttempt, attempt_id)
    try:
        recheck_attempt(attempt, source="recheck")
    except GatewayError as exc:
        log.warning("status check for %s failed: %s", attempt.midtrans_order_id, exc)
        return
    with write_transaction():
        order = lock_order(attempt.order_id)
        if order.status == S.AWAITING_PAYMENT and order.current_attempt.id == attempt_id:
            _new_attempt(order)


def pay_again(order_id, now=None):
    """A new attempt for an expired or failed order: stock reserved again, a fresh payment window."""
    now = now or utcnow()
    with write_transaction():
        order = lock_order(order_id)
        if order.status not in RETRYABLE:
            raise NotPayable(order.status)
        if not rereserve_stock(order):
            raise OutOfStockForRetry()
        old_status = order.status
        order.status = S.AWAITING_PAYMENT
        order.reserved_until = now + timedelta(minutes=current_app.config["PAYMENT_EXPIRY_MINUTES"])
        _new_attempt(order)
    announce_status_change(order_id, old_status, S.AWAITING_PAYMENT, None)


# ---------------------------------------------------------------------------------------------------
# Applying verified Midtrans data
# ---------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    applied: bool
    message: str


def apply_status(attempt_id, status, *, source, extra_events=()):
    """Apply a status that came from Midtrans's status API (our own server-to-server call).

    The single path for notifications, reconcile and merchant re-checks. Idempotent: applying the same
    status twice changes nothing the second time. Runs in one write transaction with the order locked.
    """
    with write_transaction():
        attempt = db.session.get(PaymentAttempt, attempt_id)
        order = lock_order(attempt.order_id)
        old_status, old_attention = order.status, order.attention
        for event in extra_events:
            db.session.add(event)
        outcome = _transition(order, attempt, status)
        db.session.add(payment_event(attempt_id, status.raw, source, None, outcome))
        label, order_id, new_status, attention = attempt.midtrans_order_id, order.id, order.status, order.attention
    log.info("payment %s %s: %s", label, status.transaction_status, outcome.message)
    announce_status_change(order_id, old_status, new_status, attention)
    if old_status == new_status and attention and attention != old_attention:
        order_needs_attention.send(current_app._get_current_object(), order_id=order_id, attention=attention)
    return outcome


def announce_status_change(order_id, old_status, new_status, attention):
    if old_status != new_status:
        order_status_changed.send(
            current_app._get_current_object(),
            order_id=order_id,
            old_status=old_status,
            new_status=new_status,
            attention=attention,
        )


def _transition(order, attempt, status):
    current = S(order.status)
    target = states.order_status_for(status.transaction_status, status.fraud_status, current)
    is_current_attempt = attempt.number == order.attempt_count

    if target in states.MONEY_RECEIVED and status.gross_amount_idr != attempt.gross_amount_idr:
        order.attention = states.ATTENTION_AMOUNT_MISMATCH
        bump_status_version(order)
        return Outcome(False, f"not applied: amount {status.gross_amount} != {attempt.gross_amount_idr}")

    if target is None:
        # Waiting (pending) or one failed try inside the Snap page: show it, change no order status.
        if current == S.AWAITING_PAYMENT and is_current_attempt:
            _record_on_attempt(attempt, status)
            bump_status_version(order)
            return Outcome(False, f"recorded {status.transaction_status}; order still {current}")
        return Outcome(False, f"ignored {status.transaction_status}: order is {current}")

    if target == current:
        if target in (S.PARTIALLY_REFUNDED, S.REFUNDED) and status.refunded_idr != attempt.refunded_idr:
            attempt.refunded_idr = status.refunded_idr
            _record_on_attempt(attempt, status)
            bump_status_version(order)
            return Outcome(True, f"refunded amount now {status.refunded_idr}")
        return Outcome(False, f"no change: order already {current}")

    if target in RELEASES_STOCK and not is_current_attempt:
        # An old attempt ending unpaid says nothing about the newer attempt the shopper is using.
        return Outcome(False, f"ignored {status.transaction_status} of a superseded attempt")

    if not can_move(current, target):
        return Outcome(False, f"ignored: order is {current}, Midtrans says {status.transaction_status}")

    _record_on_attempt(attempt, status)
    order.status = target
    attention = states.attention_for(status.transaction_status, current, target)
    if target == S.PAID:
        order.paid_at = utcnow()
        if not order.stock_reserved:
            # Money arrived after we had given the units back: take them again if we still can.
            attention = states.ATTENTION_PAID_AFTER_RELEASE if rereserve_stock(order) else states.ATTENTION_PAID_OUT_OF_STOCK
    if target in RELEASES_STOCK:
        release_stock(order)
    if target in (S.REFUNDED, S.PARTIALLY_REFUNDED):
        attempt.refunded_idr = status.refunded_idr
    if attention:
        order.attention = attention
    elif target == S.PAID and order.attention == states.ATTENTION_UNDER_REVIEW:
        order.attention = None
    bump_status_version(order)
    return Outcome(True, f"order {current} -> {target}")


def _record_on_attempt(attempt, status):
    attempt.transaction_status = status.transaction_status
    attempt.fraud_status = status.fraud_status
    attempt.transaction_id = status.transaction_id or attempt.transaction_id
    attempt.payment_type = status.payment_type or attempt.payment_type
    instructions = status.instructions()
    if instructions:
        attempt.instructions = instructions


def _storable(value):
    """PostgreSQL text and JSON cannot hold NUL characters; a hostile payload must still be loggable."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


def payment_event(attempt_id, payload, source, signature_valid, outcome):
    return PaymentEvent(**_payment_event_values(attempt_id, payload, source, signature_valid, outcome))


def _payment_event_values(attempt_id, payload, source, signature_valid, outcome):
    payload = _storable(payload)
    loggable = {k: v for k, v in payload.items() if k != "signature_key"} if isinstance(payload, dict) else {}
    status = parse_transaction(payload) if isinstance(payload, dict) else None
    return dict(
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


# ---------------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------------


# Built once: Midtrans repeats notifications, and building a statement costs more than running it.
_NOTIFIED_ATTEMPT = (
    select(PaymentAttempt.id, PaymentAttempt.gross_amount_idr, Order.status)
    .join(Order, Order.id == PaymentAttempt.order_id)
    .where(PaymentAttempt.midtrans_order_id == bindparam("midtrans_order_id"))
)


@dataclass
class NotificationResult:
    http_status: int
    message: str


def handle_notification(raw_body):
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

    row = db.session.execute(_NOTIFIED_ATTEMPT, {"midtrans_order_id": claimed.order_id}).first()
    if row is None:
        log.warning("notification for unknown order_id %r", claimed.order_id[:60])
        return NotificationResult(404, "unknown order_id")
    attempt_id, expected_amount, order_status = row
    db.session.rollback()  # end the read; no transaction stays open during the status call

    if claimed.gross_amount_idr != expected_amount or (claimed.currency or "IDR") != "IDR":
        log.warning("notification for %s: amount %s does not match %s", claimed.order_id, claimed.gross_amount, expected_amount)
        _flag_amount_mismatch(attempt_id, payload)
        return NotificationResult(400, "gross_amount does not match")

    if _already_applied(claimed, order_status):
        # A repeat of what the order already reflects: whatever the status API says, nothing would
        # change, so don't make Midtrans (or a replaying attacker) cost us a status call.
        _record_only(attempt_id, payload, "notification", True, f"no change: order already {order_status}")
        return NotificationResult(200, f"no change: order already {order_status}")

    # The status API is the source of truth: a notification only tells us to look.
    confirmed = gateway().get_status(claimed.order_id)  # GatewayError -> 503 in the view
    notification_event = payment_event(attempt_id, payload, "notification", True, Outcome(False, "confirmed via status API"))
    if confirmed is None:
        notification_event.outcome = "status API does not know this transaction; nothing changed"
        _record_only(attempt_id, payload, "notification", True, notification_event.outcome)
        return NotificationResult(200, "not confirmed by the status API")
    if confirmed.order_id != claimed.order_id:
        _record_only(attempt_id, payload, "notification", True, "status API answered for another order_id")
        return NotificationResult(200, "not confirmed by the status API")
    outcome = apply_status(attempt_id, confirmed, source="status", extra_events=[notification_event])
    return NotificationResult(200, outcome.message)


def _already_applied(claimed, order_status):
    target = states.order_status_for(claimed.transaction_status, claimed.fraud_status, order_status)
    # A repeated partial refund may carry a larger amount, so it is always checked.
    return target is not None and target == order_status and target != S.PARTIALLY_REFUNDED


def _flag_amount_mismatch(attempt_id, payload):
    """Signed by Midtrans yet not our amount (e.g. a fee added on their side): never paid, but the
    merchant must look at it."""
    with write_transaction():
        attempt = db.session.get(PaymentAttempt, attempt_id)
        order = lock_order(attempt.order_id)
        # Flagged once: Midtrans retries, and a replay must not bump the order page again and again.
        # Another flag already on the order (a chargeback on a paid one, say) is never overwritten;
        # the merchant still gets the mismatch mail once (its outbox key is per order and kind).
        newly_flagged = order.attention != states.ATTENTION_AMOUNT_MISMATCH
        if order.attention is None:
            order.attention = states.ATTENTION_AMOUNT_MISMATCH
            bump_status_version(order)
        message = "rejected: gross_amount does not match the order"
        db.session.add(payment_event(attempt_id, payload, "notification", True, Outcome(False, message)))
        order_id = order.id
    if newly_flagged:
        order_needs_attention.send(
            current_app._get_current_object(), order_id=order_id, attention=states.ATTENTION_AMOUNT_MISMATCH
        )


def _record_only(attempt_id, payload, source, signature_valid, message):
    values = _payment_event_values(attempt_id, payload, source, signature_valid, Outcome(False, message))
    with write_transaction() as session:
        # A plain INSERT on the transaction's connection: this row is all that happens, and the ORM's
        # unit of work (an object to track, a flush) was most of a duplicate notification's cost.
        session.connection().execute(_PAYMENT_EVENTS.insert(), values)


# ---------------------------------------------------------------------------------------------------
# Re-checking with the status API (reconcile, "pay again" of a stale order, merchant re-check)
# ---------------------------------------------------------------------------------------------------


def recheck_attempt(attempt, *, source="recheck", now=None, grace=EXPIRY_GRACE):
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
        attempt = db.session.get(PaymentAttempt, attempt_id)
        order = lock_order(attempt.order_id)
        expired = expires_at + grace <= now and order.status == S.AWAITING_PAYMENT and attempt.number == order.attempt_count
        if expired:
            order.status = S.EXPIRED
            release_stock(order)
            bump_status_version(order)
            outcome = Outcome(True, "no transaction at Midtrans and the payment window has passed: expired")
        else:
            outcome = Outcome(False, "no transaction at Midtrans yet")
        db.session.add(payment_event(attempt_id, {"status_code": "404", "order_id": midtrans_order_id}, source, None, outcome))
        order_id, attention = order.id, order.attention
    if expired:
        announce_status_change(order_id, S.AWAITING_PAYMENT, S.EXPIRED, attention)
    return outcome


def attempts_to_reconcile(now, older_than_minutes):
    """Current attempts of unfinished orders that are past their window or older than N minutes."""
    cutoff = now - timedelta(minutes=older_than_minutes)
    return (
        db.session.execute(
            db.select(PaymentAttempt)
            .join(Order, Order.id == PaymentAttempt.order_id)
            .where(
                Order.status.in_([S.AWAITING_PAYMENT, S.UNDER_REVIEW]),
                PaymentAttempt.number == Order.attempt_count,
                (PaymentAttempt.expires_at < now) | (PaymentAttempt.created_at < cutoff),
            )
            .order_by(PaymentAttempt.id)
        )
        .scalars()
        .all()
    )


def reconcile(now=None, older_than_minutes=None):
    """Re-check every stale attempt; returns [(midtrans_order_id, message)]. Gateway errors are reported, not raised."""
    now = now or utcnow()
    minutes = older_than_minutes if older_than_minutes is not None else current_app.config["RECONCILE_AFTER_MINUTES"]
    results = []
    for attempt in attempts_to_reconcile(now, minutes):
        midtrans_order_id = attempt.midtrans_order_id
        try:
            outcome = recheck_attempt(attempt, source="reconcile", now=now)
            results.append((midtrans_order_id, outcome.message))
        except GatewayError as exc:
            results.append((midtrans_order_id, f"status API unavailable: {exc}"))
    return results


def refresh_if_window_passed(order_id, now=None):
    """Before offering "pay again" on an order still awaiting payment past its window, ask Midtrans."""
    now = now or utcnow()
    order = db.session.get(Order, order_id)
    attempt = order.current_attempt
    if order.status == S.AWAITING_PAYMENT and attempt is not None and attempt.expires_at <= now:
        # The shopper is asking to pay again, and Snap enforces the window itself: no grace needed.
        recheck_attempt(attempt, source="recheck", now=now, grace=timedelta(0))
