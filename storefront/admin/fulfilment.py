"""Order work that is not about payment: shipping, and clearing an order's "needs attention" flag."""

from flask_babel import gettext as _

from ..appctx import the_app
from ..database import write_transaction
from ..extensions import db
from ..models import Order
from ..order_status import OrderStatus as S
from ..payments.actions import NotAllowedNow
from ..shipping import Shipment, shipment_for
from ..signals import order_shipped
from . import audit


def mark_shipped(order_id, carrier, tracking_number, staff_id):
    with write_transaction():
        order = Order.lock(order_id)
        if order.status != S.PAID:
            raise NotAllowedNow(_("Only a paid order can be shipped."))
        if shipment_for(order_id) is not None:
            raise NotAllowedNow(_("This order is already marked as shipped."))
        db.session.add(
            Shipment(
                order_id=order_id, carrier=carrier.strip(), tracking_number=tracking_number.strip(), staff_id=staff_id
            )
        )
        audit.record(staff_id, "ship", order_id=order_id, detail=f"{carrier} {tracking_number}".strip())
    order_shipped.send(the_app(), order_id=order_id)
    return _("Marked as shipped.")


def resolve_attention(order_id, staff_id):
    with write_transaction():
        order = Order.lock(order_id)
        if order.attention is None:
            raise NotAllowedNow(_("This order does not need attention."))
        audit.record(staff_id, "resolve_attention", order_id=order_id, detail=order.attention)
        order.attention = None
    return _("Marked as handled.")
