"""Back-office reads of orders: the filtered list, the totals per status, one order with its history."""

import re
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar, Unpack

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func, or_
from sqlalchemy.orm import selectinload

from ..catalog.queries import escape_like
from ..extensions import db
from ..models import Order, PaymentAttempt
from ..phones import normalise_phone
from ..store_time import store_zone
from .forms import ATTENTION_FILTER

PER_PAGE = 25
MAX_SEARCH_LENGTH = 100

# The list's statement or its totals' one: the search filters return the statement they were given.
AnySelect = TypeVar("AnySelect", bound=Select[Unpack[tuple[Any, ...]]])


def _day_start_utc(day: date) -> datetime:
    """Midnight of a calendar day in the shop's time zone (the dates staff type are local days)."""
    return datetime.combine(day, time.min, tzinfo=store_zone())


def _search(
    statement: AnySelect, query: str | None, date_from: date | None, date_to: date | None, fulfilment: str = ""
) -> AnySelect:
    """The filters the list and its totals share: search text, dates, shipping state."""
    if fulfilment:
        statement = statement.where(Order.fulfilment_status == fulfilment)
    query = (query or "").strip()[:MAX_SEARCH_LENGTH]
    if query:
        pattern = f"%{escape_like(query.lower())}%"
        conditions: list[ColumnElement[bool]] = [
            func.lower(Order.reference).like(pattern, escape="\\"),
            func.lower(Order.email).like(pattern, escape="\\"),
        ]
        # Phones are stored as +62…; a search for "0812 3456…" must find them too.
        phone = normalise_phone(query)
        digits = re.sub(r"\D", "", query)
        if phone:
            conditions.append(Order.phone == phone)
        elif len(digits) >= 4:
            conditions.append(Order.phone.like(f"%{digits.lstrip('0')}%"))
        statement = statement.where(or_(*conditions))
    if date_from:
        statement = statement.where(Order.created_at >= _day_start_utc(date_from))
    if date_to:
        statement = statement.where(Order.created_at < _day_start_utc(date_to + timedelta(days=1)))
    return statement


def search_orders(
    status: str,
    query: str | None,
    date_from: date | None,
    date_to: date | None,
    page: int,
    per_page: int = PER_PAGE,
    fulfilment: str = "",
) -> Pagination:
    statement = _search(db.select(Order), query, date_from, date_to, fulfilment)
    if status == ATTENTION_FILTER:
        statement = statement.where(Order.attention.is_not(None))
    elif status:
        statement = statement.where(Order.payment_status == status)
    return db.paginate(
        statement.order_by(Order.created_at.desc(), Order.id.desc()), page=page, per_page=per_page, error_out=False
    )


def status_totals(
    query: str | None, date_from: date | None, date_to: date | None, fulfilment: str = ""
) -> dict[str, int]:
    """{status: count, "attention": count, "": all} for the current search, in ONE grouped query.

    The shipping-state filter applies too: the chips count the orders their link would list."""
    statement = _search(
        db.select(Order.payment_status, func.count(Order.id), func.count(Order.attention)).group_by(
            Order.payment_status
        ),
        query,
        date_from,
        date_to,
        fulfilment,
    )
    totals = {"": 0, ATTENTION_FILTER: 0}
    for status, count, attention in db.session.execute(statement):
        totals[status] = count
        totals[""] += count
        totals[ATTENTION_FILTER] += attention
    return totals


def order_for_admin(reference: str | None) -> Order:
    order: Order | None = db.session.execute(
        db.select(Order)
        .options(
            selectinload(Order.items),
            selectinload(Order.attempts).selectinload(PaymentAttempt.events),
        )
        .where(Order.reference == (reference or "").strip().upper()[:16])
    ).scalar_one_or_none()
    if order is None:
        abort(404)
    return order
