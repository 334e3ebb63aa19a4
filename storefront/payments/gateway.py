"""Long because it is the one door to Midtrans: the only module that imports `midtransclient`.

It knows nothing of Flask or the database. It builds Snap requests from plain data, sends them with
timeouts, verifies notification signatures and turns Midtrans answers into small dataclasses. Every
failure (timeout, refused connection, 4xx/5xx, non-JSON) becomes one `GatewayError` whose message is
safe to log: it never contains the server key.
"""

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import midtransclient
import requests

# Midtrans reads times in Western Indonesia Time.
WIB = timezone(timedelta(hours=7))
MAX_NAME = 50
# Notification fields we keep; everything else (incl. the signature) is dropped from the event log.
_NOT_LOGGED = {"signature_key"}


class GatewayError(Exception):
    """Midtrans could not be used. `retryable` is True when trying again later may work."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        api_status: str | None = None,
        retryable: bool = True,
        messages: tuple[str, ...] | list[str] = (),
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.api_status = api_status
        self.retryable = retryable
        self.messages = tuple(messages)

    @property
    def order_id_taken(self) -> bool:
        """Snap refused the order_id because a payment attempt already exists (or was paid)."""
        text = " ".join(self.messages).lower()
        return "order_id" in text and ("taken" in text or "sudah digunakan" in text or "utilized" in text)


@dataclass(frozen=True)
class GatewayConfig:
    server_key: str
    is_production: bool = False
    snap_base_url: str = ""
    api_base_url: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 10.0

    def __repr__(self) -> str:
        # The default repr would print the server key into logs and tracebacks.
        return f"GatewayConfig(is_production={self.is_production}, snap_base_url={self.snap_base_url!r})"


@dataclass(frozen=True)
class SnapItem:
    id: str
    name: str
    price_idr: int
    quantity: int


@dataclass(frozen=True)
class SnapRequest:
    order_id: str
    gross_amount_idr: int
    items: tuple[SnapItem, ...]
    customer: dict[str, str]
    finish_url: str
    start_time: datetime
    expiry_minutes: int
    custom_field1: str = ""


@dataclass(frozen=True)
class SnapSession:
    token: str
    redirect_url: str


@dataclass(frozen=True)
class TransactionStatus:
    """What Midtrans says about one transaction (a status response or a notification body)."""

    order_id: str
    transaction_status: str
    status_code: str
    gross_amount: str
    fraud_status: str | None = None
    transaction_id: str | None = None
    payment_type: str | None = None
    currency: str | None = None
    refund_amount: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def gross_amount_idr(self) -> int | None:
        return parse_amount(self.gross_amount)

    @property
    def refunded_idr(self) -> int | None:
        return parse_amount(self.refund_amount) if self.refund_amount else 0

    def loggable(self) -> dict[str, Any]:
        return {k: v for k, v in self.raw.items() if k not in _NOT_LOGGED}

    def instructions(self) -> dict[str, str] | None:
        return payment_instructions(self.raw)


# Midtrans writes amounts as "150000.00". Matched by shape and length before any conversion: a signed
# "1e999999999" once made Decimal -> int build a billion-digit number and hang the worker.
_AMOUNT = re.compile(r"(\d{1,15})(?:\.(\d{1,2}))?")
# Longest value accepted in a field that must be echoed into the signature or looked up in the database;
# Midtrans's own are far shorter (order_id is at most 50 characters).
MAX_FIELD_LENGTH = 200


def parse_amount(text: object) -> int | None:
    """'150000.00' -> 150000. None if it is not a whole rupiah amount (IDR has no minor unit)."""
    match = _AMOUNT.fullmatch(str(text)) if isinstance(text, (str, int)) and not isinstance(text, bool) else None
    if match is None or (match.group(2) or "0").strip("0"):
        return None
    return int(match.group(1))


def signature_for(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    """SHA-512 of order_id + status_code + gross_amount + server key, over the strings as received."""
    text = f"{order_id}{status_code}{gross_amount}{server_key}"
    return hashlib.sha512(text.encode("utf-8")).hexdigest()


def verify_signature(payload: Any, server_key: str) -> bool:
    """Constant-time check of a notification's `signature_key`. Never raises on odd input."""
    try:
        claimed = payload["signature_key"]
        fields = [payload["order_id"], payload["status_code"], payload["gross_amount"]]
    except (KeyError, TypeError):
        return False
    if not isinstance(claimed, str) or not all(_plain_value(f) for f in fields):
        return False
    # Some Midtrans samples send numbers; the signature is over their text form.
    order_id, status_code, gross_amount = (str(f) for f in fields)
    expected = signature_for(order_id, status_code, gross_amount, server_key)
    return hmac.compare_digest(expected.encode(), claimed.strip().lower().encode("utf-8", "replace"))


