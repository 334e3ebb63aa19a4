""" "Cek pesanan": the form that e-mails an order's private link to the address on the order."""

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..extensions import configured_limit, limiter
from ..mail.order_link import normalise_reference, request_order_link
from .blueprint import bp
from .forms import OrderLookupForm


def _reference_key() -> str:
    # Per reference as well as per IP: guessing one order's contact from many addresses gets nowhere.
    return "order-lookup:" + normalise_reference(request.form.get("reference", ""))[:16]


@bp.route("/lookup", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_ORDER_LOOKUP"), methods=["POST"])
@limiter.limit(configured_limit("RATELIMIT_ORDER_LOOKUP_REFERENCE"), methods=["POST"], key_func=_reference_key)
def lookup() -> ResponseReturnValue:
    form = OrderLookupForm()
    if form.validate_on_submit():
        request_order_link(form.reference.data, form.contact.data)
        # The same answer whether or not the order exists (see mail/order_link.py).
        return redirect(url_for("orders.lookup", sent=1), 303)
    status = 422 if form.errors else 200
    response = render_template("orders/lookup.html", form=form, sent=request.args.get("sent") == "1")
    return response, status
