"""One page of the catalog's grid as plain rows: what a card shows, without ORM objects.

The grid reads twelve products and their variants on every catalog view. Loaded as ORM objects (identity
map, instance state, a selectin loader) that cost more CPU than the two queries themselves; as Core rows
turned into the small frozen objects below it is a fraction of that. They answer the same questions the
card template asks of a `Product` (`stock`, `price_range`, `needs_choice`, `sole_variant`) through the same
functions (products.py), over the variants on sale.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from math import ceil
from typing import Any

from sqlalchemy import Row

from ..conditional import remember
from ..products import choice_needed, price_range_on_sale, sole_on_sale, units_on_sale, variant_name

# Cards kept per process (~1 KB each): a catalog of 500 products in several states of stock and price.
MAX_KNOWN_CARDS = 4096


@dataclass(frozen=True)
class CardVariant:
    """A variant on sale, as a card's add button needs it."""

    id: int
    name: str  # the product's name with the variant's label, as on a cart line
    label: str
    price: int  # integer rupiah: its own price, else the product's
    stock: int


@dataclass(frozen=True)
class CardProduct:
    """A product as its card shows it; `variants` are the ones on sale, in the product's order."""

    id: int
    slug: str
    name: str
    image: str
    price_idr: int
    variants: tuple[CardVariant, ...]

    # Worked out once per card (it is immutable, and a remembered card is asked for its key on every view).
    @cached_property
    def stock(self) -> int:
        return units_on_sale(self.variants)

    @cached_property
    def needs_choice(self) -> bool:
        return choice_needed(self.variants)

    @cached_property
    def sole_variant(self) -> CardVariant | None:
        return sole_on_sale(self.variants)

    @cached_property
    def price_range(self) -> tuple[int, int]:
        return price_range_on_sale(self.variants, self.price_idr)


def card_products(
    product_rows: Sequence[Row[int, str, str, str, int]],
    variant_rows: Sequence[Row[int, int, str, int | None, int]],
    known: dict[Any, CardProduct],
) -> list[CardProduct]:
    """Cards from (id, slug, name, image, price_idr) rows and (product_id, id, label, price_idr, stock) rows
    of the variants on sale, already in the product's order.

    A card is everything its rows hold and is immutable, so one made from the same rows before is taken from
    `known` (remembered per process, keyed by those rows: a change of any of them is another key). Making
    the twelve cards and their four variants each cost more than reading the rows.
    """
    # Rows are unpacked as tuples: reading a Row's column by name costs ~0.3 µs, ten times its position.
    variants_of: dict[int, list[tuple[Any, ...]]] = {row[0]: [] for row in product_rows}
    for variant in variant_rows:
        variants_of[variant[0]].append(tuple(variant))
    cards = []
    for row in product_rows:
        key = (tuple(row), tuple(variants_of[row[0]]))
        card = known.get(key)
        if card is None:
            card = card_from(*key)
            remember(known, key, card, MAX_KNOWN_CARDS)
        cards.append(card)
    return cards


def card_from(product: tuple[Any, ...], variants: Sequence[tuple[Any, ...]]) -> CardProduct:
    """A card from one (id, slug, name, image, price_idr) row and its variants' (product_id, id, label,
    price_idr, stock) rows, as tuples. A variant without a price of its own costs the product's."""
    id_, slug, name, image, price_idr = product
    return CardProduct(
        id_,
        slug,
        name,
        image,
        price_idr,
        tuple(
            CardVariant(variant_id, variant_name(name, label), label, price if price is not None else price_idr, stock)
            for _product_id, variant_id, label, price, stock in variants
        ),
    )


@dataclass(frozen=True)
class Page:
    """One page of a listing and the numbers its page links need (the names Flask-SQLAlchemy's
    `Pagination` uses, so the shared pagination macro reads either)."""

    items: list[CardProduct]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self, left_edge: int = 2, left_current: int = 2, right_current: int = 4, right_edge: int = 2
    ) -> Iterator[int | None]:
        """Page numbers for the links, None for a gap: 1, 2, None, 5, 6, 7, 8, 9, 10, 11, None, 19, 20."""
        pages_end = self.pages + 1
        if pages_end == 1:
            return
        left_end = min(1 + left_edge, pages_end)
        yield from range(1, left_end)
        if left_end == pages_end:
            return
        mid_start = max(left_end, self.page - left_current)
        mid_end = min(self.page + right_current + 1, pages_end)
        if mid_start - left_end > 0:
            yield None
        yield from range(mid_start, mid_end)
        if mid_end == pages_end:
            return
        right_start = max(mid_end, pages_end - right_edge)
        if right_start - mid_end > 0:
            yield None
        yield from range(right_start, pages_end)
