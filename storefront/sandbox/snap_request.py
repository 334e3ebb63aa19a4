"""Validation of a Snap create-transaction body, with Midtrans's error wording where it is known.

Known wordings (midtrans.md §2.4 and messages seen from the real API): "... is required",
"... is not a number", "transaction_details.order_id too long", "item_details Name is required",
"item_details Name too long", "transaction_details.gross_amount is not equal to the sum of item_details".
The others follow the same pattern and are the sandbox's best guess.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard, cast

ORDER_ID_RE = re.compile(r"[A-Za-z0-9\-_.~]+")
ORDER_ID_MAX = 50
ITEM_TEXT_MAX = 50
TEXT_MAX = 255
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_CUSTOMER_TEXT = ("first_name", "last_name", "email", "phone")


@dataclass(frozen=True)
class Expiry:
    seconds: int
    start: float | None = None  # epoch; None = count from the moment a method is chosen


@dataclass(frozen=True)
class SnapRequest:
    order_id: str
    gross_amount: int
    item_details: list[Any]
    customer_details: dict[str, Any] | None
    finish_url: str | None
    error_url: str | None
    expiry: Expiry | None
    page_expiry_seconds: int | None
    custom_fields: dict[str, Any]
    enabled_payments: list[Any] | None


def _is_int(value: object) -> TypeGuard[int]:
    # bool is an int subclass in Python but `true` is not an amount; floats (even 150000.0) are rejected
    # because Midtrans wants integer rupiah and a float here means the merchant lost precision somewhere.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Errors(list[Any]):
    def integer(self, obj: dict[str, Any], key: str, label: str) -> bool:
        """Check that obj[key] is an integer amount/count; IDR has no minor unit, so decimals are refused."""
        value = obj.get(key)
        if value is None:
            self.append(f"{label} is required")
        elif not _is_number(value):
            self.append(f"{label} is not a number")
        elif not _is_int(value):
            self.append(f"{label} must be an integer")
        else:
            return True
        return False

    def text(self, obj: dict[str, Any], key: str, label: str, limit: int, required: bool = False) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.append(f"{label} is required")
            return None
        if not isinstance(value, str):
            self.append(f"{label} must be a string")
            return None
        if required and not value.strip():
            self.append(f"{label} is required")
            return None
        if len(value) > limit:
            self.append(f"{label} too long")
            return None
        return value


def _duration(errors: _Errors, obj: object, label: str) -> int | None:
    if not isinstance(obj, dict):
        errors.append(f"{label} must be an object")
        return None
    unit = obj.get("unit")
    duration = obj.get("duration")
    # "minute"/"minutes", "hour"/"hours", "day"/"days" are all accepted (official samples use plurals).
    seconds_per_unit = _UNIT_SECONDS.get(unit.lower().removesuffix("s")) if isinstance(unit, str) else None
    if seconds_per_unit is None:
        errors.append(f"{label}.unit is invalid")
    if not _is_int(duration) or duration <= 0:
        errors.append(f"{label}.duration must be a positive integer")
    if seconds_per_unit is None or not _is_int(duration) or duration <= 0:
        return None
    return duration * seconds_per_unit


def _expiry(errors: _Errors, obj: object) -> Expiry | None:
    seconds = _duration(errors, obj, "expiry")
    start = None
    if isinstance(obj, dict) and obj.get("start_time") is not None:
        try:
            start = datetime.strptime(obj["start_time"], "%Y-%m-%d %H:%M:%S %z").timestamp()
        except (TypeError, ValueError):
            errors.append("expiry.start_time must be in format yyyy-MM-dd HH:mm:ss Z")
    return Expiry(seconds, start) if seconds is not None else None


def _items(errors: _Errors, items: object) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        errors.append("item_details must be an array")
        return []
    cleaned = []
    for item in items:
        if not isinstance(item, dict):
            errors.append("item_details must be an array of objects")
            continue
        before = len(errors)
        # Prices may be negative: discounts are item lines (midtrans.md §2.2).
        errors.integer(item, "price", "item_details Price")
        if errors.integer(item, "quantity", "item_details Quantity") and item["quantity"] < 1:
            errors.append("item_details Quantity must be greater than or equal to 1")
        errors.text(item, "name", "item_details Name", ITEM_TEXT_MAX, required=True)
        for key in ("id", "brand", "category", "merchant_name", "url"):
            errors.text(item, key, f"item_details {key.replace('_', ' ').title()}", ITEM_TEXT_MAX)
        if len(errors) == before:
            cleaned.append({k: item[k] for k in ("id", "name", "price", "quantity", "brand", "category") if k in item})
    return cleaned


def _customer(errors: _Errors, customer: object) -> dict[str, Any] | None:
    if customer is None:
        return None
    if not isinstance(customer, dict):
        errors.append("customer_details must be an object")
        return None
    for key in _CUSTOMER_TEXT:
        errors.text(customer, key, f"customer_details.{key}", TEXT_MAX)
    return customer


def parse_snap_request(body: object) -> tuple[SnapRequest | None, list[str]]:
    """Return (request, []) when Midtrans would accept the body, else (None, error_messages)."""
    errors = _Errors()
    if not isinstance(body, dict):
        body = {}
    details = body.get("transaction_details")
    if not isinstance(details, dict):
        details = {}

    order_id = errors.text(details, "order_id", "transaction_details.order_id", ORDER_ID_MAX, required=True)
    if order_id is not None and not ORDER_ID_RE.fullmatch(order_id):
        errors.append("transaction_details.order_id contains invalid characters")

    gross = details.get("gross_amount")
    gross_valid = errors.integer(details, "gross_amount", "transaction_details.gross_amount")
    if gross_valid and _is_int(gross) and gross <= 0:
        errors.append("transaction_details.gross_amount must be greater than 0")
        gross_valid = False

    item_errors_before = len(errors)
    items = _items(errors, body["item_details"]) if body.get("item_details") is not None else []
    items_valid = len(errors) == item_errors_before
    if items and items_valid and gross_valid and sum(i["price"] * i["quantity"] for i in items) != gross:
        errors.append("transaction_details.gross_amount is not equal to the sum of item_details")

    customer = _customer(errors, body.get("customer_details"))

    callbacks = body.get("callbacks") or {}
    if not isinstance(callbacks, dict):
        errors.append("callbacks must be an object")
        callbacks = {}
    finish_url = errors.text(callbacks, "finish", "callbacks.finish", TEXT_MAX)
    error_url = errors.text(callbacks, "error", "callbacks.error", TEXT_MAX)

    expiry = _expiry(errors, body["expiry"]) if body.get("expiry") is not None else None
    page_expiry = _duration(errors, body["page_expiry"], "page_expiry") if body.get("page_expiry") is not None else None

    custom_fields = {}
    for key in ("custom_field1", "custom_field2", "custom_field3"):
        value = errors.text(body, key, key, TEXT_MAX)
        if value is not None:
            custom_fields[key] = value

    enabled = body.get("enabled_payments")
    if enabled is not None and (not isinstance(enabled, list) or not all(isinstance(v, str) for v in enabled)):
        errors.append("enabled_payments must be an array of strings")
        enabled = None

    if errors or order_id is None:  # a missing order_id is one of the errors
        return None, list(errors)
    return SnapRequest(
        order_id=order_id,
        gross_amount=cast(int, gross),  # checked above: no errors means a positive integer
        item_details=items,
        customer_details=customer,
        finish_url=finish_url,
        error_url=error_url,
        expiry=expiry,
        page_expiry_seconds=page_expiry,
        custom_fields=custom_fields,
        enabled_payments=enabled,
    ), []
