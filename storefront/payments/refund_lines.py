"""Refunds by line: how many units of each order line may still be refunded, what they cost, and putting
exactly the refunded units back on sale.

Amounts come from the order's own line prices (never from the form): a line refund of 2 units of a
Rp45.000 item is Rp90.000, less those units' share of a voucher discount stored on the line at checkout
(vouchers/allocation.py). Units already in a pending or succeeded refund are not refundable again.
"""

from collections.abc import Mapping

from ..extensions import db
from ..inventory import StockMovement, release_units
from ..models import Order, OrderItem
from ..vouchers.allocation import refund_for_units
from .models import Refund, RefundLine

# Refunds whose units are spoken for (a refused or failed refund gives them back to "refundable").
_HOLDING = ("pending", "succeeded")


class LineRefundError(ValueError):
    """A quantity the order cannot refund (more than is left of that line, or no such line)."""


def refunded_quantities(order_id: int) -> dict[int, int]:
    """{order_item_id: units in pending or succeeded refunds} in one grouped query."""
    rows = db.session.execute(
        db.select(RefundLine.order_item_id, db.func.sum(RefundLine.quantity))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.order_id == order_id, Refund.status.in_(_HOLDING))
        .group_by(RefundLine.order_item_id)
    )
    return {item_id: int(quantity) for item_id, quantity in rows}


def refundable_lines(order: Order) -> list[tuple[OrderItem, int]]:
    """[(item, units that may still be refunded)] in the order's line order."""
    taken = refunded_quantities(order.id)
    return [(item, item.quantity - taken.get(item.id, 0)) for item in order.items]


def lines_amount(order: Order, quantities: Mapping[int, int]) -> int:
    """The rupiah value of {order_item_id: units}, checked against what is left of each line."""
    left = {item.id: (item, units) for item, units in refundable_lines(order)}
    amount = 0
    for item_id, quantity in quantities.items():
        if item_id not in left or not 0 < quantity <= left[item_id][1]:
            raise LineRefundError(item_id)
        amount += unit_refund(left[item_id][0], left[item_id][1], quantity)
    return amount


def unit_refund(item: OrderItem, left: int, quantity: int) -> int:
    """`quantity` more units of a line, `left` of them not refunded yet: their price less their share
    of the line's discount."""
    refunded = item.quantity - left
    return refund_for_units(item.unit_price_idr, item.quantity, item.discount_idr, refunded, quantity)


def add_lines(refund_row: Refund, quantities: Mapping[int, int]) -> None:
    for item_id, quantity in sorted(quantities.items()):
        refund_row.lines.append(RefundLine(order_item_id=item_id, quantity=quantity))


def restock(order: Order, refund_row: Refund, staff_id: int | None) -> bool:
    """Put a refund's units back on sale: its lines exactly; for a refund of an amount, every unit of the
    order not put back yet, once (`stock_reserved` guards it, as for an unpaid order's release)."""
    units: dict[tuple[int, int], int] = {}  # (variant id, product id) -> units
    if refund_row.lines:
        for line in refund_row.lines:
            key = (line.item.variant_id, line.item.product_id)
            units[key] = units.get(key, 0) + line.quantity
    else:
        if not order.stock_reserved:
            return False
        back = _restocked_quantities(order.id)
        for item in order.items:
            left = item.quantity - back.get(item.id, 0)
            if left > 0:
                key = (item.variant_id, item.product_id)
                units[key] = units.get(key, 0) + left
        order.stock_reserved = False
    # In variant id order, as every stock change of the shop (no deadlock between two restocks).
    for (variant_id, product_id), quantity in sorted(units.items()):
        stock_after = release_units(variant_id, quantity)
        db.session.add(
            StockMovement(
                product_id=product_id,
                variant_id=variant_id,
                delta=quantity,
                stock_after=stock_after,
                reason="refund",
                note=order.reference,
                order_id=order.id,
                staff_id=staff_id,
            )
        )
    return bool(units)


def _restocked_quantities(order_id: int) -> dict[int, int]:
    rows = db.session.execute(
        db.select(RefundLine.order_item_id, db.func.sum(RefundLine.quantity))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.order_id == order_id, Refund.status == "succeeded", Refund.restock.is_(True))
        .group_by(RefundLine.order_item_id)
    )
    return {item_id: int(quantity) for item_id, quantity in rows}
