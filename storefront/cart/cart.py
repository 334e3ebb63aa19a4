"""The cart: variant ids and quantities in the signed session cookie, nothing else.

Prices, names and stock are always re-read from the database, so a tampered or stale cookie can at
worst name variants and quantities, never prices. Carts saved before variants existed were keyed by
product; they are read as the product's implicit variant and rewritten in the new form.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from flask.sessions import SessionMixin as Session
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Product, Variant
from ..numbers import whole_number
from ..pricing import fingerprint, totals_for
from ..products import OnSale
from ..vouchers.rules import Discount, Line, Refusal, Terms, compute, refusal_message
from ..vouchers.usage import evaluate, terms_of

MAX_QUANTITY = 99
SESSION_KEY = "lines"
# {product_id: quantity}: the cart as cookies held it before variants.
LEGACY_SESSION_KEY = "cart"
# The voucher code the shopper applied (normalised); its terms are read again on every use.
VOUCHER_SESSION_KEY = "voucher"


def _read(session: Session, key: str) -> dict[int, int]:
    """{id: quantity} under `key`, ignoring anything malformed a cookie might carry."""
    raw = session.get(key)
    items: dict[int, int] = {}
    if isinstance(raw, dict):
        for item_id, value in raw.items():
            if str(item_id).isdigit() and isinstance(value, int) and not isinstance(value, bool) and value > 0:
                items[int(item_id)] = value
    return items


def get_items(session: Session) -> dict[int, int]:
    """{variant_id: quantity}. A cart from before variants is moved to the implicit variants once."""
    items = _read(session, SESSION_KEY)
    legacy = _read(session, LEGACY_SESSION_KEY)
    if legacy:
        for variant_id, quantity in _implicit_variants(legacy).items():
            items[variant_id] = min(items.get(variant_id, 0) + quantity, MAX_QUANTITY)
        session.pop(LEGACY_SESSION_KEY, None)
        _save(session, items)
    return items


def _implicit_variants(product_quantities: dict[int, int]) -> dict[int, int]:
    """{implicit variant id: quantity} for {product_id: quantity}; products since deleted drop out."""
    rows = db.session.execute(
        db.select(Variant.id, Variant.product_id).where(
            Variant.product_id.in_(product_quantities.keys()), Variant.label == ""
        )
    ).all()
    return {variant_id: product_quantities[product_id] for variant_id, product_id in rows}


def _save(session: Session, items: dict[int, int]) -> None:
    session[SESSION_KEY] = {str(vid): qty for vid, qty in items.items()}


def cart_count(session: Session) -> int:
    return sum(_read(session, SESSION_KEY).values()) + sum(_read(session, LEGACY_SESSION_KEY).values())


def set_quantity(session: Session, variant_id: int, quantity: int) -> None:
    items = get_items(session)
    items[variant_id] = quantity
    _save(session, items)


def remove(session: Session, variant_id: int) -> None:
    items = get_items(session)
    items.pop(variant_id, None)
    _save(session, items)


def clear(session: Session) -> None:
    session.pop(SESSION_KEY, None)
    session.pop(LEGACY_SESSION_KEY, None)
    session.pop(VOUCHER_SESSION_KEY, None)


def voucher_code(session: Session) -> str | None:
    code = session.get(VOUCHER_SESSION_KEY)
    return code if isinstance(code, str) and code else None


def set_voucher(session: Session, code: str) -> None:
    session[VOUCHER_SESSION_KEY] = code


def remove_voucher(session: Session) -> None:
    session.pop(VOUCHER_SESSION_KEY, None)


def max_quantity_for(variant: OnSale) -> int:
    return min(variant.stock, MAX_QUANTITY)


class QuantityRefused(ValueError):
    """A quantity the cart cannot take; the message is shown beside the quantity field."""


def parse_quantity(raw: str | None, variant: OnSale, already_in_cart: int = 0) -> int:
    """The quantity typed, if the total stays within 1..min(stock, 99); else QuantityRefused saying why."""
    text = (raw or "").strip()
    limit = max_quantity_for(variant)
    if limit < 1:
        raise QuantityRefused(_("Sorry, this product is sold out."))
    quantity = whole_number(text, 10**6)  # far above any limit, so "too many" is still told as such
    if quantity is None or quantity < 1:
        raise QuantityRefused(_("Enter a whole number from 1 to %(max)d.", max=limit))
    if quantity + already_in_cart > limit:
        if already_in_cart:
            raise QuantityRefused(
                _("You already have %(have)d in your cart; at most %(max)d in total.", have=already_in_cart, max=limit)
            )
        raise QuantityRefused(_("Enter a whole number from 1 to %(max)d.", max=limit))
    return quantity


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
    def line_total_idr(self) -> int:
        return self.variant.price * self.quantity


@dataclass
class CartView:
    lines: list[CartLine]
    subtotal_idr: int
    shipping_idr: int
    total_idr: int
    # The applied code, and either its terms (it applies) or why it does not, shown beside the field.
    voucher_code: str | None = None
    voucher_terms: Terms | None = None
    voucher_problem: str | None = None

    def discount(self, shipping_idr: int = 0) -> Discount | None:
        """The voucher's discount with this shipping price (free shipping depends on it), or None."""
        if self.voucher_terms is None:
            return None
        return compute(self.voucher_terms, voucher_lines(self.lines), shipping_idr)

    def total_with(self, shipping_idr: int) -> int:
        discount = self.discount(shipping_idr)
        return self.subtotal_idr + shipping_idr - (discount.total_idr if discount else 0)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)

    @property
    def count(self) -> int:
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
        discount = self.discount(shipping_idr)
        line_totals = (line.line_total_idr for line in self.lines)
        return fingerprint(lines, totals_for(line_totals, shipping_idr, discount.total_idr if discount else 0))


def voucher_lines(lines: Iterable[CartLine]) -> list[Line]:
    """Cart or order lines as the voucher rules see them: a total and the product's category."""
    return [Line(line.line_total_idr, line.variant.product.category_id) for line in lines]


def line_problem(variant: Variant, quantity: int) -> str | None:
    problem: str | None = None
    if not variant.on_sale:
        problem = _("This product is no longer available. Please remove it.")
    elif variant.stock < 1:
        problem = _("Sold out. Please remove it to continue.")
    elif quantity > variant.stock:
        problem = _("Only %(stock)d left. Please lower the quantity.", stock=variant.stock)
    return problem


def load_cart(session: Session) -> CartView:
    """The cart with current variants and their products, in one query. Lines of deleted ones are dropped."""
    items = get_items(session)
    variants: dict[int, Variant] = {}
    if items:
        rows = db.session.execute(
            db.select(Variant).options(joinedload(Variant.product)).where(Variant.id.in_(items.keys()))
        ).scalars()
        variants = {v.id: v for v in rows}
    lines = [
        CartLine(variants[vid], qty, line_problem(variants[vid], qty)) for vid, qty in items.items() if vid in variants
    ]
    totals = totals_for(line.line_total_idr for line in lines)
    cart = CartView(lines, totals.subtotal_idr, totals.shipping_idr, totals.total_idr)
    code = voucher_code(session)
    if code and lines:
        cart.voucher_code = code
        voucher, outcome = evaluate(code, voucher_lines(lines), 0)
        if isinstance(outcome, Refusal):
            cart.voucher_problem = refusal_message(outcome, terms_of(voucher) if voucher else None)
        elif voucher is not None:  # always, with a discount
            cart.voucher_terms = terms_of(voucher)
            cart.total_idr -= outcome.total_idr
    return cart
