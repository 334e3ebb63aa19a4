"""Starting and resuming payment: one payment attempt per try, one Snap page per attempt, "pay again".

No database lock is ever held while we wait for Midtrans: HTTP calls happen between transactions.
"""

import logging
import math
import time
from datetime import datetime, timedelta

from flask import current_app

from ..database import write_transaction
from ..extensions import db
from ..inventory import rereserve_stock
from ..models import Order, OrderItem, PaymentAttempt, utcnow
from ..order_status import RETRYABLE
from ..order_status import PaymentStatus as S
from ..products import NAME_SEPARATOR
from ..urls import public_url
from ..vouchers.rules import discount_line_name, refusal_message
from ..vouchers.usage import order_discount, retake_use
from .apply import announce_status_change
from .gateway import MAX_NAME, GatewayError, SnapItem, SnapRequest, split_name
from .recheck import recheck_attempt
from .setup import gateway

log = logging.getLogger(__name__)

# A Snap request taking longer than this (timeouts included) is presumed dead and may be retried.
SNAP_CLAIM_SECONDS = 30
# How long a concurrent request waits for another request's Snap call before giving up.
SNAP_WAIT_SECONDS = 12


class PaymentUnavailable(Exception):
    """Midtrans could not give us a payment page right now; the order is kept and can be retried."""


class NotPayable(Exception):
    """The order is in a state where a payment page makes no sense (paid, cancelled, ...)."""


class OutOfStockForRetry(Exception):
    """Pay again: the units were released meanwhile and are no longer all available."""


class VoucherGoneForRetry(Exception):
    """Pay again: the order's voucher use was given back and cannot be taken again; the message says why."""


def ensure_snap_session(order_id: int) -> str:
    """The address of the current attempt's Snap page, asking Snap for one if needed.

    Safe under a concurrent double submit: one request claims the Snap call, the other waits for it.
    A retry after a failure reuses the same Midtrans order_id, so Midtrans never holds two
    transactions for one try.
    """
    attempt_id, claimed = _claim_snap_call(order_id)
    if not claimed:
        return _wait_for_snap_session(attempt_id)
    attempt = db.session.get_one(PaymentAttempt, attempt_id)
    try:
        session = gateway().create_snap_session(_snap_request(attempt), notification_url())
    except GatewayError as exc:
        log.warning("Snap session for %s failed: %s", attempt.midtrans_order_id, exc)
        with write_transaction():
            attempt = db.session.get_one(PaymentAttempt, attempt_id)
            attempt.snap_requested_at = None
            attempt.last_error = str(exc)[:255]
        if exc.order_id_taken:
            # Midtrans already has a transaction for this order_id (a method was chosen elsewhere):
            # its status decides; if still unpaid, the next try gets a new order_id.
            _recover_taken_order_id(attempt_id)
        raise PaymentUnavailable(str(exc)) from exc
    with write_transaction():
        attempt = db.session.get_one(PaymentAttempt, attempt_id)
        attempt.snap_token = session.token
        attempt.redirect_url = session.redirect_url
        attempt.snap_requested_at = None
        attempt.last_error = None
        Order.lock(attempt.order_id).bump_status_version()
    return session.redirect_url


def _claim_snap_call(order_id: int) -> tuple[int, bool]:
    now = utcnow()
    with write_transaction():
        order = Order.lock(order_id)
        if order.payment_status != S.AWAITING_PAYMENT:
            raise NotPayable(order.payment_status)
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


def _wait_for_snap_session(attempt_id: int) -> str:
    deadline = time.monotonic() + SNAP_WAIT_SECONDS
    while True:
        db.session.rollback()  # see the other request's commit
        attempt = db.session.get_one(PaymentAttempt, attempt_id)
        if attempt.redirect_url:
            return attempt.redirect_url
        if attempt.snap_requested_at is None or time.monotonic() > deadline:
            raise PaymentUnavailable(attempt.last_error or "payment page is still being prepared")
        time.sleep(0.2)


def _new_attempt(order: Order) -> PaymentAttempt:
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
    order.bump_status_version()
    return attempt


