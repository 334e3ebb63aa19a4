import secrets

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..cart.cart import clear, get_items, load_cart
from ..extensions import configured_limit, limiter, per_session_key
from ..htmx import redirect_after_post
from ..orders.access import remember_order
from ..payments.responses import send_to_payment
from ..signals import order_placed
from . import bp
from .forms import CheckoutForm
from .orders import OutOfStock, PricesChanged, place_order


def _cart_blocks_checkout(cart):
    if cart.is_empty:
        flash(_("Your cart is empty."), "info")
        return True
    if cart.has_problems:
        flash(_("Some items in your cart need your attention before you can check out."), "warning")
        return True
    return False


@bp.get("/")
def start():
    cart = load_cart(session)
    if _cart_blocks_checkout(cart):
        return redirect(url_for("cart.show"), code=303)
    form = CheckoutForm(checkout_key=secrets.token_urlsafe(16), totals_fingerprint=cart.fingerprint)
    return render_template("checkout/checkout.html", form=form, cart=cart)


@bp.post("/")
@limiter.limit(configured_limit("RATELIMIT_CHECKOUT"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_CHECKOUT_PER_IP"))
def submit():
    form = CheckoutForm()
    cart = load_cart(session)
    if _cart_blocks_checkout(cart):
        return redirect_after_post(url_for("cart.show"))
    if not form.validate_on_submit():
        # Everything the shopper typed is re-rendered; 422 so htmx swaps the form with its messages.
        form.totals_fingerprint.data = cart.fingerprint  # the summary it is shown with now
        return render_template("checkout/checkout.html", form=form, cart=cart), 422
    try:
        order, created = place_order(
            get_items(session), form.customer(), form.checkout_key.data, str(get_locale()),
            seen_fingerprint=form.totals_fingerprint.data or "",
        )
    except PricesChanged:
        # Nothing was kept. The page shows the new summary; the form, as typed, carries its fingerprint,
        # so confirming again places the order at the prices now shown.
        form.totals_fingerprint.data = cart.fingerprint
        return render_template("checkout/checkout.html", form=form, cart=cart, prices_changed=True), 422
    except OutOfStock as exc:
        flash(
            _("Sorry, not enough stock left for: %(names)s. Please review your cart.", names=", ".join(exc.product_names)),
            "error",
        )
        return redirect_after_post(url_for("cart.show"))
    clear(session)
    remember_order(session, order.access_token)
    if created:
        order_placed.send(current_app._get_current_object(), order_id=order.id)
    return send_to_payment(order)
