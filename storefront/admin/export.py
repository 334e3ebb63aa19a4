"""Orders as CSV for the merchant's bookkeeping: one row per order line, integer rupiah, times in the
store's zone with its name. Orders of a date range (store days, by the day they were placed).

A year of orders must not sit in memory at once, nor cost a query per order: orders are read in
batches, each batch's refunds and vouchers in one query each, and the CSV is sent as it is written.
"""

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Order
from ..payments.reads import paid_attempt, refund_totals, refunds_by_order
from ..payments.words import payment_method_label
from ..status_words import fulfilment_label, status_label
from ..store_time import store_zone, zone_label
from ..vouchers.usage import order_discounts
from .reports import start_of


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(store_zone())
    return f"{local:%Y-%m-%d %H:%M} {zone_label(store_zone(), value)}"


def header() -> list[str]:
    return [
        _("Order"),
        _("Placed"),
        _("Paid"),
        _("Payment status"),
        _("Shipping status"),
        _("Payment method"),
        _("Customer"),
        _("E-mail"),
        _("Product"),
        _("Variant"),
        _("SKU"),
        _("Unit price (Rp)"),
        _("Quantity"),
        _("Line total (Rp)"),
        _("Order shipping (Rp)"),
        _("Voucher"),
        _("Order discount (Rp)"),
        _("Order total (Rp)"),
        _("Order refunded (Rp)"),
    ]


BATCH = 200  # orders per round trip: a few hundred rows of memory, a few queries per batch


def rows(date_from: date, date_to: date) -> Iterator[list]:
    """One list per order line of the orders placed from `date_from` to `date_to` (store days, inclusive)."""
    statement = (
        db.select(Order)
        .options(selectinload(Order.items), selectinload(Order.attempts))
        .where(Order.created_at >= start_of(date_from), Order.created_at < start_of(date_to + timedelta(days=1)))
        .order_by(Order.created_at, Order.id)
        .execution_options(yield_per=BATCH)
    )
    for batch in db.session.execute(statement).scalars().partitions():
        order_ids = [order.id for order in batch]
        discounts = order_discounts(order_ids)
        refunds = refunds_by_order(order_ids)
        for order in batch:
            yield from _order_rows(order, discounts.get(order.id, ("", 0)), refunds[order.id])


def _order_rows(order: Order, discount: tuple[str, int], refunds: list) -> Iterator[list]:
    code, discount_idr = discount
    attempt = paid_attempt(order)
    method = payment_method_label(attempt.payment_type, attempt.instructions) if attempt else ""
    refunded = refund_totals(order, refunds).refunded_idr
    for item in order.items:
        yield [
            order.reference,
            _when(order.created_at),
            _when(order.paid_at),
            str(status_label(order.payment_status)),
            str(fulfilment_label(order.fulfilment_status)),
            str(method),
            order.customer_name,
            order.email,
            item.product_name,
            item.variant_label,
            item.sku or "",
            item.unit_price_idr,
            item.quantity,
            item.line_total_idr,
            order.shipping_idr,
            code,
            discount_idr,
            order.total_idr,
            refunded,
        ]


def csv_chunks(date_from: date, date_to: date) -> Iterator[str]:
    """The CSV file in pieces of about a batch of orders each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A BOM first, so spreadsheet programs open the file as UTF-8 (names with accents).
    buffer.write("\ufeff")
    writer.writerow(header())
    for count, row in enumerate(rows(date_from, date_to), start=1):
        writer.writerow(row)
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
