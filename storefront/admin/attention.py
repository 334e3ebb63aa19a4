"""Clearing an order's "needs attention" flag once staff have dealt with it."""

from flask_babel import gettext as _

from ..database import write_transaction
from ..models import Order
from ..payments.actions import NotAllowedNow
from . import audit


def resolve_attention(order_id: int, staff_id: int) -> str:
    with write_transaction():
        order = Order.lock(order_id)
        if order.attention is None:
            raise NotAllowedNow(_("This order does not need attention."))
        audit.record(staff_id, "resolve_attention", order_id=order_id, detail=order.attention)
        order.attention = None
    done: str = _("Marked as handled.")
    return done
