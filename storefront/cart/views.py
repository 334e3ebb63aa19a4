from flask import Response, flash, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..catalog.choice import choice_of
from ..catalog.listing import CardProduct, CardVariant
from ..extensions import configured_limit, db, limiter, per_session_key
from ..htmx import is_htmx
from ..i18n import safe_next
from ..models import Product, Variant
from ..numbers import whole_number
from ..vouchers.rules import MAX_CODE_LENGTH, Refusal, normalise_code, refusal_message
from ..vouchers.usage import evaluate, terms_of
from .blueprint import bp
from .cart import (
    QuantityRefused,
    get_items,
    load_cart,
    parse_quantity,
    remove,
    remove_voucher,
    set_quantity,
    set_voucher,
    voucher_lines,
)
from .forms import CartLineForm, RemoveLineForm, RemoveVoucherForm, VoucherCodeForm
from .fragments import added_form, oob_cart_badge
from .lookup import product_on_sale, variant_on_sale

# Larger ids cannot exist, and would overflow PostgreSQL's integer column in the lookup.
_MAX_ID = 2**31 - 1


def _variant_named(raw_id: str | None) -> tuple[CardProduct, CardVariant] | None:
    """(product, variant) for the variant on sale with this id (one query), or None."""
    variant_id = whole_number(raw_id, _MAX_ID)
    return variant_on_sale(variant_id) if variant_id is not None else None


def _chosen(form: CartLineForm) -> tuple[CardProduct | None, CardVariant | None]:
    """(product, variant) an add form names: a variant, or (older pages) a product with a single variant.
    The product alone when it needs a choice; (None, None) when nothing on sale is named."""
    if form.variant_id.data:
        return _variant_named(form.variant_id.data) or (None, None)
    product_id = whole_number(form.product_id.data, _MAX_ID)
    product = product_on_sale(product_id) if product_id is not None else None
    return (product, product.sole_variant) if product is not None else (None, None)


def _with_badge(html: str, status: int = 200) -> Response:
    """Append the header badge as an out-of-band swap so htmx updates it in place."""
    return make_response(html + oob_cart_badge(), status)


@bp.get("/")
def show() -> str:
    return render_template("cart/cart.html", cart=load_cart(session), line_errors={}, entered={})


