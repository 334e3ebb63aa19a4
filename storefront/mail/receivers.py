"""Which events send which e-mails. Receivers only queue (see outbox.py), inside the transaction of the
change that caused the e-mail, and never raise: each runs in a savepoint, so a failure here undoes only
its own rows, never a payment, an order or a notification."""

import functools
import logging
from collections.abc import Callable

from flask import Flask

from ..database import in_write_transaction
from ..extensions import db
from ..models import Order
from ..order_status import PaymentStatus as S
from ..payments.reads import refund_totals
from ..shipping import shipment_for
from ..signals import (
    order_delivered,
    order_needs_attention,
    order_placed,
    order_refunded,
    order_shipped,
    order_status_changed,
)
from .outbox import enqueue

log = logging.getLogger(__name__)

# New order status -> the shopper's message about it.
SHOPPER_MESSAGE_FOR_STATUS = {
    S.PAID: "paid",
    S.EXPIRED: "expired",
    S.CANCELLED: "cancelled",
}
REFUND_STATUSES = {S.REFUNDED, S.PARTIALLY_REFUNDED}


# A receiver: the sending app and the signal's keyword arguments (see signals.py).
Receiver = Callable[..., None]


def _never_raises(receiver: Receiver) -> Receiver:
    @functools.wraps(receiver)
    def wrapped(app: Flask, **kwargs: object) -> None:
        if "storefront_mail" not in app.extensions:
            return
        inside = in_write_transaction()
        try:
            if inside:
                with db.session.begin_nested():
                    receiver(app, **kwargs)
            else:
                receiver(app, **kwargs)
        except Exception:  # noqa: BLE001 - see the module docstring
            log.exception("could not queue e-mail for %s %s", receiver.__name__, kwargs)
            if not inside:
                db.session.rollback()

    return wrapped


def connect_receivers() -> None:
    # Connected once per process (blinker ignores a repeat); each receiver acts for the app that sent.
    order_placed.connect(on_order_placed)
    order_status_changed.connect(on_status_changed)
    order_refunded.connect(on_refunded)
    order_shipped.connect(on_shipped)
    order_delivered.connect(on_delivered)
    order_needs_attention.connect(on_needs_attention)


def _to_shopper(order: Order, kind: str, event: str = "", data: dict[str, object] | None = None) -> None:
    enqueue(order.id, kind, f"{order.id}:{kind}{':' + event if event else ''}", order.email, order.locale, data)


def _to_merchant(app: Flask, order: Order, kind: str, event: str = "", data: dict[str, object] | None = None) -> None:
    merchant = app.config.get("MERCHANT_EMAIL")
    if merchant:
        locale = app.config.get("BABEL_DEFAULT_LOCALE", "id")
        enqueue(order.id, kind, f"{order.id}:{kind}{':' + event if event else ''}", merchant, locale, data)


@_never_raises
def on_order_placed(app: Flask, order_id: int, **_kwargs: object) -> None:
    _to_shopper(db.session.get_one(Order, order_id), "order_placed")


@_never_raises
def on_status_changed(
    app: Flask, order_id: int, new_status: S, attention: str | None = None, **_kwargs: object
) -> None:
    order = db.session.get_one(Order, order_id)
    kind = SHOPPER_MESSAGE_FOR_STATUS.get(new_status)
    if kind == "paid":
        _to_shopper(order, "paid")
        _to_merchant(app, order, "merchant_paid")
    elif kind:
        # Each payment attempt can end once; "pay again" starts a new one.
        _to_shopper(order, kind, str(order.attempt_count))
    if new_status in REFUND_STATUSES:
        _queue_refund(order)
    if attention:
        _to_merchant(app, order, "merchant_attention", attention, {"attention": attention})


@_never_raises
def on_needs_attention(app: Flask, order_id: int, attention: str, **_kwargs: object) -> None:
    order = db.session.get_one(Order, order_id)
    _to_merchant(app, order, "merchant_attention", attention, {"attention": attention})


@_never_raises
def on_refunded(app: Flask, order_id: int, refunded_idr: int, **_kwargs: object) -> None:
    _queue_refund(db.session.get_one(Order, order_id), refunded_idr)


def _queue_refund(order: Order, refunded_idr: int | None = None) -> None:
    # Keyed by the refunded total: each refund raises it, and the status change and the back office's
    # own signal for the same refund arrive at the same key, so the shopper gets one message per refund.
    refunded = refunded_idr if refunded_idr is not None else refund_totals(order).refunded_idr
    _to_shopper(order, "refunded", str(refunded), {"refunded_idr": refunded, "total_idr": order.total_idr})


@_never_raises
def on_shipped(app: Flask, order_id: int, **_kwargs: object) -> None:
    shipment = shipment_for(order_id)
    if shipment is None:  # logged by _never_raises: the shipped signal comes with a shipment
        raise LookupError(f"order {order_id} was announced shipped without a shipment")
    _to_shopper(
        db.session.get_one(Order, order_id),
        "shipped",
        data={"carrier": shipment.carrier, "tracking_number": shipment.tracking_number},
    )


@_never_raises
def on_delivered(app: Flask, order_id: int, **_kwargs: object) -> None:
    _to_shopper(db.session.get_one(Order, order_id), "delivered")
