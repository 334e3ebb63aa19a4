"""The product page's product as plain rows: what the page shows, without ORM objects.

Loading the product, its category, variants and options as ORM objects (identity map, instance state, a
joined-eager loader per collection) cost about half of the page's CPU, even when the page itself was then
served from a remembered drawing (conditional.py). Read as Core rows (queries.py) into the small frozen
objects below it is a fraction of that. They answer the questions the product page, its templates and
the variant choice (choice.py) ask of a `Product` (`stock`, `price_range`, `needs_choice`, `sole_variant`,
`options`, a variant's `values`) through the same rules (products.py), so the page and the catalog's card
can never disagree. The back office keeps the ORM `Product`: it writes.

Every row is one of two kinds: a variant with one of its option values (`variant_id` set), or an option
with one of its values (`option_id` set). Both carry the product's and its category's columns.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row

from ..products import choice_needed, price_range_on_sale, sole_on_sale, units_on_sale, variant_name

# The product's and its category's columns come first in every row (queries.py selects them in this order).
PRODUCT_COLUMNS = 9


@dataclass(frozen=True)
class DetailCategory:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class VariantValue:
    """One of a variant's option values (M of Ukuran): what a choice is matched against."""

    id: int
    option_id: int


@dataclass(frozen=True)
class DetailVariant:
    id: int
    name: str  # the product's name with the variant's label, as on a cart line
    label: str
    price: int  # integer rupiah: its own price, else the product's
    stock: int
    # The page shows active products only, so an active variant is on sale.
    on_sale: bool
    values: tuple[VariantValue, ...]


@dataclass(frozen=True)
class DetailValue:
    id: int
    value: str


@dataclass(frozen=True)
class DetailOption:
    id: int
    name: str
    values: tuple[DetailValue, ...]


@dataclass(frozen=True)
class DetailProduct:
    """An active product as its page shows it. `variants` are all of them in the product's order (a cart
    line's link may name one off sale); `active_variants` the ones on sale."""

    id: int
    slug: str
    name: str
    description: str
    image: str
    price_idr: int
    category: DetailCategory | None
    variants: tuple[DetailVariant, ...]
    active_variants: tuple[DetailVariant, ...]
    options: tuple[DetailOption, ...]
    # Everything the page shows, as the plain values read: its conditional GET's data (conditional.py).
    signature: tuple[object, ...] = field(repr=False, compare=False)

    @property
    def stock(self) -> int:
        return units_on_sale(self.active_variants)

    @property
    def needs_choice(self) -> bool:
        return choice_needed(self.active_variants)

    @property
    def sole_variant(self) -> DetailVariant | None:
        return sole_on_sale(self.active_variants)

    @property
    def price_range(self) -> tuple[int, int]:
        return price_range_on_sale(self.active_variants, self.price_idr)


def detail_product(rows: Sequence[Row[Any]]) -> DetailProduct | None:
    """The product from its page's rows (queries.py: variants by position, then id, then value id; options and
    their values by position, then id), or None when there are none (no such active product)."""
    if not rows:
        return None
    first = rows[0]
    variants: dict[int, tuple[Row[Any], list[VariantValue]]] = {}
    options: dict[int, tuple[Row[Any], list[DetailValue]]] = {}
    for row in rows:
        if row.variant_id is not None:
            variant_values = variants.setdefault(row.variant_id, (row, []))[1]
            if row.variant_value_id is not None:
                variant_values.append(VariantValue(row.variant_value_id, row.variant_value_option_id))
        elif row.option_id is not None:
            option_values = options.setdefault(row.option_id, (row, []))[1]
            if row.value_id is not None:
                option_values.append(DetailValue(row.value_id, row.value))
    all_variants = tuple(
        DetailVariant(
            v.variant_id,
            variant_name(first.name, v.label),
            v.label,
            v.variant_price_idr if v.variant_price_idr is not None else first.price_idr,
            v.stock,
            v.active,
            tuple(values),
        )
        for v, values in variants.values()
    )
    return DetailProduct(
        first.id,
        first.slug,
        first.name,
        first.description,
        first.image,
        first.price_idr,
        DetailCategory(first.category_id, first.category_slug, first.category_name)
        if first.category_id is not None
        else None,
        all_variants,
        tuple(v for v in all_variants if v.on_sale),
        tuple(DetailOption(o.option_id, o.option_name, tuple(values)) for o, values in options.values()),
        # The product's columns once, then the rest of every row: each shown field, and no row twice.
        (tuple(first[:PRODUCT_COLUMNS]), tuple(tuple(row[PRODUCT_COLUMNS:]) for row in rows)),
    )
