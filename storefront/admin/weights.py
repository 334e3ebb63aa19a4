"""Products without a shipping weight (0 g, as products made before shipping existed were migrated).

Shipping is priced by weight, so the checkout refuses a cart holding one of them ("no shipping weight
yet"). The checkout deliberately has no silent fallback weight: a guessed weight would charge shoppers a
wrong price the merchant never sees. Instead the back office lists these products and can give them all one
weight the merchant chooses, in one audited step; each product then shows that weight and can be corrected.
"""

from sqlalchemy import update

from ..database import write_transaction
from ..extensions import db
from ..models import Product
from . import audit

LISTED = 50


def unweighed_products() -> tuple[int, list[Product]]:
    """How many products have no weight, and the first of them (those for sale first, by name)."""
    missing = Product.weight_g <= 0
    count = db.session.execute(db.select(db.func.count(Product.id)).where(missing)).scalar_one()
    listed = db.session.execute(
        db.select(Product).where(missing).order_by(Product.active.desc(), Product.name).limit(LISTED)
    ).scalars()
    return count, list(listed)


def fill_missing_weights(weight_g: int, staff_id: int) -> int:
    """Give every product without a weight `weight_g` grams; returns how many. A product weighed by someone
    else meanwhile keeps its own weight (the update only takes rows still at 0)."""
    with write_transaction():
        ids = list(db.session.execute(db.select(Product.id).where(Product.weight_g <= 0).with_for_update()).scalars())
        if ids:
            db.session.execute(
                update(Product).where(Product.id.in_(ids), Product.weight_g <= 0).values(weight_g=weight_g)
            )
        for product_id in ids:
            audit.record(staff_id, "product_weight_filled", product_id=product_id, detail=f"0 -> {weight_g} g")
    return len(ids)
