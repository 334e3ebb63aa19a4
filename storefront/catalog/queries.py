"""Catalog reads. Each page costs a fixed number of queries, whatever the size of the catalog.

The statements every catalog visit runs (the unfiltered listing, its count, the category chips, the
product page) are built once, here, with bound parameters: building a SQLAlchemy statement and its
cache key each time costs more than SQLite takes to answer it.
"""

from collections.abc import Sequence
from datetime import datetime

from flask import abort
from sqlalchemy import ColumnElement, Row, Select, bindparam, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..extensions import db
from ..models import Category, OptionValue, Product, ProductOption, Variant
from ..products import variant_option_values
from .listing import Page, card_products

MAX_SEARCH_LENGTH = 100

PRODUCT_ORDER = (Product.name, Product.id)
ACTIVE = Product.active.is_(True)

# The chips need a category's id, slug and name only: plain rows.
_CATEGORIES = select(Category.id, Category.slug, Category.name).order_by(Category.position, Category.name)
# The grid reads plain rows (catalog/listing.py): the columns a card shows, then the variants on sale of the
# page's products, all cards at once.
_CARD_COLUMNS = (Product.id, Product.slug, Product.name, Product.image, Product.price_idr)
_ACTIVE_PRODUCTS = (
    select(*_CARD_COLUMNS).where(ACTIVE).order_by(*PRODUCT_ORDER).limit(bindparam("limit")).offset(bindparam("offset"))
)
_ACTIVE_COUNT = select(func.count(Product.id)).where(ACTIVE)
_CARD_VARIANTS = (
    select(Variant.product_id, Variant.id, Variant.label, Variant.price_idr, Variant.stock)
    .where(Variant.product_id.in_(bindparam("ids", expanding=True)), Variant.active.is_(True))
    .order_by(Variant.product_id, Variant.position, Variant.id)
)
# The product page's one query: the product, its category, its variants (with their option values) and its options.
# The variants' values are joined by hand, one plain LEFT JOIN after another: joinedload() nests the many-to-many
# as `LEFT JOIN (variant_option_values JOIN option_values)`, which SQLite cannot flatten, so it materialised the
# whole link table (every variant of the shop) with a throw-away index on each page view: 1.1 ms with 2,000
# variants, growing with the catalog; 0.08 ms written this way (bench/RESULTS.md, issue #20).
_VARIANT_VALUE = aliased(OptionValue, name="variant_value")
_PRODUCT_BY_SLUG = (
    select(Product)
    .outerjoin(Product.variants)
    .outerjoin(variant_option_values, variant_option_values.c.variant_id == Variant.id)
    .outerjoin(_VARIANT_VALUE, _VARIANT_VALUE.id == variant_option_values.c.value_id)
    .options(
        joinedload(Product.category),
        contains_eager(Product.variants).contains_eager(Variant.values.of_type(_VARIANT_VALUE)),
        joinedload(Product.options).joinedload(ProductOption.values),
    )
    .where(Product.slug == bindparam("slug"), ACTIVE)
    # contains_eager() fills Product.variants in row order: the relationship's own order, written out.
    .order_by(Variant.position, Variant.id)
)


def escape_like(text: str) -> str:
    """Make % and _ in a shopper's search literal characters instead of wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_categories() -> Sequence[Row[int, str, str]]:
    """(id, slug, name) rows of every category, in the shop's order."""
    return db.session.connection().execute(_CATEGORIES).all()


def _filtered(query: str | None, category_slug: str) -> tuple[Select[int, str, str, str, int], Select[int]]:
    """(products statement, count statement) for a search and/or category, or the prebuilt pair."""
    query = (query or "").strip()[:MAX_SEARCH_LENGTH]
    if not query and not category_slug:
        return _ACTIVE_PRODUCTS, _ACTIVE_COUNT
    conditions: list[ColumnElement[bool]] = [ACTIVE]
    if category_slug:
        conditions.append(Category.slug == category_slug)
    if query:
        pattern = f"%{escape_like(query.lower())}%"
        conditions.append(
            or_(
                func.lower(Product.name).like(pattern, escape="\\"),
                func.lower(Product.description).like(pattern, escape="\\"),
            )
        )
    products = (
        select(*_CARD_COLUMNS)
        .where(*conditions)
        .order_by(*PRODUCT_ORDER)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    count = select(func.count(Product.id)).where(*conditions)
    if category_slug:
        products, count = products.join(Category), count.select_from(Product).join(Category)
    return products, count


def search_products(query: str | None, category_slug: str, page: int, per_page: int) -> Page:
    """One page of active products matching the search and category, as cards, plus the total count."""
    products, count = _filtered(query, category_slug)
    # Plain rows: on the session's connection (same transaction) they skip the ORM's execution path,
    # which cost more than the three queries themselves.
    conn = db.session.connection()
    rows = conn.execute(products, {"limit": per_page, "offset": (page - 1) * per_page}).all()
    variants = conn.execute(_CARD_VARIANTS, {"ids": [row.id for row in rows]}).all() if rows else []
    total = conn.execute(count).scalar_one()
    return Page(card_products(rows, variants), page, per_page, total)


def product_by_slug(slug: str) -> Product:
    """The product page's only query: the product with its category (for the breadcrumb) and variants."""
    product: Product | None = db.session.execute(_PRODUCT_BY_SLUG, {"slug": slug}).unique().scalar_one_or_none()
    if product is None:
        abort(404)
    return product


def product_signature(product: Product) -> tuple[object, ...]:
    """Everything the product page shows of `product`, as plain values: its conditional GET's data."""
    category = product.category
    return (
        product.id,
        product.slug,
        product.name,
        product.description,
        product.image,
        product.price_idr,
        product.weight_g,
        (category.id, category.slug, category.name) if category is not None else None,
        tuple(
            (
                v.id,
                v.sku,
                v.label,
                v.price_idr,
                v.stock,
                v.active,
                v.weight_g,
                v.position,
                tuple(x.id for x in v.values),
            )
            for v in product.variants
        ),
        tuple(
            (o.id, o.name, o.position, tuple((x.id, x.value, x.position) for x in o.values)) for o in product.options
        ),
    )


def active_products_for_sitemap() -> Sequence[Row[str, datetime]]:
    """(slug, updated_at) of every active product: the sitemap needs nothing else."""
    return db.session.execute(select(Product.slug, Product.updated_at).where(ACTIVE).order_by(*PRODUCT_ORDER)).all()
