"""The cart: product ids and quantities in the signed session cookie, nothing else.

Prices, names and stock are always re-read from the database, so a tampered or stale cookie can at
worst name products and quantities, never prices.
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from ..extensions import db
from ..models import Product
from ..numbers import whole_number
from ..pricing import fingerprint, totals_for

MAX_QUANTITY = 99
SESSION_KEY = "cart"


def get_items(session):
    """{product_id: quantity}, ignoring anything malformed a cookie might carry."""
    raw = session.get(SESSION_KEY)
    items = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            if str(key).isdigit() and isinstance(value, int) and not isinstance(value, bool) and value > 0:
                items[int(key)] = value
    return items


def _save(session, items):
    session[SESSION_KEY] = {str(pid): qty for pid, qty in items.items()}


def cart_count(session):
    return sum(get_items(session).values())


def set_quantity(session, product_id, quantity):
    items = get_items(session)
    items[product_id] = quantity
    _save(session, items)


def remove(session, product_id):
    items = get_items(session)
    items.pop(product_id, None)
    _save(session, items)


def clear(session):
    session.pop(SESSION_KEY, None)


def max_quantity_for(product):
    return min(product.stock, MAX_QUANTITY)


def parse_quantity(raw, product, already_in_cart=0):
    """Return (quantity, None) or (None, error message). The total must stay within 1..min(stock, 99)."""
    text = (raw or "").strip()
    limit = max_quantity_for(product)
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
    product: Product
    quantity: int
    # None when the line can be bought as it is; otherwise why not (shown next to the line).
    problem: str | None

    @property
    def line_total_idr(self):
        return self.product.price_idr * self.quantity


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
        return sum(line.product.weight_g * line.quantity for line in self.lines)

    @property
    def has_unweighed_products(self) -> bool:
        return any(line.product.weight_g <= 0 for line in self.lines)

    def fingerprint(self, shipping_idr: int = 0) -> str:
        """What the checkout summary shows with the chosen service's price (see pricing.fingerprint)."""
        lines = [(line.product.id, line.quantity, line.product.price_idr) for line in self.lines]
        return fingerprint(lines, totals_for((line.line_total_idr for line in self.lines), shipping_idr))


def line_problem(product, quantity):
    if not product.active:
        return _("This product is no longer available. Please remove it.")
    if product.stock < 1:
        return _("Sold out. Please remove it to continue.")
    if quantity > product.stock:
        return _("Only %(stock)d left. Please lower the quantity.", stock=product.stock)
    return None


def load_cart(session):
    """The cart with current products, in one query. Lines for deleted products are dropped."""
    items = get_items(session)
    products = {}
    if items:
        rows = db.session.execute(db.select(Product).where(Product.id.in_(items.keys()))).scalars()
        products = {p.id: p for p in rows}
    lines = [
        CartLine(products[pid], qty, line_problem(products[pid], qty)) for pid, qty in items.items() if pid in products
    ]
    totals = totals_for(line.line_total_idr for line in lines)
    return CartView(lines, totals.subtotal_idr, totals.shipping_idr, totals.total_idr)
