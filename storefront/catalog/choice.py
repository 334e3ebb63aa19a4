"""Which variant a shopper has chosen on a product page, from the option values in the query string.

The page is a plain GET form (`?option-3=12&option-4=15`), so the choice works without JavaScript and
a chosen variant has its own address; htmx sends the same form on every change and swaps the panel.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..models import Product, Variant
from ..numbers import whole_number
from .detail import DetailProduct, DetailVariant

_MAX_ID = 2**31 - 1
# The product page reads plain rows (detail.py); a refused add to the cart re-renders the page around the
# ORM product it has just loaded. Both answer the same questions by the same names.
ShownProduct = DetailProduct | Product
ShownVariant = DetailVariant | Variant


def option_field(option_id: int) -> str:
    return f"option-{option_id}"


@dataclass
class VariantChoice:
    product: ShownProduct
    # {option id: value id} of what is chosen so far.
    chosen: dict[int, int] = field(default_factory=dict)
    # The variant of a complete choice (on sale or not), or the only one when there is nothing to choose.
    variant: ShownVariant | None = None

    @property
    def complete(self) -> bool:
        return len(self.chosen) == len(self.product.options)

    @property
    def available(self) -> ShownVariant | None:
        """The variant the add button adds, or None."""
        return self.variant if self.variant is not None and self.variant.on_sale else None

    @property
    def units(self) -> int:
        """The stock shown: the chosen variant's, else the product's over every variant on sale."""
        if self.available is not None:
            return self.available.stock
        return 0 if self.complete and self.product.needs_choice else self.product.stock

    @property
    def sold_out_values(self) -> set[int]:
        """Ids of the values no variant on sale has in stock: marked as such beside the value."""
        in_stock = {value.id for v in self.product.variants if v.on_sale and v.stock > 0 for value in v.values}
        return {value.id for option in self.product.options for value in option.values} - in_stock

    @property
    def price_range(self) -> tuple[int, int]:
        if self.available is not None:
            return self.available.price, self.available.price
        return self.product.price_range

    @property
    def message(self) -> str | None:
        """Why nothing can be added yet, shown above the add button."""
        if self.available is not None or not self.product.needs_choice:
            return None
        text: str  # gettext's result, which mypy cannot see the type of
        if not self.complete:
            missing = [o.name for o in self.product.options if o.id not in self.chosen]
            text = _("Choose %(options)s.", options=", ".join(missing))
        else:
            text = _("This combination is not available. Please choose another.")
        return text


def choose(product: ShownProduct, args: Mapping[str, str]) -> VariantChoice:
    """The choice the query string names: option values (`option-<id>`), or a whole variant (`variant`,
    e.g. from a cart line's link). Unknown ids are ignored, as if nothing was chosen for that option."""
    if not product.needs_choice:
        return VariantChoice(product, {}, product.sole_variant)
    variant_id = whole_number(args.get("variant"), _MAX_ID)
    named = next((v for v in product.variants if v.id == variant_id), None)
    if named is not None and named.values:
        return VariantChoice(product, {v.option_id: v.id for v in named.values}, named)
    chosen: dict[int, int] = {}
    for option in product.options:
        value_id = whole_number(args.get(option_field(option.id)), _MAX_ID)
        if value_id is not None and any(value.id == value_id for value in option.values):
            chosen[option.id] = value_id
    choice = VariantChoice(product, chosen)
    if choice.complete and chosen:
        wanted = set(chosen.values())
        choice.variant = next((v for v in product.variants if {x.id for x in v.values} == wanted), None)
    return choice


def choice_of(variant: ShownVariant | None, product: ShownProduct) -> VariantChoice:
    """The choice that names `variant` (an add form's), for re-rendering the page around it."""
    if variant is None:
        return VariantChoice(product)
    return VariantChoice(product, {v.option_id: v.id for v in variant.values}, variant)
