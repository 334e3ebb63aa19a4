"""Snap (`/snap/v1`) and Core API (`/v2`) endpoints, answering in Midtrans's shapes and status codes."""

import hmac
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from .app import current_engine
from .engine import InvalidAmount, NotAllowed, NotFound, SnapRejected
from .payloads import action_body, status_body
from .snap_request import parse_snap_request

snap_api = Blueprint("snap_api", __name__, url_prefix="/snap/v1")
core_api = Blueprint("core_api", __name__, url_prefix="/v2")

MAX_NOTIFICATION_URLS = 3  # current Midtrans docs allow up to 3 override/append URLs (midtrans.md §4.9)

SNAP_UNAUTHORIZED = {
    "error_messages": [
        "Access denied due to unauthorized transaction, please check client or server key",
        "Visit https://snap-docs.midtrans.com/#request-headers for more details",
    ]
}
CORE_UNAUTHORIZED = {
    "status_code": "401",
    "status_message": "Transaction cannot be authorized with the current client/server key.",
}
CANNOT_MODIFY = {"status_code": "412", "status_message": "Merchant cannot modify the status of the transaction"}
INVALID_REFUND_AMOUNT = {"status_code": "414", "status_message": "Refund request is rejected due to invalid amount"}

# Core API action -> (engine action, body status_code, status_message) of the success answer.
CORE_ACTIONS = {
    "cancel": ("cancel", "200", "Success, transaction is canceled"),
    "expire": ("expire", "407", "Success, transaction has expired"),
    "approve": ("approve", "200", "Success, transaction is approved"),
    "deny": ("reject", "200", "Success, transaction is denied"),
}


def _authorized() -> bool:
    # Midtrans authenticates with Basic auth: username = server key, empty password.
    auth = request.authorization
    return bool(
        auth
        and auth.type == "basic"
        and auth.username
        and hmac.compare_digest(auth.username.encode(), current_engine().settings.server_key.encode())
    )


View = Callable[..., ResponseReturnValue]


def requires_server_key(unauthorized_body: dict[str, Any]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            if not _authorized():
                return jsonify(unauthorized_body), 401
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _url_list(header: str | None) -> list[str]:
    urls = [u.strip() for u in (header or "").split(",")]
    return [u for u in urls if u.startswith(("http://", "https://"))][:MAX_NOTIFICATION_URLS]


def notification_urls() -> list[str]:
    """Per-transaction routing: an override replaces everything; otherwise default + appended URLs."""
    if "X-Override-Notification" in request.headers:
        return _url_list(request.headers["X-Override-Notification"])
    default = current_engine().settings.default_notification_url
    return ([default] if default else []) + _url_list(request.headers.get("X-Append-Notification"))


def public_url(endpoint: str, **values: Any) -> str:
    base = current_engine().settings.public_base_url or request.host_url.rstrip("/")
    return base + url_for(endpoint, **values)


@snap_api.post("/transactions")
@requires_server_key(SNAP_UNAUTHORIZED)
def create_transaction() -> ResponseReturnValue:
    snap_request, errors = parse_snap_request(request.get_json(silent=True))
    if errors or snap_request is None:
        return jsonify(error_messages=errors), 400
    try:
        order = current_engine().create_snap(snap_request, notification_urls())
    except SnapRejected as exc:
        return jsonify(error_messages=exc.messages), 400
    redirect_url = public_url("pages.payment_page", token=order.token)
    return jsonify(token=order.token, redirect_url=redirect_url), 201


def _not_found() -> ResponseReturnValue:
    return jsonify(status_code="404", status_message="Transaction doesn't exist.", id=str(uuid.uuid4())), 404


@core_api.get("/<id_>/status")
@requires_server_key(CORE_UNAUTHORIZED)
def status(id_: str) -> ResponseReturnValue:
    # A Snap order whose customer has not picked a method has no transaction yet: 404, like Midtrans.
    tx = current_engine().find(id_)
    if tx is None:
        return _not_found()
    return jsonify(status_body(tx.fields, current_engine().settings.server_key))


@core_api.post("/<id_>/<any(cancel, expire, approve, deny):name>")
@requires_server_key(CORE_UNAUTHORIZED)
def transaction_action(id_: str, name: str) -> ResponseReturnValue:
    action, status_code, message = CORE_ACTIONS[name]
    try:
        tx = current_engine().act(id_, action)
    except NotFound:
        return _not_found()
    except NotAllowed:
        return jsonify(CANNOT_MODIFY), 412
    return jsonify(action_body(tx.fields, status_code, message))


@core_api.post("/<id_>/refund")
@requires_server_key(CORE_UNAUTHORIZED)
def refund(id_: str) -> ResponseReturnValue:
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        body = {}
    refund_key, reason = body.get("refund_key"), body.get("reason")
    if not isinstance(refund_key, (str, type(None))) or not isinstance(reason, (str, type(None))):
        return jsonify(status_code="400", status_message="refund_key and reason must be strings"), 400
    try:
        response = current_engine().refund(id_, refund_key, body.get("amount"), reason)
    except NotFound:
        return _not_found()
    except NotAllowed:
        return jsonify(CANNOT_MODIFY), 412
    except InvalidAmount:
        return jsonify(INVALID_REFUND_AMOUNT), 414
    return jsonify(response)