def parse_transaction(payload: object) -> TransactionStatus | None:
    """A TransactionStatus from a notification or status body; None if required fields are missing."""
    if not isinstance(payload, dict):
        return None
    required = ("order_id", "transaction_status", "status_code", "gross_amount")
    if any(not _plain_value(payload.get(k)) for k in required):
        return None

    def text(key: str) -> str | None:
        value = payload.get(key)
        return str(value) if _plain_value(value) else None

    return TransactionStatus(
        order_id=str(payload["order_id"]),
        transaction_status=str(payload["transaction_status"]),
        status_code=str(payload["status_code"]),
        gross_amount=str(payload["gross_amount"]),
        fraud_status=text("fraud_status"),
        transaction_id=text("transaction_id"),
        payment_type=text("payment_type"),
        currency=text("currency"),
        refund_amount=text("refund_amount"),
        raw=payload,
    )


def _plain_value(value: object) -> bool:
    """A short string or number that can be signed, logged and looked up: no NUL (PostgreSQL text
    cannot hold it), no lone surrogate (not encodable as UTF-8), no thousands of digits."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    if isinstance(value, int):
        return -(10**18) < value < 10**18
    if len(value) > MAX_FIELD_LENGTH or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def payment_instructions(raw: dict[str, Any]) -> dict[str, str] | None:
    """How the shopper pays, from a verified body: VA number, bill key, store code, or e-wallet."""
    payment_type = raw.get("payment_type")
    if payment_type == "bank_transfer":
        if raw.get("permata_va_number"):
            return {"kind": "va", "bank": "permata", "va_number": str(raw["permata_va_number"])}
        numbers = raw.get("va_numbers") or []
        if numbers and isinstance(numbers[0], dict):
            return {
                "kind": "va",
                "bank": str(numbers[0].get("bank", "")),
                "va_number": str(numbers[0].get("va_number", "")),
            }
    if payment_type == "echannel":
        return {
            "kind": "bill",
            "bank": "mandiri",
            "biller_code": str(raw.get("biller_code", "")),
            "bill_key": str(raw.get("bill_key", "")),
        }
    if payment_type == "cstore":
        return {"kind": "store", "store": str(raw.get("store", "")), "payment_code": str(raw.get("payment_code", ""))}
    if payment_type in {"gopay", "qris", "shopeepay"}:
        return {"kind": "ewallet", "provider": payment_type}
    if payment_type == "credit_card":
        return {"kind": "card", "masked_card": str(raw.get("masked_card", ""))}
    return None


def build_snap_payload(request: SnapRequest) -> dict[str, Any]:
    """The Snap body. item_details must sum exactly to gross_amount (Midtrans rejects otherwise)."""
    items: list[dict[str, Any]] = [
        {
            "id": item.id[:MAX_NAME],
            "name": item.name[:MAX_NAME],
            "price": int(item.price_idr),
            "quantity": int(item.quantity),
        }
        for item in request.items
    ]
    item_sum = sum(i["price"] * i["quantity"] for i in items)
    if item_sum != request.gross_amount_idr:
        raise ValueError(f"item_details sum {item_sum} != gross_amount {request.gross_amount_idr}")
    customer = request.customer
    address = {
        "first_name": customer["first_name"],
        "last_name": customer["last_name"],
        "email": customer["email"],
        "phone": customer["phone"],
        "address": customer["address"],
        "city": customer["city"],
        "postal_code": customer["postal_code"],
        "country_code": "IDN",
    }
    payload = {
        "transaction_details": {"order_id": request.order_id, "gross_amount": int(request.gross_amount_idr)},
        "item_details": items,
        "customer_details": {
            "first_name": customer["first_name"],
            "last_name": customer["last_name"],
            "email": customer["email"],
            "phone": customer["phone"],
            "billing_address": address,
            "shipping_address": address,
        },
        "callbacks": {"finish": request.finish_url},
        "credit_card": {"secure": True},
        "expiry": {
            "start_time": request.start_time.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S %z"),
            "unit": "minutes",
            "duration": int(request.expiry_minutes),
        },
    }
    if request.custom_field1:
        payload["custom_field1"] = request.custom_field1
    return payload


def split_name(full_name: str) -> tuple[str, str]:
    """Midtrans wants first/last; BCA VA shows at most 30 characters of both together."""
    parts = full_name.strip().split(None, 1)
    first = parts[0] if parts else ""
    last = parts[1] if len(parts) > 1 else ""
    return first[:30], last[: max(0, 30 - len(first) - 1)]


class _TimeoutSession(requests.Session):
    """midtransclient passes no timeout, so a hung Midtrans would pin a worker forever."""

    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__()
        self._timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self._timeout)
        return super().request(method, url, **kwargs)


class MidtransGateway:
    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        self._session = _TimeoutSession((config.connect_timeout, config.read_timeout))
        self._core = self._client(midtransclient.CoreApi, {})

    def _client(self, cls: Any, headers: dict[str, str]) -> Any:
        # Always pass a fresh headers dict: the library's default dict is shared by every client.
        client = cls(is_production=self.config.is_production, server_key=self.config.server_key, custom_headers=headers)
        client.http_client.http_client = self._session
        if self.config.snap_base_url:
            client.api_config.SNAP_SANDBOX_BASE_URL = self.config.snap_base_url.rstrip("/")
            client.api_config.SNAP_PRODUCTION_BASE_URL = self.config.snap_base_url.rstrip("/")
        if self.config.api_base_url:
            client.api_config.CORE_SANDBOX_BASE_URL = self.config.api_base_url.rstrip("/")
            client.api_config.CORE_PRODUCTION_BASE_URL = self.config.api_base_url.rstrip("/")
        return client

    # -- Snap ---------------------------------------------------------------------------------------
    def create_snap_session(self, snap_request: SnapRequest, notification_url: str | None = None) -> SnapSession:
        payload = build_snap_payload(snap_request)
        headers = {"X-Override-Notification": notification_url} if notification_url else {}
        # A client per call: the notification header differs per call and threads share the gateway.
        snap = self._client(midtransclient.Snap, headers)
        body = self._call("Snap create", snap.create_transaction, payload)
        token, redirect_url = body.get("token"), body.get("redirect_url")
        if not isinstance(token, str) or not isinstance(redirect_url, str) or not redirect_url.startswith("http"):
            raise GatewayError("Snap create: response without token/redirect_url", retryable=True)
        return SnapSession(token=token, redirect_url=redirect_url)

    # -- Core API -----------------------------------------------------------------------------------
    def get_status(self, order_id: str) -> TransactionStatus | None:
        """The transaction's status, or None if Midtrans has none (Snap: no method chosen yet)."""
        try:
            body = self._call("status", self._core.transactions.status, quote(order_id, safe=""))
        except GatewayError as exc:
            if exc.api_status == "404" or (exc.http_status == 404 and exc.api_status is None):
                return None
            raise
        status = parse_transaction(body)
        if status is None:
            raise GatewayError("status: response without the transaction fields", retryable=True)
        return status

    def cancel(self, order_id: str) -> Any:
        return self._action("cancel", self._core.transactions.cancel, order_id)

    def expire(self, order_id: str) -> Any:
        return self._action("expire", self._core.transactions.expire, order_id)

    def approve(self, order_id: str) -> Any:
        return self._action("approve", self._core.transactions.approve, order_id)

    def deny(self, order_id: str) -> Any:
        return self._action("deny", self._core.transactions.deny, order_id)

    def refund(self, order_id: str, amount_idr: int, refund_key: str, reason: str) -> Any:
        params = {"refund_key": refund_key, "amount": int(amount_idr), "reason": reason[:255]}
        return self._call("refund", self._core.transactions.refund, quote(order_id, safe=""), params)

    def _action(self, name: str, method: Callable[..., Any], order_id: str) -> Any:
        return self._call(name, method, quote(order_id, safe=""))

    def _call(self, what: str, method: Callable[..., Any], *args: Any) -> Any:
        """The JSON Midtrans answered, as the library decoded it (callers check its shape)."""
        try:
            return method(*args)
        except midtransclient.error_midtrans.MidtransAPIError as exc:
            body = exc.api_response_dict if isinstance(exc.api_response_dict, dict) else {}
            messages = body.get("error_messages") or [body.get("status_message") or ""]
            messages = [str(m)[:200] for m in messages if m]
            api_status = str(body["status_code"]) if "status_code" in body else None
            http_status = exc.http_status_code
            retryable = http_status is None or http_status >= 500 or http_status in (408, 429)
            raise GatewayError(
                f"{what}: Midtrans answered HTTP {http_status}"
                + (f" status_code {api_status}" if api_status else "")
                + (f": {'; '.join(messages)}" if messages else ""),
                http_status=http_status,
                api_status=api_status,
                retryable=retryable,
                messages=messages,
            ) from None
        except midtransclient.error_midtrans.JSONDecodeError:
            raise GatewayError(f"{what}: Midtrans answered something that is not JSON") from None
        except requests.Timeout:
            raise GatewayError(f"{what}: Midtrans did not answer in time") from None
        except requests.ConnectionError:
            raise GatewayError(f"{what}: could not connect to Midtrans") from None
        except (requests.RequestException, ValueError, AttributeError, TypeError, KeyError) as exc:
            # Includes garbage JSON the library cannot read (a list, a non-numeric status_code).
            raise GatewayError(f"{what}: request failed ({type(exc).__name__})") from None
