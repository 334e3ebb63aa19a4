"""What the shopper's browser gets when it is time to pay: Midtrans's page, or a clear way back."""

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..htmx import is_htmx, redirect_after_post
from ..models import Order
from .snap import NotPayable, PaymentUnavailable, ensure_snap_session


def send_to_payment(order: Order) -> ResponseReturnValue:
    order_id, token = order.id, order.access_token
    try:
        snap_url = ensure_snap_session(order_id)
    except PaymentUnavailable:
        # The order and its reservation are kept; the page offers a retry that reuses the same attempt.
        if is_htmx():
            flash(_("We could not open the payment page. Your order is saved; please try again."), "error")
            return redirect_after_post(url_for("orders.show", token=token))
        return render_template("payments/unavailable.html", order=order), 503
    except NotPayable:
        flash(_("This order cannot be paid right now."), "info")
        return redirect(url_for("orders.show", token=token), code=303)
    return redirect_after_post(snap_url)
