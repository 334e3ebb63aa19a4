"""Catalog reads. Each page costs a fixed number of queries, whatever the size of the catalog."""

from sqlalchemy import func, or_

from ..extensions import db
from ..models import Category, Product

MAX_SEARCH_LENGTH = 100


def escape_like(text):
    """Make % and _ in a shopper's search literal characters instead of wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_categories():
    return db.session.execute(db.select(Category).order_by(Category.position, Category.name)).scalars().all()


def search_products(query, category_slug, page, per_page):
    """One page of active products matching the search and category, plus the total count."""
    statement = db.select(Product).where(Product.active.is_(True))
    if category_slug:
        statement = statement.join(Category).where(Category.slug == category_slug)
    query = (query or "").strip()[:MAX_SEARCH_LENGTH]
    if query:
        pattern = f"%{escape_like(query.lower())}%"
        statement = statement.where(
            or_(
                func.lower(Product.name).like(pattern, escape="\\"),
                func.lower(Product.description).like(pattern, escape="\\"),
            )
        )
    return db.paginate(
        statement.order_by(Product.name, Product.id), page=page, per_page=per_page, error_out=False
    )


def product_by_slug(slug):
    return db.first_or_404(db.select(Product).where(Product.slug == slug, Product.active.is_(True)))
