"""Orders as CSV for the merchant's bookkeeping: one row per order line, integer rupiah, times in the
store's zone with its name. Orders of a date range (store days, by the day they were placed)."""

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Order
from ..payments.reads import paid_attempt, refund_totals
from ..payments.words import payment_method_label
from ..status_words import fulfilment_label, status_label
from ..store_time import store_zone, zone_label
from ..vouchers.usage import order_discounts
from .reports import start_of


def _when(value) -> str:
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


def rows(date_from: date, date_to: date) -> Iterator[list]:
    """One list per order line of the orders placed from `date_from` to `date_to` (store days, inclusive)."""
    statement = (
        db.select(Order)
        .options(selectinload(Order.items), selectinload(Order.attempts))
        .where(Order.created_at >= start_of(date_from), Order.created_at < start_of(date_to + timedelta(days=1)))
        .order_by(Order.created_at, Order.id)
    )
    orders = db.session.execute(statement).scalars().all()
    discounts = order_discounts([order.id for order in orders])
    for order in orders:
        code, discount = discounts.get(order.id, ("", 0))
        attempt = paid_attempt(order)
        method = payment_method_label(attempt.payment_type, attempt.instructions) if attempt else ""
        refunded = refund_totals(order).refunded_idr
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
                discount,
                order.total_idr,
                refunded,
            ]


def csv_text(date_from: date, date_to: date) -> str:
    buffer = io.StringIO()
    # A BOM first, so spreadsheet programs open the file as UTF-8 (names with accents).
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header())
    writer.writerows(rows(date_from, date_to))
    return buffer.getvalue()
