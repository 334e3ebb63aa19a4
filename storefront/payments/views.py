import logging
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from ..extensions import configured_limit, csrf_exempt, db, limiter, per_session_key
from ..models import Order, PaymentAttempt
from ..order_status import RETRYABLE
from ..orders.access import latest_order_token, session_owns
from ..orders.queries import order_for_page
from .blueprint import bp
from .forms import PayForm
from .gateway import GatewayError
from .notifications import handle_notification
from .responses import send_to_payment
from .snap import NotPayable, OutOfStockForRetry, VoucherGoneForRetry, pay_again, refresh_if_window_passed

log = logging.getLogger(__name__)

# Midtrans's notification body is a few KB; anything far bigger is not from Midtrans.
MAX_NOTIFICATION_BYTES = 64 * 1024


@bp.url_value_preprocessor
def limit_notification_size(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # Runs before every before_request function, so before anything reads the body. With the limit
    # set, werkzeug stops a chunked body (no Content-Length) at 64 KB too, with 413, instead of
    # reading all of it into memory.
    # One byte over the limit is read, so the view can tell "too large" from "exactly at the limit":
    # werkzeug stops a chunked body at the limit without an error.
    if endpoint == "payments.notification":
        request.max_content_length = MAX_NOTIFICATION_BYTES + 1


@bp.route("/payments/notification", methods=["GET", "POST"], strict_slashes=False)
@csrf_exempt  # authenticated by its signature and confirmed with the status API instead
@limiter.limit(configured_limit("RATELIMIT_NOTIFICATION"), methods=["POST"])
def notification() -> ResponseReturnValue:
    if request.method == "GET":
        # Someone opened the URL in a browser; Midtrans only POSTs.
        return "Midtrans payment notification endpoint. It accepts POST requests from Midtrans.\n", 200
    raw_body = request.get_data(cache=False)
    if len(raw_body) > MAX_NOTIFICATION_BYTES:
        return "notification too large\n", 413
    try:
        result = handle_notification(raw_body)
    except GatewayError as exc:
        # 503: Midtrans retries it (4 times). The status API is the source of truth, so wait for it.
        log.warning("notification not processed, status API unavailable: %s", exc)
        db.session.rollback()
        return "status API unavailable, retry later\n", 503
    except OperationalError as exc:
        log.error("notification not processed, database unavailable: %s", type(exc).__name__)
        db.session.rollback()
        return "database unavailable, retry later\n", 503
    return result.message + "\n", result.http_status, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/payments/finish", endpoint="finish")
@bp.get("/payments/unfinish", endpoint="unfinish")
@bp.get("/payments/error", endpoint="error")
def return_from_midtrans() -> ResponseReturnValue:
    """Midtrans sends the shopper back here. The query string is unsigned: it only picks the page."""
    order_id = request.args.get("order_id", "")[:50]
    token = None
    if order_id:
        attempt = db.session.execute(
            db.select(PaymentAttempt).where(PaymentAttempt.midtrans_order_id == order_id)
        ).scalar_one_or_none()
        if attempt is not None:
            token = db.session.get_one(Order, attempt.order_id).access_token
    else:
        # ShopeePay returns without any query parameters.
        token = latest_order_token(session)
    if token and session_owns(session, token):
        return redirect(url_for("orders.show", token=token, returning=1), code=303)
    # Not this browser's order (or unknown): don't reveal anything, point to the order link instead.
    return render_template("payments/finish_elsewhere.html")


@bp.post("/orders/<token>/pay")
@limiter.limit(configured_limit("RATELIMIT_CHECKOUT"), key_func=per_session_key)
@limiter.limit(configured_limit("RATELIMIT_CHECKOUT_PER_IP"))
def pay(token: str) -> ResponseReturnValue:
    """Continue to Midtrans's page, retry after an error, or pay again after expiry/failure."""
    order = order_for_page(token)
    form = PayForm()
    if not form.validate_on_submit():
        return redirect(url_for("orders.show", token=token), code=303)
    try:
        refresh_if_window_passed(order.id)
    except GatewayError as exc:
        log.warning("status check before paying again failed: %s", exc)
        return render_template("payments/unavailable.html", order=order), 503
    db.session.refresh(order)
    if order.payment_status in RETRYABLE:
        try:
            pay_again(order.id)
        except OutOfStockForRetry:
            flash(_("Sorry, some items of this order are no longer in stock, so it cannot be paid again."), "error")
            return redirect(url_for("orders.show", token=token), code=303)
        except VoucherGoneForRetry as exc:
            flash(_("This order's voucher cannot be used again: %(reason)s", reason=str(exc)), "error")
            return redirect(url_for("orders.show", token=token), code=303)
        except NotPayable:
            pass
        db.session.refresh(order)
    return send_to_payment(order)


@bp.app_context_processor
def inject_pay_form() -> dict[str, type[PayForm]]:
    return {"pay_form": PayForm}
