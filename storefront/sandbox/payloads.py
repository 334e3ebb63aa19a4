"""Midtrans-shaped bodies: time and amount formats, status codes, signatures, notification/status views.

Everything a merchant's code parses or hashes is produced here, so the exact wire formats live in one place.
"""

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

# Midtrans reports every timestamp in Western Indonesian Time, without a zone suffix.
WIB = timezone(timedelta(hours=7), "WIB")

NOTIFICATION_MESSAGE = "midtrans payment notification"
STATUS_FOUND_MESSAGE = "Success, transaction is found"

# The status_code that accompanies each event (midtrans.md §4.3). It is the API-result code of the
# event, not a second copy of the state: pending and challenged captures are "201", failures "202".
_EVENT_STATUS_CODES = {
    "pending": "201",
    "capture": "200",
    "authorize": "200",
    "settlement": "200",
    "refund": "200",
    "partial_refund": "200",
    "deny": "202",
    "cancel": "202",
    "expire": "202",
}


def midtrans_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, WIB).strftime("%Y-%m-%d %H:%M:%S")


def amount_str(idr: int) -> str:
    """Midtrans sends IDR amounts as strings with two decimals ("150000.00"); signatures hash this text."""
    return f"{idr}.00"


def rupiah(idr: int) -> str:
    """Display format used on the payment pages: Rp150.000 (dot as thousands separator, no decimals)."""
    sign = "-" if idr < 0 else ""
    return f"{sign}Rp{abs(idr):,}".replace(",", ".")


def signature_key(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    # Plain concatenation of the exact strings placed in the body (midtrans.md §4.4).
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def event_status_code(fields: dict[str, Any]) -> str:
    """status_code of a notification or a finish redirect for this transaction state."""
    if fields["transaction_status"] == "capture" and fields.get("fraud_status") == "challenge":
        return "201"
    return _EVENT_STATUS_CODES[fields["transaction_status"]]


def status_api_code(fields: dict[str, Any]) -> str:
    # GET status answers an expired transaction with the non-standard "407" (midtrans.md §4.3, §6.1),
    # while the expire notification itself carries "202".
    if fields["transaction_status"] == "expire":
        return "407"
    return event_status_code(fields)


def _signed(fields: dict[str, Any], status_code: str, status_message: str, server_key: str) -> dict[str, Any]:
    body = {
        "status_code": status_code,
        "status_message": status_message,
        **fields,
    }
    body["signature_key"] = signature_key(fields["order_id"], status_code, fields["gross_amount"], server_key)
    return body


def notification_body(fields: dict[str, Any], server_key: str) -> dict[str, Any]:
    return _signed(fields, event_status_code(fields), NOTIFICATION_MESSAGE, server_key)


def status_body(fields: dict[str, Any], server_key: str) -> dict[str, Any]:
    return _signed(fields, status_api_code(fields), STATUS_FOUND_MESSAGE, server_key)


def action_body(fields: dict[str, Any], status_code: str, status_message: str) -> dict[str, Any]:
    """Response of a Core API action (cancel, expire, approve, deny): the transaction, unsigned."""
    return {"status_code": status_code, "status_message": status_message, **fields}
