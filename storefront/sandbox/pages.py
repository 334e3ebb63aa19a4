"""The hosted payment page a customer is redirected to (Snap's redirect_url), simulating each method.

The page is keyed by the unguessable Snap token, as Midtrans's is; it has no login and no CSRF token
because it holds nothing but a sandbox payment.
"""

from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from .app import current_engine
from .engine import NotAllowed, NotFound, PageError, PageState, UnknownTestCard
from .methods import grouped, method_of
from .payloads import event_status_code
from .store import SnapOrder, Transaction

pages = Blueprint("pages", __name__, url_prefix="/snap/v3/redirection/<token>")

# Heading and explanation shown for a transaction that is no longer waiting for the customer.
RESULT_TEXT = {
    "settlement": ("Payment received", "The merchant has been notified."),
    "capture": ("Payment received", "The card payment was approved. The merchant has been notified."),
    "challenge": ("Payment under review", "The card payment was flagged for review; the merchant will decide."),
    "refund": ("Payment refunded", "The merchant refunded this payment."),
    "partial_refund": ("Payment partially refunded", "The merchant refunded part of this payment."),
    "cancel": ("Payment cancelled", "This payment was cancelled."),
    "expire": ("Payment expired", "This payment expired before it was paid."),
}


def merchant_url(base: str | None, order_id: str, tx: Transaction | None = None) -> str | None:
    """The merchant's finish/error URL with the query Midtrans appends (midtrans.md §3)."""
    if not base or not base.startswith(("http://", "https://")):
        return None
    params = {"order_id": order_id}
    if tx is not None:
        params.update(status_code=event_status_code(tx.fields), transaction_status=tx.status)
    parts = urlsplit(base)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def render_state(state: PageState, notice: str | None = None, status: int = 200) -> ResponseReturnValue:
    order, tx = state.order, state.transaction
    context = {
        "order": order,
        "tx": tx,
        "notice": notice,
        "back_url": merchant_url(order.finish_url, order.order_id, tx),
    }
    if tx is None or tx.status == "deny":
        if state.page_expired:
            return render_template("sandbox/expired.html", **context), status
        return render_template("sandbox/checkout.html", method_groups=grouped(state.methods), **context), status
    if tx.status == "pending":
        return render_template("sandbox/instructions.html", method=method_of(tx.fields), **context), status
    key = "challenge" if tx.fields.get("fraud_status") == "challenge" and tx.status == "capture" else tx.status
    heading, text = RESULT_TEXT.get(key, (f"Payment {tx.status}", ""))
    return render_template("sandbox/result.html", heading=heading, text=text, **context), status


def card_page(
    order: SnapOrder, notice: str | None = None, declined: bool = False, status: int = 200
) -> ResponseReturnValue:
    back_url = merchant_url(order.finish_url, order.order_id)
    return render_template(
        "sandbox/card.html", order=order, notice=notice, declined=declined, back_url=back_url
    ), status


def token_not_found() -> ResponseReturnValue:
    return render_template("sandbox/not_found.html"), 404


def after_change(token: str, tx: Transaction, merchant_base: str | None) -> Response:
    """303 to the merchant like Snap does, or back to this page when the merchant gave no URL."""
    target = merchant_url(merchant_base, tx.order_id, tx)
    return redirect(target or url_for("pages.payment_page", token=token), 303)


@pages.get("")
def payment_page(token: str) -> ResponseReturnValue:
    try:
        return render_state(current_engine().page(token))
    except NotFound:
        return token_not_found()


@pages.post("/method")
def choose_method(token: str) -> ResponseReturnValue:
    method = request.form.get("method", "")
    engine = current_engine()
    try:
        if method == "credit_card":
            engine.check_card_page(token)
            return redirect(url_for("pages.card_form", token=token), 303)
        engine.choose_method(token, method)
    except NotFound:
        return token_not_found()
    except PageError as exc:
        return render_state(engine.page(token), str(exc), 409)
    return redirect(url_for("pages.payment_page", token=token), 303)


@pages.get("/credit-card")
def card_form(token: str) -> ResponseReturnValue:
    engine = current_engine()
    try:
        state = engine.check_card_page(token)
    except NotFound:
        return token_not_found()
    except PageError as exc:
        return render_state(engine.page(token), str(exc), 409)
    return card_page(state.order)


@pages.post("/credit-card")
def pay_card(token: str) -> ResponseReturnValue:
    engine = current_engine()
    try:
        order, tx = engine.charge_card(token, request.form.get("card_number", ""))
    except NotFound:
        return token_not_found()
    except UnknownTestCard as exc:
        return card_page(engine.page(token).order, notice=str(exc), status=422)
    except PageError as exc:
        return render_state(engine.page(token), str(exc), 409)
    if tx.status == "deny":
        # Snap keeps the customer on the page after a decline so they can try another card or method.
        return card_page(order, "The card was declined. Try another card or choose another method.", declined=True)
    return after_change(token, tx, order.finish_url)


@pages.post("/<any(pay, deny, expire):action>")
def simulate(token: str, action: str) -> ResponseReturnValue:
    engine = current_engine()
    try:
        order, tx = engine.page_action(token, action)
    except NotFound:
        return token_not_found()
    except PageError as exc:
        return render_state(engine.page(token), str(exc), 409)
    except NotAllowed as exc:
        return render_state(
            engine.page(token), f"Nothing changed: this payment is already {exc.transaction.status}.", 409
        )
    return after_change(token, tx, (order.error_url or order.finish_url) if action == "deny" else order.finish_url)
