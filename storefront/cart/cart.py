"""The cart: variant ids and quantities in the signed session cookie, nothing else.

Prices, names and stock are always re-read from the database, so a tampered or stale cookie can at
worst name variants and quantities, never prices. Carts saved before variants existed were keyed by
product; they are read as the product's implicit variant and rewritten in the new form.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Product, Variant
from ..numbers import whole_number
from ..pricing import fingerprint, totals_for

MAX_QUANTITY = 99
SESSION_KEY = "lines"
# {product_id: quantity}: the cart as cookies held it before variants.
LEGACY_SESSION_KEY = "cart"


def _read(session, key):
    """{id: quantity} under `key`, ignoring anything malformed a cookie might carry."""
    raw = session.get(key)
    items = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            if str(key).isdigit() and isinstance(value, int) and not isinstance(value, bool) and value > 0:
                items[int(key)] = value
    return items


def get_items(session):
    """{variant_id: quantity}. A cart from before variants is moved to the implicit variants once."""
    items = _read(session, SESSION_KEY)
    legacy = _read(session, LEGACY_SESSION_KEY)
    if legacy:
        for variant_id, quantity in _implicit_variants(legacy).items():
            items[variant_id] = min(items.get(variant_id, 0) + quantity, MAX_QUANTITY)
        session.pop(LEGACY_SESSION_KEY, None)
        _save(session, items)
    return items


def _implicit_variants(product_quantities):
    """{implicit variant id: quantity} for {product_id: quantity}; products since deleted drop out."""
    rows = db.session.execute(
        db.select(Variant.id, Variant.product_id).where(
            Variant.product_id.in_(product_quantities.keys()), Variant.label == ""
        )
    ).all()
    return {variant_id: product_quantities[product_id] for variant_id, product_id in rows}


def _save(session, items):
    session[SESSION_KEY] = {str(vid): qty for vid, qty in items.items()}


def cart_count(session):
    return sum(_read(session, SESSION_KEY).values()) + sum(_read(session, LEGACY_SESSION_KEY).values())


def set_quantity(session, variant_id, quantity):
    items = get_items(session)
    items[variant_id] = quantity
    _save(session, items)


def remove(session, variant_id):
    items = get_items(session)
    items.pop(variant_id, None)
    _save(session, items)


def clear(session):
    session.pop(SESSION_KEY, None)
    session.pop(LEGACY_SESSION_KEY, None)


def max_quantity_for(variant):
    return min(variant.stock, MAX_QUANTITY)


def parse_quantity(raw, variant, already_in_cart=0):
    """Return (quantity, None) or (None, error message). The total must stay within 1..min(stock, 99)."""
    text = (raw or "").strip()
    limit = max_quantity_for(variant)
    if limit < 1:
        return None, _("Sorry, this product is sold out.")
    quantity = whole_number(text, 10**6)  # far above any limit, so "too many" is still told as such
    if quantity is None or quantity < 1:
        return None, _("Enter a whole number from 1 to %(max)d.", max=limit)
    if quantity + already_in_cart > limit:
        if already_in_cart:
            return None, _(
                "You already have %(have)d in your cart; at most %(max)d in total.",
                have=already_in_cart,
                max=limit,
            )
        return None, _("Enter a whole number from 1 to %(max)d.", max=limit)
    return quantity, None


@dataclass
class CartLine:
    variant: Variant
    quantity: int
    # None when the line can be bought as it is; otherwise why not (shown next to the line).
    problem: str | None

    @property
    def product(self) -> Product:
        return self.variant.product

    @property
    def line_total_idr(self):
        return self.variant.price * self.quantity


@dataclass
class CartView:
    lines: list
    subtotal_idr: int
    shipping_idr: int
    total_idr: int

    @property
    def is_empty(self):
        return not self.lines

    @property
    def has_problems(self):
        return any(line.problem for line in self.lines)

    @property
    def count(self):
        return sum(line.quantity for line in self.lines)

    @property
    def weight_g(self) -> int:
        return sum(line.variant.shipping_weight_g * line.quantity for line in self.lines)

    @property
    def has_unweighed_products(self) -> bool:
        return any(line.variant.shipping_weight_g <= 0 for line in self.lines)

    def fingerprint(self, shipping_idr: int = 0) -> str:
        """What the checkout summary shows with the chosen service's price (see pricing.fingerprint)."""
        lines = [(line.variant.id, line.quantity, line.variant.price) for line in self.lines]
        return fingerprint(lines, totals_for((line.line_total_idr for line in self.lines), shipping_idr))


def line_problem(variant, quantity):
    if not variant.on_sale:
        return _("This product is no longer available. Please remove it.")
    if variant.stock < 1:
        return _("Sold out. Please remove it to continue.")
    if quantity > variant.stock:
        return _("Only %(stock)d left. Please lower the quantity.", stock=variant.stock)
    return None


def load_cart(session):
    """The cart with current variants and their products, in one query. Lines of deleted ones are dropped."""
    items = get_items(session)
    variants = {}
    if items:
        rows = db.session.execute(
            db.select(Variant).options(joinedload(Variant.product)).where(Variant.id.in_(items.keys()))
        ).scalars()
        variants = {v.id: v for v in rows}
    lines = [
        CartLine(variants[vid], qty, line_problem(variants[vid], qty)) for vid, qty in items.items() if vid in variants
    ]
    totals = totals_for(line.line_total_idr for line in lines)
    return CartView(lines, totals.subtotal_idr, totals.shipping_idr, totals.total_idr)
