"""`flask payments simulate|reconcile`: drive and repair payments from a terminal or a PaaS scheduler."""

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import click
import requests
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..models import Order, PaymentAttempt
from .gateway import signature_for
from .recheck import reconcile
from .setup import gateway, uses_builtin_sandbox

payments_cli = AppGroup("payments", help="Midtrans payments: simulate notifications, reconcile.")

SIMULATED_STATUS_CODES = {
    "settlement": "200",
    "pending": "201",
    "expire": "202",
    "deny": "202",
    "cancel": "202",
    "refund": "200",
}


@payments_cli.command("simulate")
@click.argument("reference")
@click.argument("status", type=click.Choice(sorted(SIMULATED_STATUS_CODES)))
@click.option(
    "--url",
    default="http://127.0.0.1:5000/payments/notification",
    show_default=True,
    help="The running shop's notification URL.",
)
def simulate(reference: str, status: str, url: str) -> None:
    """Send a correctly signed Midtrans notification for an order to the running shop (like `stripe trigger`).

    With the built-in sandbox, the sandbox's transaction is first moved to STATUS, so the shop's check
    with the status API confirms it. Against real Midtrans the status API decides, as it should.
    """
    order = db.session.execute(
        db.select(Order).where(Order.reference == reference.strip().upper())
    ).scalar_one_or_none()
    if order is None or order.current_attempt is None:
        raise click.ClickException(f"No order with a payment attempt has reference {reference!r}.")
    attempt = order.current_attempt
    body = _notification_body(attempt, status)
    response = requests.post(url, json=body, headers={"User-Agent": "Veritrans"}, timeout=15)
    click.echo(
        f"Sent {status} for {attempt.midtrans_order_id} to {url}: HTTP {response.status_code} {response.text.strip()}"
    )


def _notification_body(attempt: PaymentAttempt, status: str) -> dict[str, Any]:
    gateway_settings = gateway().config
    if uses_builtin_sandbox(current_app.config):
        response = requests.post(
            f"{gateway_settings.api_base_url}/sandbox/transactions/{attempt.midtrans_order_id}/state",
            json={"transaction_status": status, "notify": False},
            timeout=15,
        )
        response.raise_for_status()
        body: dict[str, Any] = {k: v for k, v in response.json().items() if k in _NOTIFICATION_FIELDS}
    else:
        body = {
            "transaction_time": datetime.now(timezone(timedelta(hours=7))).strftime("%Y-%m-%d %H:%M:%S"),
            "transaction_status": status,
            "transaction_id": attempt.transaction_id or "simulated",
            "status_message": "midtrans payment notification",
            "payment_type": attempt.payment_type or "bank_transfer",
            "order_id": attempt.midtrans_order_id,
            "gross_amount": f"{attempt.gross_amount_idr}.00",
            "currency": "IDR",
            "fraud_status": "accept",
        }
    body["status_code"] = body.get("status_code") or SIMULATED_STATUS_CODES[status]
    body["gross_amount"] = body.get("gross_amount") or f"{attempt.gross_amount_idr}.00"
    body["status_message"] = "midtrans payment notification"
    body["signature_key"] = signature_for(
        body["order_id"], body["status_code"], body["gross_amount"], gateway_settings.server_key
    )
    return body


_NOTIFICATION_FIELDS = {
    "transaction_time",
    "transaction_status",
    "transaction_id",
    "status_code",
    "payment_type",
    "order_id",
    "merchant_id",
    "gross_amount",
    "currency",
    "fraud_status",
    "settlement_time",
    "expiry_time",
    "va_numbers",
    "payment_amounts",
    "permata_va_number",
    "biller_code",
    "bill_key",
    "store",
    "payment_code",
    "masked_card",
    "bank",
    "card_type",
    "approval_code",
    "refund_amount",
    "refunds",
    "custom_field1",
}


@payments_cli.command("reconcile")
@click.option("--older-than", type=int, default=None, help="Minutes (default RECONCILE_AFTER_MINUTES).")
def reconcile_command(older_than: int | None) -> None:
    """Re-check unfinished payments with the Midtrans status API and apply what it says."""
    results = reconcile(older_than_minutes=older_than)
    if not results:
        click.echo("Nothing to reconcile.")
    for midtrans_order_id, message in results:
        click.echo(f"{midtrans_order_id}: {message}")
    click.echo(json.dumps({"checked": len(results)}))
