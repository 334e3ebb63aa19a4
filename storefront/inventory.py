"""Stock: reservations (take units out of `Product.stock` at checkout, give them back exactly once) and
the record of every other change of stock (`StockMovement`)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import Product, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .admin.models import StaffUser


class StockMovement(db.Model):
    """One change of `Product.stock` made by the back office (adjustment, restock after a refund, ...)."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    # The stock right after this movement, as the atomic UPDATE returned it.
    stock_after: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(String(255), default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    # Staff accounts belong to the back office, which sits above this module: the relationship is named
    # by string, and the type is imported for type checkers only.
    staff: Mapped["StaffUser | None"] = relationship("StaffUser")


def reserve_stock(quantities):
    """Take units out of stock with conditional UPDATEs, in product id order.

    `stock >= n` in the WHERE clause makes each decrement atomic (PostgreSQL re-checks it after a
    concurrent commit; SQLite serialises writers), and the fixed order prevents deadlocks between
    checkouts with overlapping products. Returns the ids that could not be reserved.
    """
    short = []
    for product_id in sorted(quantities):
        quantity = quantities[product_id]
        result = db.session.execute(
            update(Product)
            .where(Product.id == product_id, Product.active.is_(True), Product.stock >= quantity)
            .values(stock=Product.stock - quantity)
        )
        if result.rowcount != 1:
            short.append(product_id)
    return short


def release_stock(order):
    """Give an order's units back, exactly once (guarded by `stock_reserved`). Caller holds the order lock."""
    if not order.stock_reserved:
        return False
    for item in sorted(order.items, key=lambda i: i.product_id):
        db.session.execute(
            update(Product).where(Product.id == item.product_id).values(stock=Product.stock + item.quantity)
        )
    order.stock_reserved = False
    return True


def release_units(product_id, quantity):
    """Give `quantity` units of one product back (refunded units put back on sale); returns the new stock."""
    return db.session.execute(
        update(Product).where(Product.id == product_id).values(stock=Product.stock + quantity).returning(Product.stock)
    ).scalar_one()


def rereserve_stock(order):
    """Hold an order's units again (pay again, or money arrived after release). False if short."""
    if order.stock_reserved:
        return True
    short = reserve_stock({item.product_id: item.quantity for item in order.items})
    if short:
        # Undo the lines that did succeed: the caller's transaction continues.
        for item in order.items:
            if item.product_id not in short:
                db.session.execute(
                    update(Product).where(Product.id == item.product_id).values(stock=Product.stock + item.quantity)
                )
        return False
    order.stock_reserved = True
    return True
