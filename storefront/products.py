"""Products and what is sold of them: options (Ukuran: S, M, L), their values, and variants.

Stock, and what a line costs and weighs, belong to a **variant**. A product without options is sold
through one implicit variant (no option values, empty label), made together with the product, so every
cart line, order line and reservation names a variant and there is one code path for both kinds.
"""

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .model_base import TimestampMixin

# Between a product's name and its variant's label, everywhere a line is named ("Kopi Gayo — 500 g").
NAME_SEPARATOR = " — "


class OnSale(Protocol):
    """What the catalog's rules read of a variant on sale: a `Variant`, or the grid's `CardVariant`."""

    @property
    def price(self) -> int: ...
    @property
    def stock(self) -> int: ...


OnSaleVariant = TypeVar("OnSaleVariant", bound=OnSale)


# The catalog's rules over a product's variants on sale, shared by `Product` and the grid's plain-row cards
# (catalog/listing.py), so a card and its product page can never disagree.
def units_on_sale(on_sale: Sequence[OnSale]) -> int:
    """Units on sale over all of them (the catalog's badge; each variant keeps its own)."""
    return sum(v.stock for v in on_sale)


def choice_needed(on_sale: Sequence[OnSale]) -> bool:
    """More than one on sale: the shopper must pick one before adding to the cart."""
    return len(on_sale) > 1


def sole_on_sale(on_sale: Sequence[OnSaleVariant]) -> OnSaleVariant | None:
    """The variant an add button without a choice adds, or None when a choice is needed."""
    return on_sale[0] if len(on_sale) == 1 else None


def price_range_on_sale(on_sale: Sequence[OnSale], product_price_idr: int) -> tuple[int, int]:
    prices = [v.price for v in on_sale] or [product_price_idr]
    return min(prices), max(prices)


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price_idr >= 0", name="price_not_negative"),
        CheckConstraint("weight_g >= 0", name="weight_not_negative"),
        # The catalog's grid: active products in name order, one page at a time. In this order the database reads
        # the page's rows off the index and stops, instead of sorting every active product on each view (SQLite,
        # 500 products: 78 → 10 µs); the active flag alone (the count, the sitemap) is its first column.
        Index("ix_products_active_name", "active", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # The price of every variant that has none of its own.
    price_idr: Mapped[int] = mapped_column(BigInteger)
    image: Mapped[str] = mapped_column(String(200), default="img/placeholder.svg")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Shipping weight in grams, packaging included, of every variant without its own; 0 means "not set"
    # and blocks checkout with a message.
    weight_g: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    category: Mapped[Category | None] = relationship()
    variants: Mapped[list["Variant"]] = relationship(
        back_populates="product", order_by="[Variant.position, Variant.id]", cascade="all, delete-orphan"
    )
    options: Mapped[list["ProductOption"]] = relationship(
        back_populates="product", order_by="[ProductOption.position, ProductOption.id]", cascade="all, delete-orphan"
    )

    def __init__(self, stock: int = 0, **kwargs: Any) -> None:
        # A new product is sold through its implicit variant, which holds the stock given here.
        super().__init__(**kwargs)
        if not self.variants:
            self.variants = [Variant(stock=stock)]

    @property
    def active_variants(self) -> list["Variant"]:
        return [v for v in self.variants if v.active]

    @property
    def stock(self) -> int:
        return units_on_sale(self.active_variants)

    @property
    def needs_choice(self) -> bool:
        return choice_needed(self.active_variants)

    @property
    def sole_variant(self) -> "Variant | None":
        return sole_on_sale(self.active_variants)

    @property
    def price_range(self) -> tuple[int, int]:
        return price_range_on_sale(self.active_variants, self.price_idr)


# Which value of each option a variant is (M + Merah); the implicit variant has none.
variant_option_values = Table(
    "variant_option_values",
    db.metadata,
    Column("variant_id", ForeignKey("product_variants.id", ondelete="CASCADE"), primary_key=True),
    Column("value_id", ForeignKey("option_values.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ProductOption(db.Model):
    """A dimension a product varies in: Ukuran, Warna, Berat."""

    __tablename__ = "product_options"
    __table_args__ = (UniqueConstraint("product_id", "name", name="uq_product_options_product_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="options")
    values: Mapped[list["OptionValue"]] = relationship(
        back_populates="option", order_by="[OptionValue.position, OptionValue.id]", cascade="all, delete-orphan"
    )


class OptionValue(db.Model):
    __tablename__ = "option_values"
    __table_args__ = (UniqueConstraint("option_id", "value", name="uq_option_values_option_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("product_options.id"), index=True)
    value: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)

    option: Mapped[ProductOption] = relationship(back_populates="values")


class Variant(db.Model):
    """One thing a shopper can buy: its own SKU, stock and active flag; price and weight or the product's."""

    __tablename__ = "product_variants"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_idr >= 0", name="price_not_negative"),
        CheckConstraint("weight_g >= 0", name="weight_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str | None] = mapped_column(String(50), unique=True)
    # The option values as shown ("M / Merah"), kept with the variant so a cart or order line is named
    # without loading options; "" for the implicit variant.
    label: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # None: the product's price (a merchant changing the product's price changes these variants too).
    price_idr: Mapped[int | None] = mapped_column(BigInteger)
    # Units available for sale. Checkout reserves by decrementing it; an unpaid end releases it back.
    stock: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # None: the product's weight.
    weight_g: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="variants")
    values: Mapped[list[OptionValue]] = relationship(secondary=variant_option_values)

    @property
    def price(self) -> int:
        """Integer rupiah a unit costs now."""
        return self.price_idr if self.price_idr is not None else self.product.price_idr

    @property
    def shipping_weight_g(self) -> int:
        return self.weight_g if self.weight_g is not None else self.product.weight_g

    @property
    def name(self) -> str:
        """ "Kopi Gayo — 500 g"; the product's name alone for the implicit variant."""
        return variant_name(self.product.name, self.label)

    @property
    def on_sale(self) -> bool:
        return self.active and self.product.active


def variant_name(product_name: str, label: str) -> str:
    return f"{product_name}{NAME_SEPARATOR}{label}" if label else product_name


def add_variants(product: Product, option: str, rows: list[tuple[str, int | None, int, int | None]]) -> list[Variant]:
    """Give `product` one option and a variant per (value, own price or None, stock, own weight or None);
    the implicit variant goes off sale. For seeding and tests; the back office generates combinations."""
    for variant in product.variants:
        if not variant.label:
            variant.active = False
    product_option = ProductOption(product=product, name=option)
    made = []
    for position, (value, price_idr, stock, weight_g) in enumerate(rows):
        option_value = OptionValue(option=product_option, value=value, position=position)
        made.append(
            Variant(
                product=product,
                label=value,
                price_idr=price_idr,
                stock=stock,
                weight_g=weight_g,
                position=position + 1,
                values=[option_value],
            )
        )
    return made
