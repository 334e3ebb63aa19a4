import secrets

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from ..cart.cart import CartView, clear, get_items, load_cart, voucher_code
from ..extensions import configured_limit, limiter, per_session_key
from ..htmx import is_htmx, redirect_after_post, wants_fragment
from ..orders.access import remember_order
from ..payments.responses import send_to_payment
from ..shipping_rates.quotes import look_up
from .blueprint import bp
from .forms import POSTAL_CODE, CheckoutForm
from .orders import (
    OutOfStock,
    PricesChanged,
    ShippingUnavailable,
    VoucherRefused,
    no_weight_message,
    place_order,
)

SHIPPING_FRAGMENT_ID = "checkout-shipping"


def _cart_blocks_checkout(cart: CartView) -> bool:
    if cart.is_empty:
        flash(_("Your cart is empty."), "info")
        return True
    if cart.has_problems:
        flash(_("Some items in your cart need your attention before you can check out."), "warning")
        return True
    return False


def _offer_shipping(form: CheckoutForm, cart: CartView) -> str | None:
    """Fill the address lists and the services for the address chosen so far; returns why no service
    can be offered (shown beside the services), or None."""
    form.load_regions()
    form.offer([])
    if form.place is None:
        return None
    if cart.has_unweighed_products:
        return no_weight_message()
    postal_code = (form.postal_code.data or "").strip()
    # Any call to the rate provider happens here, before the order's transaction (see place_order).
    form.shipping_offer, quotes = look_up(
        form.place, postal_code if POSTAL_CODE.fullmatch(postal_code) else "", cart.weight_g, cart.subtotal_idr
    )
    form.offer(quotes)
    if not quotes:
        problem: str = _(
            "No courier service delivers to this district yet. Please choose another address or contact the shop."
        )
        return problem
    return None


def _shown_fingerprint(form: CheckoutForm, cart: CartView) -> str:
    quote = form.chosen_quote
    return cart.fingerprint(quote.price_idr if quote else 0)


def _render(
    form: CheckoutForm,
    cart: CartView,
    shipping_problem: str | None,
    status: int = 200,
    prices_changed: bool = False,
    shipping_added: bool = False,
) -> tuple[str, int]:
    # The form always carries the fingerprint of the summary it is shown with now.
    form.totals_fingerprint.data = _shown_fingerprint(form, cart)
    # The step buttons sit in <noscript>; htmx parses swapped-in HTML as if scripting were off, which
    # would turn them into real buttons, so an htmx response leaves them out.
    return render_template(
        "checkout/checkout.html",
        form=form,
        cart=cart,
        shipping_problem=shipping_problem,
        quote=form.chosen_quote,
        show_steps=not is_htmx(),
        prices_changed=prices_changed,
        shipping_added=shipping_added,
    ), status


def _voucher_refused(reason: str) -> ResponseReturnValue:
    """Back to the cart, kept as it was; the voucher box there says the reason beside the field too."""
    flash(_("Your voucher could not be used: %(reason)s", reason=reason), "error")
    return redirect_after_post(url_for("cart.show"))


@bp.get("/")
def start() -> ResponseReturnValue:
    cart = load_cart(session)
    if _cart_blocks_checkout(cart):
        return redirect(url_for("cart.show"), code=303)
    form = CheckoutForm(checkout_key=secrets.token_urlsafe(16))
    return _render(form, cart, _offer_shipping(form, cart))


@bp.get("/shipping")
@limiter.limit(configured_limit("RATELIMIT_SHIPPING"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_SHIPPING_PER_IP"))
def shipping() -> ResponseReturnValue:
    """The address lists and services for what is chosen so far, with the order summary out of band."""
    if not wants_fragment(SHIPPING_FRAGMENT_ID):
        return redirect(url_for("checkout.start"), code=303)
    cart = load_cart(session)
    form = CheckoutForm(formdata=request.args, meta={"csrf": False})
    problem = _offer_shipping(form, cart)
    form.totals_fingerprint.data = _shown_fingerprint(form, cart)
    response = make_response(
        render_template(
            "checkout/_shipping_update.html",
            form=form,
            cart=cart,
            shipping_problem=problem,
            quote=form.chosen_quote,
            show_steps=False,
        )
    )
    response.vary.add("HX-Request")
    return response


@bp.post("/")
@limiter.limit(configured_limit("RATELIMIT_CHECKOUT"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_CHECKOUT_PER_IP"))
def submit() -> ResponseReturnValue:
    form = CheckoutForm()
    cart = load_cart(session)
    if _cart_blocks_checkout(cart):
        return redirect_after_post(url_for("cart.show"))
    problem = _offer_shipping(form, cart)
    if request.form.get("step"):
        # Without JavaScript the address is chosen in steps: show the next list, nothing is judged yet.
        return _render(form, cart, problem)
    valid = form.validate_on_submit()
    if problem and not form.shipping_service.errors:
        form.shipping_service.errors = [problem]
    # A valid form has a district, so its rates were looked up (shipping_offer); checked for the type checker.
    if not valid or problem or form.shipping_offer is None:
        # Everything the shopper typed is re-rendered; 422 so htmx swaps the form with its messages.
        return _render(form, cart, problem, 422)
    if cart.voucher_problem:
        # The code in the cart stopped applying (used up by others, expired, ...) since the page was shown.
        return _voucher_refused(cart.voucher_problem)
    try:
        order, created = place_order(
            get_items(session),
            form.customer(),
            form.checkout_key.data,
            str(get_locale()),
            form.shipping_offer,
            form.shipping_service.data,
            seen_fingerprint=form.totals_fingerprint.data or "",
            voucher_code=voucher_code(session),
        )
    except ShippingUnavailable as exc:
        form.shipping_service.errors = [str(exc)]
        return _render(form, cart, None, 422)
    except PricesChanged:
        # Nothing was kept. The page shows the summary as it is now (cart and rates read again); the form,
        # as typed, carries its fingerprint, so confirming again places the order at the prices now shown.
        # A summary seen with no service chosen is not a price change: without JavaScript the shopper
        # picked a service and skipped "Update the total", so the page says the total now has shipping.
        skipped_step = form.totals_fingerprint.data == cart.fingerprint(0)
        cart = load_cart(session)
        problem = _offer_shipping(form, cart)
        return _render(form, cart, problem, 422, prices_changed=not skipped_step, shipping_added=skipped_step)
    except VoucherRefused as exc:
        return _voucher_refused(str(exc))
    except OutOfStock as exc:
        flash(
            _(
                "Sorry, not enough stock left for: %(names)s. Please review your cart.",
                names=", ".join(exc.product_names),
            ),
            "error",
        )
        return redirect_after_post(url_for("cart.show"))
    clear(session)
    remember_order(session, order.access_token)
    return send_to_payment(order)
