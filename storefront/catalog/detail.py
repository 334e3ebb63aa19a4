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

# Every row (queries.py): the product's and its category's columns, a variant's, then an option's.
PRODUCT_COLUMNS = 9
VARIANT_COLUMNS = 8


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
    # Rows are unpacked as tuples: reading a Row's column by name costs ~0.3 µs, ten times its position.
    product = tuple(rows[0][:PRODUCT_COLUMNS])
    id_, slug, name, description, image, price_idr, category_id, category_slug, category_name = product
    tails = tuple(tuple(row[PRODUCT_COLUMNS:]) for row in rows)
    variants: dict[int, tuple[str, int, int, bool, list[VariantValue]]] = {}
    options: dict[int, tuple[str, list[DetailValue]]] = {}
    for tail in tails:
        # The positions (_) only order the rows.
        variant_id, label, own_price, stock, active, _, value_id, value_option_id = tail[:VARIANT_COLUMNS]
        option_id, option_name, _, option_value_id, value, _ = tail[VARIANT_COLUMNS:]
        if variant_id is not None:
            price = own_price if own_price is not None else price_idr
            variant_values = variants.setdefault(variant_id, (label, price, stock, active, []))[4]
            if value_id is not None:
                variant_values.append(VariantValue(value_id, value_option_id))
        elif option_id is not None:
            option_values = options.setdefault(option_id, (option_name, []))[1]
            if option_value_id is not None:
                option_values.append(DetailValue(option_value_id, value))
    all_variants = tuple(
        DetailVariant(variant_id, variant_name(name, label), label, price, stock, active, tuple(values))
        for variant_id, (label, price, stock, active, values) in variants.items()
    )
    return DetailProduct(
        id_,
        slug,
        name,
        description,
        image,
        price_idr,
        DetailCategory(category_id, category_slug, category_name) if category_id is not None else None,
        all_variants,
        tuple(v for v in all_variants if v.on_sale),
        tuple(
            DetailOption(option_id, option_name, tuple(values)) for option_id, (option_name, values) in options.items()
        ),
        # The product's columns once, then the rest of every row: each shown field, and no row twice.
        (product, tails),
    )
