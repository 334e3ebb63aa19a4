"""What a cart form names, read as plain rows: the product and its variants on sale, in one query.

Every add reads the variant named and its product. Loaded as ORM objects (identity map, instance state, a
joined loader) that cost more CPU than the query itself (in-process, 216 against 135 µs with SQLite). Here
they are the catalog grid's small frozen objects (catalog/listing.py), whose `sole_variant` and
`needs_choice` follow the catalog's rules through the same functions. A refused add re-draws the product
page's form around the product's options: only then are the ORM objects loaded (see views._add_failed).
"""

from collections.abc import Sequence

from sqlalchemy import Row, Select, bindparam, select

from ..catalog.listing import CardProduct, CardVariant, card_from
from ..database import autocommit_options
from ..extensions import db
from ..models import Product, Variant

# By position: the grid card's product columns (listing.card_from), then the variant's, NULL for none on sale.
_COLUMNS = (
    Product.id,
    Product.slug,
    Product.name,
    Product.image,
    Product.price_idr,
    Variant.id.label("variant_id"),
    Variant.label,
    Variant.price_idr.label("variant_price_idr"),
    Variant.stock,
)


def _on_sale(product_id: object) -> Select[int, str, str, str, int, int, str, int | None, int]:
    """An active product and its variants on sale (none: one row without a variant), in the product's order."""
    return (
        select(*_COLUMNS)
        .select_from(Product)
        .outerjoin(Variant, (Variant.product_id == Product.id) & Variant.active.is_(True))
        .where(Product.id == product_id, Product.active.is_(True))
        .order_by(Variant.position, Variant.id)
    )


# Built once with a bound id: building a statement and its cache key on every add cost more than the query.
_BY_PRODUCT = _on_sale(bindparam("id"))
_BY_VARIANT = _on_sale(select(Variant.product_id).where(Variant.id == bindparam("id")).scalar_subquery())


def _product(rows: Sequence[Row[int, str, str, str, int, int, str, int | None, int]]) -> CardProduct | None:
    if not rows:
        return None
    product = tuple(rows[0][:5])
    # As the grid's card rows: (product_id, id, label, price_idr, stock) of each variant on sale.
    variants = [(product[0], *row[5:]) for row in rows if row[5] is not None]
    return card_from(product, variants)


def _read(statement: Select[int, str, str, str, int, int, str, int | None, int], item_id: int) -> CardProduct | None:
    # One read-only statement and nothing else: no transaction around it (the session's would cost a BEGIN,
    # a ROLLBACK and its connection set-up, a third of the lookup). A refusal's ORM reads use the session.
    with db.engine.connect().execution_options(**autocommit_options(db.engine)) as connection:
        return _product(connection.execute(statement, {"id": item_id}).all())


def product_on_sale(product_id: int) -> CardProduct | None:
    """The product, if it is on sale, with its variants on sale."""
    return _read(_BY_PRODUCT, product_id)


def variant_on_sale(variant_id: int) -> tuple[CardProduct, CardVariant] | None:
    """(its product, the variant) if the variant is on sale, else None."""
    product = _read(_BY_VARIANT, variant_id)
    variant = next((v for v in product.variants if v.id == variant_id), None) if product else None
    return (product, variant) if product is not None and variant is not None else None
