"""Catalog reads. Each page costs a fixed number of queries, whatever the size of the catalog.

The statements every catalog visit runs (the unfiltered listing, its count, the category chips, the
product page) are built once, here, with bound parameters: building a SQLAlchemy statement and its
cache key each time costs more than SQLite takes to answer it.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import abort, current_app
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Row,
    Select,
    bindparam,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from ..database import autocommit_options, reads_options
from ..extensions import db
from ..models import Category, OptionValue, Product, ProductOption, Variant
from ..products import variant_option_values
from .detail import VARIANT_COLUMNS, DetailProduct, detail_product
from .listing import CardProduct, Page, card_products

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
# The product page's one query, as plain rows (catalog/detail.py): the variants with their option values, then
# the options with their values, each row with the product's and its category's columns. UNION ALL keeps the two
# lists apart (joined side by side they multiplied: 16 rows for 4 sizes, 108 for 3 sizes × 3 colours).
# The variants' values are joined one plain LEFT JOIN after another: nested as `LEFT JOIN (variant_option_values
# JOIN option_values)` (what joinedload() wrote) SQLite cannot flatten it and materialised the whole link table
# (every variant of the shop) with a throw-away index on each page view (bench/RESULTS.md, issue #20).
_VARIANT_VALUE = aliased(OptionValue, name="variant_value")
_PAGE_PRODUCT = (  # detail.PRODUCT_COLUMNS: the product's fields the page shows, and its category's
    Product.id,
    Product.slug,
    Product.name,
    Product.description,
    Product.image,
    Product.price_idr,
    Category.id.label("category_id"),
    Category.slug.label("category_slug"),
    Category.name.label("category_name"),
)
_THIS_PRODUCT = (Product.slug == bindparam("slug"), ACTIVE)
_OPTION_COLUMNS = ("option_id", "option_name", "option_position", "value_id", "value", "value_position")
_PAGE_VARIANTS = (
    select(
        *_PAGE_PRODUCT,
        Variant.id.label("variant_id"),
        Variant.label,
        Variant.price_idr.label("variant_price_idr"),
        Variant.stock,
        Variant.active,
        Variant.position.label("variant_position"),
        _VARIANT_VALUE.id.label("variant_value_id"),
        _VARIANT_VALUE.option_id.label("variant_value_option_id"),  # detail.VARIANT_COLUMNS from variant_id
        *(null().label(name) for name in _OPTION_COLUMNS),
    )
    .select_from(Product)
    .outerjoin(Category, Category.id == Product.category_id)
    .outerjoin(Variant, Variant.product_id == Product.id)
    .outerjoin(variant_option_values, variant_option_values.c.variant_id == Variant.id)
    .outerjoin(_VARIANT_VALUE, _VARIANT_VALUE.id == variant_option_values.c.value_id)
    .where(*_THIS_PRODUCT)
)
_PAGE_OPTIONS = (
    select(
        *_PAGE_PRODUCT,
        *(null() for _ in range(VARIANT_COLUMNS)),
        ProductOption.id,
        ProductOption.name,
        ProductOption.position,
        OptionValue.id,
        OptionValue.value,
        OptionValue.position,
    )
    .select_from(Product)
    .outerjoin(Category, Category.id == Product.category_id)
    .join(ProductOption, ProductOption.product_id == Product.id)
    .outerjoin(OptionValue, OptionValue.option_id == ProductOption.id)
    .where(*_THIS_PRODUCT)
)
_PAGE_ROWS: CompoundSelect[Any] = union_all(_PAGE_VARIANTS, _PAGE_OPTIONS)
# Each kind's rows in the product's order (a row of one kind has NULL in the other's columns); a variant's
# values by id, so the same product always gives the same rows (its ETag data).
_PRODUCT_BY_SLUG = _PAGE_ROWS.order_by(
    *(
        _PAGE_ROWS.selected_columns[name]
        for name in (
            "variant_position",
            "variant_id",
            "variant_value_id",
            "option_position",
            "option_id",
            "value_position",
            "value_id",
        )
    )
)


def escape_like(text: str) -> str:
    """Make % and _ in a shopper's search literal characters instead of wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_categories(connection: Connection) -> Sequence[Row[int, str, str]]:
    """(id, slug, name) rows of every category, in the shop's order."""
    return connection.execute(_CATEGORIES).all()


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


def catalog_page(
    query: str | None, category_slug: str, page: int, per_page: int
) -> tuple[Page, Sequence[Row[int, str, str]]]:
    """The catalog page's four statements: one page of cards with the total count, and the category chips."""
    # Plain rows on a connection of their own: they skip the ORM's execution path and the session's set-up and
    # teardown, which cost more than the queries themselves.
    with db.engine.connect().execution_options(**reads_options(db.engine)) as connection:
        return search_products(connection, query, category_slug, page, per_page), active_categories(connection)


def search_products(connection: Connection, query: str | None, category_slug: str, page: int, per_page: int) -> Page:
    """One page of active products matching the search and category, as cards, plus the total count."""
    products, count = _filtered(query, category_slug)
    rows = connection.execute(products, {"limit": per_page, "offset": (page - 1) * per_page}).all()
    variants = connection.execute(_CARD_VARIANTS, {"ids": [row[0] for row in rows]}).all() if rows else []
    total = connection.execute(count).scalar_one()
    # Kept with the app (tests build several apps in one process), as catalog/cards.py keeps the drawn cards.
    known: dict[Any, CardProduct] = current_app.extensions.setdefault("storefront.card_products", {})
    return Page(card_products(rows, variants, known), page, per_page, total)


def product_by_slug(slug: str) -> DetailProduct:
    """The product page's only query: the active product with its category (for the breadcrumb), variants and
    options, as plain rows."""
    # One statement reads a consistent state by itself: no transaction (BEGIN, ROLLBACK) and no ORM session
    # around it, whose connection handling cost more than the query.
    with db.engine.connect().execution_options(**autocommit_options(db.engine)) as connection:
        product = detail_product(connection.execute(_PRODUCT_BY_SLUG, {"slug": slug}).all())
    if product is None:
        abort(404)
    return product


def active_products_for_sitemap() -> Sequence[Row[str, datetime]]:
    """(slug, updated_at) of every active product: the sitemap needs nothing else."""
    return db.session.execute(select(Product.slug, Product.updated_at).where(ACTIVE).order_by(*PRODUCT_ORDER)).all()
