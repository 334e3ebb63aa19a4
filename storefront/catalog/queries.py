"""Catalog reads. Each page costs a fixed number of queries, whatever the size of the catalog.

The statements every catalog visit runs (the unfiltered listing, its count, the category chips, the
product page) are built once, here, with bound parameters: building a SQLAlchemy statement and its
cache key each time costs more than SQLite takes to answer it.
"""

from flask import abort
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from ..extensions import db
from ..models import Category, OptionValue, Product, ProductOption, Variant
from ..products import variant_option_values

MAX_SEARCH_LENGTH = 100

PRODUCT_ORDER = (Product.name, Product.id)
ACTIVE = Product.active.is_(True)

_CATEGORIES = select(Category).order_by(Category.position, Category.name)
# A card shows the price range and the stock of the product's variants: one more query per page, all cards at once.
WITH_VARIANTS = selectinload(Product.variants)
_ACTIVE_PRODUCTS = select(Product).options(WITH_VARIANTS).where(ACTIVE).order_by(*PRODUCT_ORDER)
_ACTIVE_COUNT = select(func.count(Product.id)).where(ACTIVE)
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


def escape_like(text):
    """Make % and _ in a shopper's search literal characters instead of wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_categories():
    return db.session.execute(_CATEGORIES).scalars().all()


def _filtered(query, category_slug):
    """(products statement, count statement) for a search and/or category, or the prebuilt pair."""
    query = (query or "").strip()[:MAX_SEARCH_LENGTH]
    if not query and not category_slug:
        return _ACTIVE_PRODUCTS, _ACTIVE_COUNT
    conditions = [ACTIVE]
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
    products = select(Product).options(WITH_VARIANTS).where(*conditions).order_by(*PRODUCT_ORDER)
    count = select(func.count(Product.id)).where(*conditions)
    if category_slug:
        products, count = products.join(Category), count.select_from(Product).join(Category)
    return products, count


def search_products(query, category_slug, page, per_page):
    """One page of active products matching the search and category, plus the total count.

    The total is a plain COUNT over the same conditions (Flask-SQLAlchemy's own count wraps the whole
    listing query in a subquery).
    """
    products, count = _filtered(query, category_slug)
    pagination = db.paginate(products, page=page, per_page=per_page, error_out=False, count=False)
    pagination.total = db.session.execute(count).scalar_one()
    return pagination


def product_by_slug(slug):
    """The product page's only query: the product with its category (for the breadcrumb) and variants."""
    product = db.session.execute(_PRODUCT_BY_SLUG, {"slug": slug}).unique().scalar_one_or_none()
    if product is None:
        abort(404)
    return product


def active_products_for_sitemap():
    """(slug, updated_at) of every active product: the sitemap needs nothing else."""
    return db.session.execute(select(Product.slug, Product.updated_at).where(ACTIVE).order_by(*PRODUCT_ORDER)).all()
