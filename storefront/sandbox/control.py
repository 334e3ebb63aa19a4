"""Sandbox-only control endpoints for the shop's CLI and tests. No auth: the sandbox holds no real money.

Real Midtrans has nothing like these; a shop must only call them when it is configured for the sandbox.
"""

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from .api import public_url
from .app import current_engine
from .engine import NotFound
from .payloads import amount_str, status_body
from .store import SnapOrder, Transaction

control = Blueprint("control", __name__, url_prefix="/sandbox")


def transaction_json(order: SnapOrder, transactions: list[Transaction]) -> dict[str, Any]:
    """The order's latest attempt as GET status would show it, plus what only the sandbox knows."""
    key = current_engine().settings.server_key
    latest = transactions[-1] if transactions else None
    head = (
        status_body(latest.fields, key)
        if latest
        else {
            "order_id": order.order_id,
            "gross_amount": amount_str(order.gross_amount),
            "currency": "IDR",
        }
    )
    snap = None
    if order is not None:
        snap = {
            "token": order.token,
            "redirect_url": public_url("pages.payment_page", token=order.token),
            "notification_urls": order.notification_urls,
            "finish_url": order.finish_url,
            "error_url": order.error_url,
            "item_details": order.item_details,
            "customer_details": order.customer_details,
            "enabled_payments": order.enabled_payments,
        }
    return {**head, "snap": snap, "attempts": [tx.fields for tx in transactions]}


def _no_such_order(order_id: str) -> ResponseReturnValue:
    return jsonify(error=f"no sandbox transaction for order_id {order_id!r}"), 404


@control.get("/transactions/<order_id>")
def show_transaction(order_id: str) -> ResponseReturnValue:
    try:
        order, transactions = current_engine().snapshot(order_id)
    except NotFound:
        return _no_such_order(order_id)
    return jsonify(transaction_json(order, transactions))


@control.post("/transactions/<order_id>/state")
def force_state(order_id: str) -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("transaction_status"), str):
        return jsonify(error="send JSON with a transaction_status"), 400
    if not isinstance(body.get("payment_type"), (str, type(None))):
        return jsonify(error="payment_type must be a string"), 400
    engine = current_engine()
    try:
        engine.force_state(
            order_id, body["transaction_status"], body.get("payment_type"), notify=bool(body.get("notify", True))
        )
    except NotFound:
        return _no_such_order(order_id)
    except ValueError as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(transaction_json(*engine.snapshot(order_id)))


@control.get("/notifications")
def notifications() -> ResponseReturnValue:
    return jsonify(current_engine().deliveries(request.args.get("order_id")))
