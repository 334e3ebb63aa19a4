from flask import abort
from sqlalchemy import and_
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Order, PaymentAttempt


def order_with_current_attempt(access_token):
    """(order, current attempt or None) in ONE indexed query: this runs every 2 s per open order page."""
    row = db.session.execute(
        db.select(Order, PaymentAttempt)
        .outerjoin(
            PaymentAttempt,
            and_(PaymentAttempt.order_id == Order.id, PaymentAttempt.number == Order.attempt_count),
        )
        .where(Order.access_token == access_token)
    ).first()
    if row is None:
        abort(404)
    return row[0], row[1]


def order_for_page(access_token):
    order = db.session.execute(
        db.select(Order).options(selectinload(Order.items)).where(Order.access_token == access_token)
    ).scalar_one_or_none()
    if order is None:
        abort(404)
    return order
