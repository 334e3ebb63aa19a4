from flask import Response, abort, make_response, render_template, request

from ..extensions import db, limiter
from ..htmx import STOP_POLLING
from ..i18n import select_locale
from ..lazy_session import session_untouched
from ..models import Order
from ..order_status import FINAL, RETRYABLE
from ..repeat_answers import answer_may_repeat, handed_over
from ..whatsapp import order_chat_url
from .blueprint import bp
from .poll_answers import read_status_row, status_etag, window_passed
from .queries import PolledAttempt, PolledOrder, order_for_page, order_status, polled
from .timeline import order_timeline


def _status_context(order: Order | PolledOrder, attempt: PolledAttempt | None, *, polling: bool) -> dict[str, object]:
    """What the status fragment shows; the rules are decided here, the template only reads the flags."""
    return {
        "order": order,
        "attempt": attempt,
        "window_passed": _window_passed(attempt),
        "polling": polling,
        # An expired or failed order may be paid again (stock permitting).
        "can_pay_again": order.payment_status in RETRYABLE,
    }


def _window_passed(attempt: PolledAttempt | None) -> bool:
    return window_passed(attempt.expires_at if attempt is not None else None)


@bp.get("/<token>")
def show(token: str) -> Response:
    order = order_for_page(token)
    _status, attempt = order_status(token, session=db.session)
    response = make_response(
        render_template(
            "orders/order.html",
            **_status_context(order, attempt, polling=order.payment_status not in FINAL),
            returning=request.args.get("returning") == "1",
            timeline=order_timeline(order),
            whatsapp_order_url=order_chat_url(order.reference),
        )
    )
    # Personal data: never cached by shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<token>/status")
@limiter.exempt
def status(token: str) -> Response:
    """The 2-second poll: one query; 304 when nothing changed; 286 with the final fragment to stop.

    A 200/286 answer also carries the order timeline (an out-of-band swap), built from the same row.

    Never rate-limited (@limiter.exempt, which also skips the limiter's per-request bookkeeping): every open order page polls, and shoppers behind one
    carrier NAT share an IP address.
    """
    row = handed_over()  # read already in front of Flask (orders/poll_answers.py)
    if row is None:
        row = read_status_row(db.engine, token)
    if row is None:
        abort(404)
    order, attempt = polled(row)
    final = order.payment_status in FINAL
    etag = status_etag(row, select_locale())
    if not final and request.if_none_match.contains(etag):
        response = make_response("", 304)
        answer_may_repeat()
    else:
        # The timeline rides along out of band: the step that just happened (paid) shows as done at once.
        html = render_template(
            "orders/_status_update.html",
            **_status_context(order, attempt, polling=not final),
            returning=False,
            timeline=order_timeline(order),
        )
        response = make_response(html, STOP_POLLING if final else 200)
        if session_untouched():  # nothing of this shopper's in it (no "Pay now" form with its CSRF token)
            answer_may_repeat()
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache, private"
    return response
