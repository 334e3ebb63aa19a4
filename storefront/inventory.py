"""Stock reservations: take units out of `Product.stock` at checkout, give them back exactly once."""

from sqlalchemy import update

from .extensions import db
from .models import Product


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
                    update(Product)
                    .where(Product.id == item.product_id)
                    .values(stock=Product.stock + item.quantity)
                )
        return False
    order.stock_reserved = True
    return True
