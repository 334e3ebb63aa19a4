"""Placing an order: recompute prices, reserve stock atomically, create the order, in one transaction."""

import secrets
from collections.abc import Mapping
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..appctx import the_app
from ..database import write_transaction
from ..extensions import db
from ..inventory import reserve_stock
from ..models import Order, OrderItem, Variant, utcnow
from ..order_status import PaymentStatus
from ..pricing import fingerprint, totals_for
from ..shipping_rates.quotes import QuoteChanged, ShippingOffer, confirm_quote
from ..signals import order_placed
from ..vouchers.allocation import allocate
from ..vouchers.rules import Line, Refusal, eligible, refusal_message
from ..vouchers.usage import evaluate, take_use, terms_of

# No 0/O, 1/I/L: references are read out over the phone.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class OutOfStock(Exception):
    def __init__(self, product_names: list[str]) -> None:
        super().__init__(", ".join(product_names))
        self.product_names = product_names


class PricesChanged(Exception):
    """The order would not have the lines, prices or totals the checkout page showed."""


class NothingToOrder(Exception):
    pass


class VoucherRefused(Exception):
    """The cart's voucher no longer applies (used up, already used by this customer, expired, ...):
    nothing is kept, the message says why."""


class ShippingUnavailable(Exception):
    """The chosen service cannot carry this cart to this address (any more); the message says why."""


def new_reference() -> str:
    return "SF-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))


def new_access_token() -> str:
    # 192 random bits, URL-safe: the order page URL is the only key to it.
    return secrets.token_urlsafe(24)


def find_by_checkout_key(checkout_key: str | None) -> Order | None:
    if not checkout_key:
        return None
    return db.session.execute(db.select(Order).where(Order.checkout_key == checkout_key)).scalar_one_or_none()


def place_order(
    quantities: Mapping[int, int],
    customer: Mapping[str, str],
    checkout_key: str | None,
    locale: str,
    offer: ShippingOffer,
    shipping_code: str,
    seen_fingerprint: str | None = None,
    voucher_code: str | None = None,
) -> tuple[Order, bool]:
    """Create an order for {variant_id: quantity}; returns (order, created).

    `offer` is what `look_up` found for the address before this call: the rate provider is never asked
    inside the order's transaction.

    A second submit of the same checkout form (same checkout_key) returns the first order instead of
    making another one, even when both arrive at the same time. With `seen_fingerprint` (what the
    checkout page showed), PricesChanged is raised, and nothing kept, unless the order has exactly
    those lines, prices and totals: the check is inside the order's transaction, so a price changed
    a moment before the submit is caught too.
    """
    if not quantities:
        raise NothingToOrder()
    try:
        with write_transaction():
            existing = find_by_checkout_key(checkout_key)
            if existing is not None:
                return existing, False
            order = _create_order(
                quantities, customer, checkout_key, locale, offer, shipping_code, seen_fingerprint, voucher_code
            )
            order_placed.send(the_app(), order_id=order.id)  # its e-mail is queued in the order's transaction
        return order, True
    except IntegrityError:
        # The other half of a concurrent double submit committed first (unique checkout_key).
        existing = find_by_checkout_key(checkout_key)
        if existing is None:
            raise
        return existing, False


