"""Options and variants as the back office changes them: add options and their values, generate the
variants of every combination, then edit each variant's SKU, price, weight, stock and sale flag.

Stock is never *set*: a row's new figure becomes a change from the figure the merchant saw, applied with
the same conditional UPDATE as any adjustment, so a checkout that reserved units meanwhile is never
overwritten and the history records it.
"""

from dataclasses import dataclass
from itertools import product as combinations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..database import write_transaction
from ..extensions import db
from ..models import OptionValue, Product, ProductOption, Variant
from . import audit
from .catalog import CatalogError, move_stock

MAX_OPTIONS = 3
MAX_VALUES = 20
# Between the values of a label: "M / Merah".
LABEL_SEPARATOR = " / "


@dataclass(frozen=True)
class VariantRow:
    """One row of the variants table as submitted; None price or weight means "the product's"."""

    variant_id: int
    sku: str | None
    price_idr: int | None
    weight_g: int | None
    active: bool
    stock_seen: int
    stock: int


def product_with_variants(product_id: int) -> Product:
    product: Product = db.session.execute(
        db.select(Product)
        .options(
            selectinload(Product.options).selectinload(ProductOption.values),
            selectinload(Product.variants).selectinload(Variant.values),
        )
        .where(Product.id == product_id)
    ).scalar_one()
    return product


def _locked(product_id: int) -> Product:
    """The product with its options and variants, its row locked: two staff members generating or saving
    at once are served one after the other (SQLite's BEGIN IMMEDIATE does the same), never interleaved."""
    db.session.execute(db.select(Product.id).where(Product.id == product_id).with_for_update())
    return product_with_variants(product_id)


def parse_values(text: str) -> list[str]:
    """ "S, M, L" -> ["S", "M", "L"]: trimmed, empty and repeated ones dropped, order kept."""
    values: list[str] = []
    for raw in (text or "").split(","):
        value = " ".join(raw.split())
        if value and value.casefold() not in {v.casefold() for v in values}:
            values.append(value)
    return values


def add_option(product_id: int, name: str, values_text: str, staff_id: int) -> None:
    """Add an option with its values, or more values to an option of that name."""
    name = " ".join((name or "").split())
    values = parse_values(values_text)
    if not values:
        raise CatalogError(_("Enter at least one value, separated by commas."), "values")
    if any(len(v) > 40 for v in values):
        raise CatalogError(_("A value can have at most 40 characters."), "values")
    with write_transaction():
        product = _locked(product_id)
        option = next((o for o in product.options if o.name.casefold() == name.casefold()), None)
        if option is None:
            if len(product.options) >= MAX_OPTIONS:
                raise CatalogError(_("A product can have at most %(num)d options.", num=MAX_OPTIONS), "name")
            option = ProductOption(product=product, name=name, position=len(product.options))
            db.session.add(option)
        known = {v.value.casefold() for v in option.values}
        new = [v for v in values if v.casefold() not in known]
        if len(option.values) + len(new) > MAX_VALUES:
            raise CatalogError(_("An option can have at most %(num)d values.", num=MAX_VALUES), "values")
        for value in new:
            option.values.append(OptionValue(value=value, position=len(option.values)))
        audit.record(staff_id, "option_save", product_id=product_id, detail=f"{name}: {', '.join(new)}")


def generate_variants(product_id: int, staff_id: int) -> int:
    """A variant for every combination of values that has none yet (price and weight the product's, no
    stock); the implicit variant then goes off sale. Returns how many were made."""
    with write_transaction():
        product = _locked(product_id)
        if not product.options:
            raise CatalogError(_("Add an option with its values first."))
        existing = {frozenset(v.id for v in variant.values) for variant in product.variants if variant.values}
        made = 0
        position = max((v.position for v in product.variants), default=0)
        for values in combinations(*(option.values for option in product.options)):
            if frozenset(v.id for v in values) in existing:
                continue
            position += 1
            label = LABEL_SEPARATOR.join(v.value for v in values)
            db.session.add(Variant(product=product, label=label, values=list(values), stock=0, position=position))
            made += 1
        for variant in product.variants:
            if not variant.label:
                # Units it still holds stay visible in the table, for the merchant to move by hand.
                variant.active = False
        audit.record(staff_id, "variants_generate", product_id=product_id, detail=f"{made} new")
        return made


def save_variants(product_id: int, rows: list[VariantRow], staff_id: int) -> None:
    """Apply the edited rows in one transaction: all of them, or (on any error) none."""
    try:
        with write_transaction():
            product = _locked(product_id)
            variants = {v.id: v for v in product.variants}
            for row in sorted(rows, key=lambda r: r.variant_id):
                variant = variants.get(row.variant_id)
                if variant is None:
                    continue
                variant.sku = row.sku or None
                variant.price_idr = row.price_idr
                variant.weight_g = row.weight_g
                variant.active = row.active
                delta = row.stock - row.stock_seen
                if delta:
                    move_stock(variant.id, delta, "correction", "", staff_id)
            db.session.flush()
            audit.record(staff_id, "variants_save", product_id=product_id, detail=f"{len(rows)} rows")
    except IntegrityError:
        raise CatalogError(_("Another variant already uses one of these SKUs."), "sku") from None