@bp.post("/add")
@limiter.limit(configured_limit("RATELIMIT_CART"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_CART_PER_IP"))
def add() -> ResponseReturnValue:
    form = CartLineForm()
    layout = "grid" if form.layout.data == "grid" else "detail"
    product, variant = _chosen(form)
    if not form.validate_on_submit():
        return _add_failed(product, variant, layout, form.quantity.data, _("Your session expired. Please try again."))
    if product is None:
        return _add_failed(None, None, layout, form.quantity.data, _("This product is not available."))
    if variant is None:
        return _add_failed(product, None, layout, form.quantity.data, _("Please choose a variant first."))
    in_cart = get_items(session).get(variant.id, 0)
    try:
        quantity = parse_quantity(form.quantity.data, variant, in_cart)
    except QuantityRefused as refused:
        return _add_failed(product, variant, layout, form.quantity.data, str(refused))
    set_quantity(session, variant.id, in_cart + quantity)
    message = _("%(name)s added to your cart.", name=variant.name)
    if is_htmx():
        return _with_badge(added_form(product, variant, layout, message))
    flash(message, "success")
    return redirect(safe_next(request.form.get("next"), url_for("cart.show")), code=303)


def _add_failed(
    product: CardProduct | None, variant: CardVariant | None, layout: str, entered: str | None, error: str
) -> ResponseReturnValue:
    """Answer 422 with the message next to the add control; the cart is left as it was."""
    # A refusal draws the form again around the product's options (without JavaScript, the whole product
    # page): only then are the product and its variant loaded as ORM objects, which those templates read.
    page_product = db.session.get(Product, product.id) if product is not None else None
    if page_product is None:
        if is_htmx():
            return make_response(render_template("cart/_add_error.html", error=error), 422)
        flash(error, "error")
        return redirect(url_for("catalog.index"), code=303)
    chosen = db.session.get(Variant, variant.id) if variant is not None else None
    context = {
        "product": page_product,
        "chosen": chosen,
        "choice": choice_of(chosen, page_product),
        "layout": layout,
        "add_error": error,
        "entered_quantity": entered,
    }
    if is_htmx():
        return make_response(render_template("catalog/_add_form.html", **context), 422)
    return make_response(render_template("catalog/product.html", **context), 422)


@bp.post("/update")
@limiter.limit(configured_limit("RATELIMIT_CART"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_CART_PER_IP"))
def update() -> ResponseReturnValue:
    form = CartLineForm()
    named = _variant_named(form.variant_id.data)
    variant = named[1] if named is not None else None
    items = get_items(session)
    error = None
    if not form.validate_on_submit():
        error = _("Your session expired. Please try again.")
    elif variant is None or variant.id not in items:
        error = _("This product is not available.")
    else:
        try:
            set_quantity(session, variant.id, parse_quantity(form.quantity.data, variant))
        except QuantityRefused as refused:
            error = str(refused)
    if error:
        line_id = variant.id if variant is not None else None
        return _render_cart(status=422, line_errors={line_id: error}, entered={line_id: form.quantity.data})
    if is_htmx():
        return _render_cart()
    flash(_("Cart updated."), "success")
    return redirect(url_for("cart.show"), code=303)


@bp.post("/remove")
@limiter.limit(configured_limit("RATELIMIT_CART"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_CART_PER_IP"))
def remove_line() -> ResponseReturnValue:
    form = RemoveLineForm()
    variant_id = whole_number(form.variant_id.data, _MAX_ID)
    if form.validate_on_submit() and variant_id is not None:
        remove(session, variant_id)
    if is_htmx():
        return _render_cart()
    return redirect(url_for("cart.show"), code=303)


@bp.post("/voucher")
@limiter.limit(configured_limit("RATELIMIT_CART"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_CART_PER_IP"))
def apply_voucher() -> ResponseReturnValue:
    """Apply a code, or say beside the field exactly why not (the code typed stays in the field)."""
    form = VoucherCodeForm()
    typed = (form.code.data or "")[:100]
    if not form.validate_on_submit():
        return _render_cart(422, voucher_error=_("Your session expired. Please try again."), voucher_typed=typed)
    code = normalise_code(typed)
    if not code:
        return _render_cart(422, voucher_error=_("Enter a voucher code."), voucher_typed=typed)
    cart = load_cart(session)
    voucher, outcome = (
        (None, Refusal.UNKNOWN) if len(code) > MAX_CODE_LENGTH else evaluate(code, voucher_lines(cart.lines), 0)
    )
    if isinstance(outcome, Refusal):
        message = refusal_message(outcome, terms_of(voucher) if voucher else None)
        return _render_cart(422, voucher_error=message, voucher_typed=typed)
    set_voucher(session, code)
    if is_htmx():
        return _render_cart()
    flash(_("Voucher %(code)s applied.", code=code), "success")
    return redirect(url_for("cart.show"), code=303)


@bp.post("/voucher/remove")
@limiter.limit(configured_limit("RATELIMIT_CART"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_CART_PER_IP"))
def drop_voucher() -> ResponseReturnValue:
    if RemoveVoucherForm().validate_on_submit():
        remove_voucher(session)
    if is_htmx():
        return _render_cart()
    return redirect(url_for("cart.show"), code=303)


def _render_cart(
    status: int = 200,
    line_errors: dict[int | None, str] | None = None,
    entered: dict[int | None, str | None] | None = None,
    voucher_error: str | None = None,
    voucher_typed: str | None = None,
) -> Response:
    context = {
        "cart": load_cart(session),
        "line_errors": line_errors or {},
        "entered": entered or {},
        "voucher_error": voucher_error,
        "voucher_typed": voucher_typed,
    }
    if is_htmx():
        return _with_badge(render_template("cart/_cart.html", **context), status)
    return make_response(render_template("cart/cart.html", **context), status)