def snap_item_id(item: OrderItem) -> str:
    """Unique per line (Akulaku rejects repeated ids): the SKU, else product and variant ids; a product
    without options keeps its own id, as before variants."""
    if item.sku:
        return item.sku
    return f"{item.product_id}-{item.variant_id}" if item.variant_label else str(item.product_id)


def snap_item_name(item: OrderItem) -> str:
    """ "Kopi Gayo — 500 g" within Midtrans's 50 characters: a long product name is shortened, never the
    variant's label, which is what tells two lines apart on Snap's page and in the dashboard."""
    name = item.name
    if len(name) <= MAX_NAME:
        return name
    if not item.variant_label:
        return name[: MAX_NAME - 1].rstrip() + "…"
    tail = f"{NAME_SEPARATOR}{item.variant_label}"[: MAX_NAME - 2]
    return item.product_name[: MAX_NAME - len(tail) - 1].rstrip() + "…" + tail


def _snap_request(attempt: PaymentAttempt) -> SnapRequest:
    order = attempt.order
    items = [
        SnapItem(
            id=snap_item_id(item), name=snap_item_name(item), price_idr=item.unit_price_idr, quantity=item.quantity
        )
        for item in order.items
    ]
    if order.shipping_idr:
        # Shown to the shopper on Snap and in Midtrans's dashboard: which courier carries the parcel.
        name = f"Ongkir {order.shipping_label}" if order.shipping_label else "Ongkos kirim"
        items.append(SnapItem(id="shipping", name=name[:50], price_idr=order.shipping_idr, quantity=1))
    discount = order_discount(order.id)
    if discount:
        # A negative line, so item_details still sum exactly to gross_amount (the discounted total).
        code, amount = discount
        items.append(SnapItem(id="discount", name=discount_line_name(code)[:50], price_idr=-amount, quantity=1))
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


def notification_url() -> str | None:
    """Where Midtrans should send notifications for a new transaction (X-Override-Notification).

    Production relies on the URL set in the Midtrans dashboard unless MIDTRANS_NOTIFICATION_URL says
    otherwise; sandbox and test doubles get our own URL so they work without a dashboard.
    """
    configured: str | None = current_app.config.get("MIDTRANS_NOTIFICATION_URL")
    if configured:
        return configured
    if current_app.config["MIDTRANS_IS_PRODUCTION"]:
        return None
    return public_url("payments.notification")


def _recover_taken_order_id(attempt_id: int) -> None:
    attempt = db.session.get_one(PaymentAttempt, attempt_id)
    try:
        recheck_attempt(attempt, source="recheck")
    except GatewayError as exc:
        log.warning("status check for %s failed: %s", attempt.midtrans_order_id, exc)
        return
    with write_transaction():
        order = Order.lock(attempt.order_id)
        current = order.current_attempt
        if order.payment_status == S.AWAITING_PAYMENT and current is not None and current.id == attempt_id:
            _new_attempt(order)


def pay_again(order_id: int, now: datetime | None = None) -> None:
    """A new attempt for an expired or failed order: stock reserved again, a fresh payment window."""
    now = now or utcnow()
    with write_transaction():
        order = Order.lock(order_id)
        if order.payment_status not in RETRYABLE:
            raise NotPayable(order.payment_status)
        if not rereserve_stock(order):
            raise OutOfStockForRetry()
        refused = retake_use(order.id, order.email, order.phone)
        if refused is not None:
            raise VoucherGoneForRetry(refusal_message(refused))  # rolls back the stock just taken
        old_status = order.payment_status
        order.payment_status = S.AWAITING_PAYMENT
        order.reserved_until = now + timedelta(minutes=current_app.config["PAYMENT_EXPIRY_MINUTES"])
        _new_attempt(order)
        announce_status_change(order_id, old_status, S.AWAITING_PAYMENT, None)


def refresh_if_window_passed(order_id: int, now: datetime | None = None) -> None:
    """Before offering "pay again" on an order still awaiting payment past its window, ask Midtrans."""
    now = now or utcnow()
    order = db.session.get_one(Order, order_id)
    attempt = order.current_attempt
    if order.payment_status == S.AWAITING_PAYMENT and attempt is not None and attempt.expires_at <= now:
        # The shopper is asking to pay again, and Snap enforces the window itself: no grace needed.
        recheck_attempt(attempt, source="recheck", now=now, grace=timedelta(0))
