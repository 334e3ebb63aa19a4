"""One page of the catalog's grid as plain rows: what a card shows, without ORM objects.

The grid reads twelve products and their variants on every catalog view. Loaded as ORM objects (identity
map, instance state, a selectin loader) that cost more CPU than the two queries themselves; as Core rows
turned into the small frozen objects below it is a fraction of that. They answer the same questions the
card template asks of a `Product` (`stock`, `price_range`, `needs_choice`, `sole_variant`) through the same
functions (products.py), over the variants on sale.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import ceil

from sqlalchemy import Row

from ..products import choice_needed, price_range_on_sale, sole_on_sale, units_on_sale, variant_name


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

    @property
    def stock(self) -> int:
        return units_on_sale(self.variants)

    @property
    def needs_choice(self) -> bool:
        return choice_needed(self.variants)

    @property
    def sole_variant(self) -> CardVariant | None:
        return sole_on_sale(self.variants)

    @property
    def price_range(self) -> tuple[int, int]:
        return price_range_on_sale(self.variants, self.price_idr)


def card_products(
    product_rows: Sequence[Row[int, str, str, str, int]], variant_rows: Sequence[Row[int, int, str, int | None, int]]
) -> list[CardProduct]:
    """Cards from (id, slug, name, image, price_idr) rows and (product_id, id, label, price_idr, stock) rows
    of the variants on sale, already in the product's order."""
    # Rows are unpacked as tuples: reading a Row's column by name costs ~0.3 µs, ten times its position, and
    # the grid reads hundreds of them per page (bench/RESULTS.md, issue #20).
    named_and_priced = {id_: (name, price_idr) for id_, _slug, name, _image, price_idr in product_rows}
    by_product: dict[int, list[CardVariant]] = {id_: [] for id_ in named_and_priced}
    for product_id, id_, label, own_price, stock in variant_rows:
        name, price_idr = named_and_priced[product_id]
        price = own_price if own_price is not None else price_idr
        by_product[product_id].append(CardVariant(id_, variant_name(name, label), label, price, stock))
    return [
        CardProduct(id_, slug, name, image, price_idr, tuple(by_product[id_]))
        for id_, slug, name, image, price_idr in product_rows
    ]


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
