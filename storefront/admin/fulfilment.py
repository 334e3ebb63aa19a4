"""Order work that is not about payment: shipping, and clearing an order's "needs attention" flag."""

from flask import current_app
from flask_babel import gettext as _

from ..database import write_transaction
from ..extensions import db
from ..order_status import OrderStatus as S
from ..payments.merchant import NotAllowedNow
from ..payments.service import lock_order
from ..signals import order_shipped
from . import audit
from .models import Shipment



def shipment_for(order_id):
    return db.session.execute(db.select(Shipment).where(Shipment.order_id == order_id)).scalar_one_or_none()


def mark_shipped(order_id, carrier, tracking_number, staff_id):
    with write_transaction():
        order = lock_order(order_id)
        if order.status != S.PAID:
            raise NotAllowedNow(_("Only a paid order can be shipped."))
        if shipment_for(order_id) is not None:
            raise NotAllowedNow(_("This order is already marked as shipped."))
        db.session.add(
            Shipment(order_id=order_id, carrier=carrier.strip(), tracking_number=tracking_number.strip(), staff_id=staff_id)
        )
        audit.record(staff_id, "ship", order_id=order_id, detail=f"{carrier} {tracking_number}".strip())
    order_shipped.send(current_app._get_current_object(), order_id=order_id)
    return _("Marked as shipped.")


def resolve_attention(order_id, staff_id):
    with write_transaction():
        order = lock_order(order_id)
        if order.attention is None:
            raise NotAllowedNow(_("This order does not need attention."))
        audit.record(staff_id, "resolve_attention", order_id=order_id, detail=order.attention)
        order.attention = None
    return _("Marked as handled.")
