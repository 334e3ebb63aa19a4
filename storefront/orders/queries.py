from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort
from sqlalchemy import Connection, Row, and_, bindparam, outerjoin, select
from sqlalchemy.orm import Session, scoped_session, selectinload

from ..extensions import db
from ..models import Order, PaymentAttempt

_orders = Order.__table__
_attempts = PaymentAttempt.__table__

# The status poll runs every 2 s for every open order page, so its query is built once, here, with the
# access token as a bound parameter: building a statement and its cache key costs more than running it.
# It selects the few columns the status fragment shows, as plain rows (no ORM objects to assemble).
STATUS_QUERY = (
    select(
        _orders.c.id,
        _orders.c.access_token,
        _orders.c.payment_status,
        _orders.c.fulfilment_status,
        _orders.c.status_version,
        _orders.c.created_at,  # the timeline the poll's answer brings up to date
        _orders.c.paid_at,
        _attempts.c.id.label("attempt_id"),
        _attempts.c.redirect_url,
        _attempts.c.transaction_status,
        _attempts.c.instructions,
        _attempts.c.gross_amount_idr,
        _attempts.c.expires_at,
        _attempts.c.snap_requested_at,
        _attempts.c.last_error,
    )
    .select_from(
        outerjoin(
            _orders,
            _attempts,
            and_(_attempts.c.order_id == _orders.c.id, _attempts.c.number == _orders.c.attempt_count),
        )
    )
    .where(_orders.c.access_token == bindparam("access_token"))
)


# A row of STATUS_QUERY (fifteen columns; read by name).
StatusRow = Row[*tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class PolledOrder:
    """What the status fragment, its ETag and the order timeline need of an order."""

    id: int
    access_token: str
    payment_status: str
    fulfilment_status: str
    status_version: int
    created_at: datetime
    paid_at: datetime | None


@dataclass(frozen=True, slots=True)
class PolledAttempt:
    """What the status fragment shows of the current payment attempt."""

    redirect_url: str | None
    transaction_status: str | None
    instructions: dict[str, Any] | None
    gross_amount_idr: int
    expires_at: datetime
    snap_requested_at: datetime | None
    last_error: str | None


def status_row(connection: Connection | Session | scoped_session[Any], access_token: str) -> StatusRow | None:
    """The order's STATUS_QUERY row (None if unknown): ONE indexed query."""
    return connection.execute(STATUS_QUERY, {"access_token": access_token}).first()


def order_status(access_token: str, session: Session | scoped_session[Any]) -> tuple[PolledOrder, PolledAttempt | None]:
    """(order, current attempt or None) for the order page's status box, in ONE indexed query; 404 if unknown.
    (The poll reads the same row on a pooled connection, without an ORM session: orders/poll_answers.py.)"""
    row = status_row(session, access_token)
    if row is None:
        abort(404)
    return polled(row)


def polled(row: StatusRow) -> tuple[PolledOrder, PolledAttempt | None]:
    """The STATUS_QUERY row as (order, current attempt or None)."""
    order = PolledOrder(
        row.id,
        row.access_token,
        row.payment_status,
        row.fulfilment_status,
        row.status_version,
        row.created_at,
        row.paid_at,
    )
    if row.attempt_id is None:
        return order, None
    attempt = PolledAttempt(
        row.redirect_url,
        row.transaction_status,
        row.instructions,
        row.gross_amount_idr,
        row.expires_at,
        row.snap_requested_at,
        row.last_error,
    )
    return order, attempt


def order_for_page(access_token: str) -> Order:
    order: Order | None = db.session.execute(
        db.select(Order).options(selectinload(Order.items)).where(Order.access_token == access_token)
    ).scalar_one_or_none()
    if order is None:
        abort(404)
    return order
