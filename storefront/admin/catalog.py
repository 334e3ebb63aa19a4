"""Products, categories and stock, as the back office changes them."""

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..catalog.queries import escape_like
from ..database import write_transaction
from ..extensions import db
from ..inventory import StockMovement
from ..models import Category, Product, Variant
from . import audit
from .forms import slugify

PER_PAGE = 30


class CatalogError(ValueError):
    """The change was not made; `field` names the form field the message belongs to (or None)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ProductData:
    name: str
    slug: str
    category_id: int | None
    description: str
    price_idr: int
    active: bool
    weight_g: int = 0


def list_products(query: str | None, page: int, per_page: int = PER_PAGE) -> Pagination:
    # Each row shows the stock over the product's variants: loaded for the whole page in one more query.
    statement = db.select(Product).options(selectinload(Product.variants))
    query = (query or "").strip()[:100]
    if query:
        statement = statement.where(func.lower(Product.name).like(f"%{escape_like(query.lower())}%", escape="\\"))
    return db.paginate(
        statement.order_by(Product.active.desc(), Product.name, Product.id),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def categories() -> Sequence[Category]:
    return db.session.execute(db.select(Category).order_by(Category.position, Category.name)).scalars().all()


def movements_for(product_id: int, limit: int = 50) -> Sequence[StockMovement]:
    return (
        db.session.execute(
            db.select(StockMovement)
            .where(StockMovement.product_id == product_id)
            .order_by(StockMovement.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )


# Taken by /admin/products/new.
RESERVED_SLUGS = {"new"}


def save_product(
    product_id: int | None,
    data: ProductData,
    *,
    image: str | None = None,
    initial_stock: int = 0,
    staff_id: int | None = None,
) -> str:
    """Create (product_id None) or update a product; returns its slug. Stock only changes through movements."""
    slug = data.slug or slugify(data.name)
    if not slug or slug in RESERVED_SLUGS:
        raise CatalogError(_("Give the product another address name (slug)."), "slug")
    try:
        with write_transaction():
            taken = db.session.execute(
                db.select(Product.id).where(Product.slug == slug, Product.id != (product_id or 0))
            ).first()
            if taken:
                raise CatalogError(_("Another product already uses this address name."), "slug")
            if data.category_id is not None and db.session.get(Category, data.category_id) is None:
                raise CatalogError(_("Choose a category from the list."), "category_id")
            if product_id is None:
                product = Product(stock=0)
                db.session.add(product)
            else:
                product = db.session.get_one(Product, product_id)
            product.name = data.name.strip()
            product.slug = slug
            product.category_id = data.category_id
            product.description = data.description or ""
            product.price_idr = data.price_idr
            product.weight_g = data.weight_g
            product.active = data.active
            if image:
                product.image = image
            db.session.flush()
            action = "product_create" if product_id is None else "product_update"
            audit.record(
                staff_id,
                action,
                product_id=product.id,
                detail=f"{product.name}, {product.price_idr}, active={product.active}",
            )
            if product_id is None and initial_stock:
                move_stock(product.variants[0].id, initial_stock, "initial", "", staff_id)
            return product.slug
    except IntegrityError:
        # A concurrent save took the slug between our check and our write.
        raise CatalogError(_("Another product already uses this address name."), "slug") from None


def adjust_stock(variant_id: int, delta: int, reason: str, note: str, staff_id: int | None) -> int:
    """Add or remove units of one variant with one conditional UPDATE: concurrent checkouts can never be
    overwritten, and the stock never goes below zero. Returns the new stock."""
    with write_transaction():
        stock_after, product_id = move_stock(variant_id, delta, reason, note, staff_id)
        audit.record(
            staff_id, "stock_adjust", product_id=product_id, detail=f"#{variant_id} {delta:+d} {reason} {note}".strip()
        )
        return stock_after


def move_stock(variant_id: int, delta: int, reason: str, note: str, staff_id: int | None) -> tuple[int, int]:
    row = db.session.execute(
        update(Variant)
        .where(Variant.id == variant_id, Variant.stock + delta >= 0)
        .values(stock=Variant.stock + delta)
        .returning(Variant.stock, Variant.product_id)
    ).one_or_none()
    if row is None:
        raise CatalogError(_("Not enough units in stock to remove that many."), "delta")
    stock_after, product_id = row
    db.session.add(
        StockMovement(
            product_id=product_id,
            variant_id=variant_id,
            delta=delta,
            stock_after=stock_after,
            reason=reason,
            note=note or "",
            staff_id=staff_id,
        )
    )
    # The ORM copy of the variant (if loaded) must not show the old figure.
    variant = db.session.get(Variant, variant_id)
    if variant is not None:
        db.session.refresh(variant, ["stock"])
    return stock_after, product_id


def save_category(
    category_id: int | None, name: str, slug: str | None, position: int | None, staff_id: int | None
) -> str:
    slug = slug or slugify(name)[:80]
    if not slug:
        raise CatalogError(_("Give the category an address name (slug)."), "slug")
    try:
        with write_transaction():
            taken = db.session.execute(
                db.select(Category.id).where(Category.slug == slug, Category.id != (category_id or 0))
            ).first()
            if taken:
                raise CatalogError(_("Another category already uses this address name."), "slug")
            category = Category() if category_id is None else db.session.get_one(Category, category_id)
            category.name, category.slug, category.position = name.strip(), slug, position or 0
            db.session.add(category)
            db.session.flush()
            audit.record(staff_id, "category_save", detail=f"{category.id} {category.name}")
            return category.slug
    except IntegrityError:
        raise CatalogError(_("Another category already uses this address name."), "slug") from None


def delete_category(category_id: int, staff_id: int | None) -> None:
    """Only an empty category can go: products keep their category (there is no inactive category)."""
    with write_transaction():
        category = db.session.get_one(Category, category_id)
        in_use = db.session.execute(db.select(Product.id).where(Product.category_id == category_id).limit(1)).first()
        if in_use:
            raise CatalogError(_("Move or deactivate this category's products first: it still has products."))
        audit.record(staff_id, "category_delete", detail=f"{category.id} {category.name}")
        db.session.delete(category)