def _create_order(
    quantities: Mapping[int, int],
    customer: Mapping[str, str],
    checkout_key: str | None,
    locale: str,
    offer: ShippingOffer,
    shipping_code: str,
    seen_fingerprint: str | None,
    voucher_code: str | None,
) -> Order:
    place = offer.destination
    variants = {
        v.id: v
        for v in db.session.execute(
            db.select(Variant).options(joinedload(Variant.product)).where(Variant.id.in_(quantities.keys()))
        ).scalars()
    }
    missing = [vid for vid in quantities if vid not in variants or not variants[vid].on_sale]
    if missing:
        raise OutOfStock([variants[vid].name if vid in variants else str(vid) for vid in missing])
    # The shipping price is worked out again here, from the database's weights (each variant's) and prices
    # and the rate provider's answer looked up before, never taken from the form; a service that no longer
    # fits raises before any stock moves.
    weight_g = sum(variants[vid].shipping_weight_g * qty for vid, qty in quantities.items())
    subtotal = sum(variants[vid].price * qty for vid, qty in quantities.items())
    if any(variants[vid].shipping_weight_g <= 0 for vid in quantities):
        raise ShippingUnavailable(no_weight_message())
    try:
        quote = confirm_quote(offer, shipping_code, weight_g, subtotal)
    except QuoteChanged:
        raise PricesChanged() from None  # the provider priced another parcel: look up again, show it
    if quote is None:
        raise ShippingUnavailable(_("This service is not available for your address. Please choose one of the list."))
    short = reserve_stock(quantities)
    if short:
        raise OutOfStock([variants[vid].name for vid in short])
    # Prices come from the database, never from the client.
    items = [order_item(variants[vid], qty) for vid, qty in sorted(quantities.items())]
    # The voucher is judged again here, inside the order's transaction, on the prices just read.
    voucher, discount = None, None
    if voucher_code:
        lines = [Line(item.line_total_idr, variants[item.variant_id].product.category_id) for item in items]
        voucher, outcome = evaluate(voucher_code, lines, quote.price_idr)
        if isinstance(outcome, Refusal):
            raise VoucherRefused(refusal_message(outcome, terms_of(voucher) if voucher else None))
        assert voucher is not None  # evaluate() gives a discount only with its voucher
        discount = outcome
        # Each eligible line's share of the items' part (free shipping is on no line), for line refunds.
        terms = terms_of(voucher)
        shares = allocate(discount.items_idr, [ln.line_total_idr if eligible(terms, ln) else 0 for ln in lines])
        for item, share in zip(items, shares, strict=True):
            item.discount_idr = share
    totals = totals_for((item.line_total_idr for item in items), quote.price_idr, discount.total_idr if discount else 0)
    shown = [(item.variant_id, item.quantity, item.unit_price_idr) for item in items]
    # The shipping price is in the digest too: a service that got dearer since the page was shown stops here.
    if seen_fingerprint is not None and fingerprint(shown, totals) != seen_fingerprint:
        raise PricesChanged()  # rolls back the stock just reserved
    now = utcnow()
    order = Order(
        reference=new_reference(),
        access_token=new_access_token(),
        checkout_key=checkout_key or None,
        locale=locale,
        payment_status=PaymentStatus.AWAITING_PAYMENT,
        subtotal_idr=totals.subtotal_idr,
        shipping_idr=totals.shipping_idr,
        total_idr=totals.total_idr,
        stock_reserved=True,
        reserved_until=now + timedelta(minutes=current_app.config["PAYMENT_EXPIRY_MINUTES"]),
        items=items,
        province_code=place.province_code,
        province=place.province,
        city_code=place.city_code,
        city=place.city,
        district_code=place.district_code,
        district=place.district,
        shipping_code=quote.code,
        shipping_courier=quote.courier,
        shipping_service=quote.service,
        shipping_etd=quote.etd,
        weight_g=weight_g,
        **customer,
    )
    db.session.add(order)
    db.session.flush()
    if voucher is not None and discount is not None:
        # The conditional UPDATE decides among racing shoppers; the per-customer count follows it.
        refused = take_use(voucher, order.id, order.email, order.phone, discount.total_idr)
        if refused is not None:
            raise VoucherRefused(refusal_message(refused))  # rolls back the order and its stock
    return order


def order_item(variant: Variant, quantity: int) -> OrderItem:
    """A line as the shopper agreed to it: names, SKU and price copied, whatever the variant becomes later."""
    return OrderItem(
        product_id=variant.product_id,
        variant_id=variant.id,
        product_name=variant.product.name,
        variant_label=variant.label,
        sku=variant.sku,
        unit_price_idr=variant.price,
        quantity=quantity,
        line_total_idr=variant.price * quantity,
    )


def no_weight_message() -> str:
    message: str = _(
        "Some products in your cart have no shipping weight yet, so shipping cannot be priced. Please contact the shop."
    )
    return message
