"""Fulfilment: the parcel's state, moved by staff — shipped (courier and tracking number), delivered.

The back office calls these. Each move is one transaction that locks the order and checks the move
against `order_status.FULFILMENT_TRANSITIONS`; the payment state only decides whether goods may leave
at all (`SHIPPABLE`: a partial refund leaves the rest of the order to ship). Shipping never touches
money. The shopper's page shows the change (status version bumped); its e-mail is queued in the same
transaction and sent after the commit.
"""

from collections.abc import Callable

from flask_babel import gettext as _

from .appctx import the_app
from .database import write_transaction
from .extensions import db
from .models import Order, utcnow
from .order_status import SHIPPABLE, FulfilmentStatus, can_move_fulfilment
from .shipping import Shipment, shipment_for
from .signals import order_delivered, order_shipped

F = FulfilmentStatus

# Called inside the change's transaction with a one-line account of it (the back office's audit log).
Recorder = Callable[[str], None]


class FulfilmentRefused(Exception):
    """The move was not made; `str(exc)` is a message for the staff member."""


def ship(order_id: int, carrier: str, tracking_number: str, staff_id: int | None, record: Recorder) -> str:
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    with write_transaction():
        order = Order.lock(order_id)
        if order.payment_status not in SHIPPABLE:
            raise FulfilmentRefused(_("Only a paid order can be shipped."))
        if not can_move_fulfilment(order.fulfilment_status, F.SHIPPED) or shipment_for(order_id) is not None:
            raise FulfilmentRefused(_("This order is already marked as shipped."))
        db.session.add(Shipment(order_id=order_id, carrier=carrier, tracking_number=tracking_number, staff_id=staff_id))
        order.fulfilment_status = F.SHIPPED
        order.bump_status_version()
        record(f"{carrier} {tracking_number}".strip())
        order_shipped.send(the_app(), order_id=order_id)  # its e-mail is queued in this transaction
    done: str = _("Marked as shipped.")
    return done


def mark_returned(order_id: int, record: Recorder) -> str:
    """The parcel came back (refused, undeliverable, or returned by the shopper). Money and stock are not
    touched here: staff refund (and restock) with the refund forms, as they decide."""
    with write_transaction():
        shipment = _move_parcel(order_id, F.RETURNED, _("Only a shipped or delivered order can be marked as returned."))
        shipment.returned_at = utcnow()
        record(shipment.tracking_number)
    done: str = _("Marked as returned.")
    return done


def mark_delivered(order_id: int, record: Recorder) -> str:
    with write_transaction():
        shipment = _move_parcel(order_id, F.DELIVERED, _("Only a shipped order can be marked as delivered."))
        shipment.delivered_at = utcnow()
        record(shipment.tracking_number)
        order_delivered.send(the_app(), order_id=order_id)
    done: str = _("Marked as delivered.")
    return done


def _move_parcel(order_id: int, target: FulfilmentStatus, refusal: str) -> Shipment:
    """Inside the caller's transaction: lock the order, check the move, make it; the shipment to stamp."""
    order = Order.lock(order_id)
    shipment = shipment_for(order_id)
    if shipment is None or not can_move_fulfilment(order.fulfilment_status, target):
        raise FulfilmentRefused(refusal)
    order.fulfilment_status = target
    order.bump_status_version()
    return shipment
