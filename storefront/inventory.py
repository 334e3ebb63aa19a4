"""Stock, per variant: reservations (take units out of `Variant.stock` at checkout, give them back exactly
once) and the record of every other change of stock (`StockMovement`)."""

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import Order, Product, UTCDateTime, Variant, utcnow

if TYPE_CHECKING:
    from .admin.models import StaffUser


class StockMovement(db.Model):
    """One change of a variant's stock made by the back office (adjustment, restock after a refund, ...)."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("product_variants.id"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    # The stock right after this movement, as the atomic UPDATE returned it.
    stock_after: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(String(255), default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    variant: Mapped[Variant] = relationship()
    # Staff accounts belong to the back office, which sits above this module: the relationship is named
    # by string, and the type is imported for type checkers only.
    staff: Mapped["StaffUser | None"] = relationship("StaffUser")


# A variant is on sale only while its product is too; the reservation checks both in its one UPDATE.
_ON_SALE_PRODUCTS = select(Product.id).where(Product.active.is_(True))


def reserve_stock(quantities: Mapping[int, int]) -> list[int]:
    """Take units out of stock for {variant_id: quantity} with conditional UPDATEs, in variant id order.

    `stock >= n` in the WHERE clause makes each decrement atomic (PostgreSQL re-checks it after a
    concurrent commit; SQLite serialises writers), and the fixed order prevents deadlocks between
    checkouts with overlapping variants. Returns the variant ids that could not be reserved.
    """
    short = []
    for variant_id in sorted(quantities):
        quantity = quantities[variant_id]
        # An UPDATE's result is a CursorResult (the session's execute() is typed for any statement).
        result = cast(
            CursorResult[Any],
            db.session.execute(
                update(Variant)
                .where(
                    Variant.id == variant_id,
                    Variant.active.is_(True),
                    Variant.stock >= quantity,
                    Variant.product_id.in_(_ON_SALE_PRODUCTS),
                )
                .values(stock=Variant.stock - quantity)
            ),
        )
        if result.rowcount != 1:
            short.append(variant_id)
    return short


def _give_back(variant_id: int, quantity: int) -> None:
    db.session.execute(update(Variant).where(Variant.id == variant_id).values(stock=Variant.stock + quantity))


def release_stock(order: Order) -> bool:
    """Give an order's units back, exactly once (guarded by `stock_reserved`). Caller holds the order lock."""
    if not order.stock_reserved:
        return False
    for item in sorted(order.items, key=lambda i: i.variant_id):
        _give_back(item.variant_id, item.quantity)
    order.stock_reserved = False
    return True


def release_units(variant_id: int, quantity: int) -> int:
    """Give `quantity` units of one variant back (refunded units put back on sale); returns the new stock."""
    return db.session.execute(
        update(Variant).where(Variant.id == variant_id).values(stock=Variant.stock + quantity).returning(Variant.stock)
    ).scalar_one()


def rereserve_stock(order: Order) -> bool:
    """Hold an order's units again (pay again, or money arrived after release). False if short."""
    if order.stock_reserved:
        return True
    short = reserve_stock(ordered_quantities(order))
    if short:
        # Undo the lines that did succeed: the caller's transaction continues.
        for variant_id, quantity in sorted(ordered_quantities(order).items()):
            if variant_id not in short:
                _give_back(variant_id, quantity)
        return False
    order.stock_reserved = True
    return True


def ordered_quantities(order: Order) -> dict[int, int]:
    """{variant_id: units} of an order (two lines of one variant cannot exist, but add up if they did)."""
    quantities: dict[int, int] = {}
    for item in order.items:
        quantities[item.variant_id] = quantities.get(item.variant_id, 0) + item.quantity
    return quantities
