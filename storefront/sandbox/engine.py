"""Long because the sandbox's whole state machine lives under one lock: Snap sessions, payment attempts,
their moves, refunds and the notifications they send.

Views (Snap API, Core API, payment pages, control endpoints) translate HTTP into these calls and
these exceptions back into Midtrans-shaped answers.
"""

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from typing import Any

from .methods import (
    FULL_REFUND_ONLY_PAYMENT_TYPES,
    METHODS,
    REFUNDABLE_PAYMENT_TYPES,
    TEST_CARDS,
    PaymentMethod,
    card_fields,
    enabled_methods,
    method_for_payment_type,
    normalise_card_number,
)
from .notifier import Notifier
from .payloads import amount_str, midtrans_time, notification_body
from .settings import SandboxSettings
from .snap_request import SnapRequest
from .store import SnapOrder, Store, StoreSession, Transaction

log = logging.getLogger(__name__)

DEFAULT_PAYMENT_EXPIRY_SECONDS = 24 * 3600
DEFAULT_PAGE_EXPIRY_SECONDS = 24 * 3600
# "Paid" for the duplicate-order rule: Midtrans answers "has been paid and utilized" for these.
PAID_STATUSES = frozenset({"capture", "settlement", "refund", "partial_refund"})
FORCEABLE_STATUSES = frozenset({"settlement", "pending", "expire", "deny", "cancel", "refund"})


class NotFound(Exception):
    pass


class SnapRejected(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class NotAllowed(Exception):
    """The transaction's state does not allow the action (Midtrans answers 412)."""

    def __init__(self, transaction: Transaction) -> None:
        super().__init__(transaction.status)
        self.transaction = transaction


class InvalidAmount(Exception):
    pass


class PageError(Exception):
    """Something a person did on the payment page that the page explains instead of doing."""


class UnknownTestCard(PageError):
    pass


@dataclass(frozen=True)
class Action:
    from_statuses: frozenset[str]
    to_status: str
    when_fraud: str | None = None
    sets_fraud: str | None = None

    def allows(self, fields: dict[str, Any]) -> bool:
        return fields["transaction_status"] in self.from_statuses and (
            self.when_fraud is None or fields.get("fraud_status") == self.when_fraud
        )


# The only forward transitions the sandbox performs (midtrans.md §5.1, §6.2–6.4). Refunds have their
# own rules below because they also depend on payment type and amount.
ACTIONS = {
    "pay": Action(frozenset({"pending"}), "settlement"),
    "deny": Action(frozenset({"pending"}), "deny"),
    "expire": Action(frozenset({"pending"}), "expire"),
    "cancel": Action(frozenset({"pending", "capture", "authorize"}), "cancel"),
    "approve": Action(frozenset({"capture"}), "capture", when_fraud="challenge", sets_fraud="accept"),
    "reject": Action(frozenset({"capture"}), "deny", when_fraud="challenge", sets_fraud="deny"),
}


@dataclass(frozen=True)
class PageState:
    order: SnapOrder
    transaction: Transaction | None
    page_expired: bool

    @property
    def methods(self) -> list[PaymentMethod]:
        return enabled_methods(self.order.enabled_payments)


def parse_idr(amount: str) -> int:
    return int(Decimal(amount))


class SandboxEngine:
    def __init__(
        self, settings: SandboxSettings, store: Store, notifier: Notifier, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self._store = store
        self._notifier = notifier
        self._clock = clock

    def close(self) -> None:
        self._notifier.close()

    def wait_for_notifications(self, timeout: float = 5.0) -> bool:
        return self._notifier.wait_idle(timeout)

    # --- Snap -------------------------------------------------------------------------------
    def create_snap(self, request: SnapRequest, notification_urls: Iterable[str]) -> SnapOrder:
        now = self._clock()
        with self._store.write() as s:
            if s.order(request.order_id) is not None:
                latest = s.latest_transaction(request.order_id)
                if latest is not None and latest.status in PAID_STATUSES:
                    raise SnapRejected(
                        ["transaction_details.order_id has been paid and utilized, please use another order ID"]
                    )
                if latest is not None:
                    raise SnapRejected(["transaction_details.order_id has already been taken"])
                # No method chosen yet: Midtrans issues a fresh token and the old one stops working.
            order = SnapOrder(
                order_id=request.order_id,
                token=str(uuid.uuid4()),
                gross_amount=request.gross_amount,
                item_details=request.item_details,
                customer_details=request.customer_details,
                finish_url=request.finish_url,
                error_url=request.error_url,
                custom_fields=request.custom_fields,
                enabled_payments=request.enabled_payments,
                expiry_seconds=request.expiry.seconds if request.expiry else None,
                expiry_start=request.expiry.start if request.expiry else None,
                notification_urls=list(notification_urls),
                created_at=now,
                page_expires_at=now + self._page_lifetime(request, now),
            )
            s.save_order(order)
        return order

    @staticmethod
    def _page_lifetime(request: SnapRequest, now: float) -> float:
        # Priority: page_expiry > expiry > default (midtrans.md §2.2).
        if request.page_expiry_seconds:
            return request.page_expiry_seconds
        if request.expiry:
            return (request.expiry.start or now) + request.expiry.seconds - now
        return DEFAULT_PAGE_EXPIRY_SECONDS

    def page(self, token: str) -> PageState:
        with self._store.read() as s:
            order = s.order_by_token(token)
            if order is None:
                raise NotFound(token)
            tx = s.latest_transaction(order.order_id)
        return PageState(order, self._expire_if_due(tx), self._clock() >= order.page_expires_at)

    def choose_method(self, token: str, method_key: str) -> tuple[SnapOrder, Transaction]:
        method = METHODS.get(method_key)
        if method is None or method.key == "credit_card":
            raise PageError("Choose one of the listed payment methods.")
        return self._start_attempt(token, method, partial(self._new_transaction, method=method))

    def check_card_page(self, token: str) -> PageState:
        state = self.page(token)
        self._ensure_can_start(state.order, state.transaction, METHODS["credit_card"])
        return state

    def charge_card(self, token: str, card_number: str) -> tuple[SnapOrder, Transaction]:
        number = normalise_card_number(card_number)
        outcome = TEST_CARDS.get(number)
        if outcome is None:
            raise UnknownTestCard("Use one of the sandbox test cards, e.g. 4811 1111 1111 1114.")

        def build(order: SnapOrder, now: float) -> Transaction:
            return self._new_transaction(
                order,
                now,
                method=METHODS["credit_card"],
                status=outcome.transaction_status,
                fraud_status=outcome.fraud_status,
                extra=card_fields(number, outcome),
            )

        return self._start_attempt(token, METHODS["credit_card"], build)

    def _start_attempt(
        self, token: str, method: PaymentMethod, build: Callable[[SnapOrder, float], Transaction]
    ) -> tuple[SnapOrder, Transaction]:
        now = self._clock()
        with self._store.write() as s:
            order = s.order_by_token(token)
            if order is None:
                raise NotFound(token)
            self._ensure_can_start(order, s.latest_transaction(order.order_id), method)
            tx = build(order, now)
            s.save_transaction(tx)
            s.after_commit(partial(self._notify, order, tx))
        return order, tx

    def _ensure_can_start(self, order: SnapOrder, latest: Transaction | None, method: PaymentMethod) -> None:
        # Snap allows another attempt after a declined one (e.g. a second card), nothing else.
        if latest is not None and latest.status != "deny":
            raise PageError("A payment method was already chosen for this order.")
        if self._clock() >= order.page_expires_at:
            raise PageError("This payment page has expired.")
        if method not in enabled_methods(order.enabled_payments):
            raise PageError(f"{method.label} is not available for this order.")

    def page_action(self, token: str, action: str) -> tuple[SnapOrder, Transaction]:
        state = self.page(token)
        if state.transaction is None:
            raise PageError("Choose a payment method first.")
        return state.order, self._apply(state.transaction.transaction_id, action)

    # --- Core API -------------------------------------------------------------------------------
    def find(self, id_: str) -> Transaction | None:
        with self._store.read() as s:
            tx = s.find_transaction(id_)
        return self._expire_if_due(tx)

    def act(self, id_: str, action: str) -> Transaction:
        tx = self.find(id_)
        if tx is None:
            raise NotFound(id_)
        return self._apply(tx.transaction_id, action)

    def refund(self, id_: str, refund_key: str | None, amount: object, reason: str | None) -> dict[str, Any]:
        tx = self.find(id_)
        if tx is None:
            raise NotFound(id_)
        refund_key = refund_key or f"sandbox-{uuid.uuid4().hex}"
        with self._store.write() as s:
            tx = s.known_transaction(tx.transaction_id)
            # A repeated refund_key answers like the first call and refunds nothing more (idempotency).
            earlier = s.refund_response(tx.transaction_id, refund_key)
            if earlier is not None:
                return earlier
            if (
                tx.status not in ("settlement", "partial_refund")
                or tx.fields["payment_type"] not in REFUNDABLE_PAYMENT_TYPES
            ):
                raise NotAllowed(tx)
            order = s.known_order(tx.order_id)
            remaining = order.gross_amount - _refunded_idr(tx.fields)
            if amount is None:
                amount = remaining
            if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= remaining:
                raise InvalidAmount(amount)
            # The docs say these methods refuse a partial refund without naming the code: the amount is
            # what is wrong, so it is refused like any amount the transaction does not allow (414).
            if tx.fields["payment_type"] in FULL_REFUND_ONLY_PAYMENT_TYPES and amount != order.gross_amount:
                raise InvalidAmount(amount)
            tx, entry = self._with_refund(s, order, tx, amount, refund_key, reason or "")
            s.save_transaction(tx)
            response = {
                "status_code": "200",
                "status_message": "Success, refund request is approved",
                **{
                    k: tx.fields[k]
                    for k in (
                        "transaction_id",
                        "order_id",
                        "gross_amount",
                        "currency",
                        "payment_type",
                        "transaction_time",
                        "transaction_status",
                    )
                },
                "refund_chargeback_id": entry["refund_chargeback_id"],
                "refund_amount": entry["refund_amount"],
                "refund_key": refund_key,
            }
            s.set_refund_response(entry["refund_chargeback_id"], response)
            s.after_commit(partial(self._notify, order, tx))
        return response

    def _with_refund(
        self, s: StoreSession, order: SnapOrder, tx: Transaction, amount: int, refund_key: str, reason: str
    ) -> tuple[Transaction, dict[str, Any]]:
        when = midtrans_time(self._clock())
        entry = {
            "refund_chargeback_id": s.add_refund(tx.transaction_id, refund_key),
            "refund_amount": amount_str(amount),
            "created_at": when,
            "reason": reason,
            "refund_key": refund_key,
            "refund_method": "online",
            # Real refunds notify twice, the second time with bank_confirmed_at; the sandbox confirms at once.
            "bank_confirmed_at": when,
        }
        refunded = _refunded_idr(tx.fields) + amount
        fields = dict(
            tx.fields,
            transaction_status="refund" if refunded == order.gross_amount else "partial_refund",
            refund_amount=amount_str(refunded),
            refunds=[*tx.fields.get("refunds", []), entry],
        )
        return replace(tx, fields=fields), entry

    # --- control (sandbox-only) -------------------------------------------------------------------
    def snapshot(self, order_id: str) -> tuple[SnapOrder, list[Transaction]]:
        self.find(order_id)  # lets a due expiry happen before anyone looks
        with self._store.read() as s:
            order = s.order(order_id)
            if order is None:  # also when a transaction id is given for the order id
                raise NotFound(order_id)
            return order, s.transactions(order_id)

    def deliveries(self, order_id: str | None = None) -> list[dict[str, Any]]:
        with self._store.read() as s:
            return s.deliveries(order_id)

    def force_state(self, order_id: str, status: str, payment_type: str | None, notify: bool) -> Transaction:
        if status not in FORCEABLE_STATUSES:
            raise ValueError(f"transaction_status must be one of {', '.join(sorted(FORCEABLE_STATUSES))}")
        method = method_for_payment_type(payment_type or "bank_transfer")
        if method is None:
            raise ValueError(f"unknown payment_type {payment_type!r}")
        now = self._clock()
        with self._store.write() as s:
            order = s.order(order_id)
            if order is None:
                raise NotFound(order_id)
            tx = s.latest_transaction(order_id)
            if tx is None:
                tx = self._forced_attempt(order, now, method)
            tx = replace(tx, fields=dict(tx.fields, transaction_status=status))
            if status == "settlement":
                tx = replace(tx, fields=self._settled(tx.fields, now))
            elif status == "refund" and (remaining := order.gross_amount - _refunded_idr(tx.fields)) > 0:
                tx, _ = self._with_refund(
                    s, order, tx, remaining, f"sandbox-{uuid.uuid4().hex}", "forced by the sandbox control API"
                )
            s.save_transaction(tx)
            if notify:
                s.after_commit(partial(self._notify, order, tx))
        return tx

    def _forced_attempt(self, order: SnapOrder, now: float, method: PaymentMethod) -> Transaction:
        if method.key != "credit_card":
            return self._new_transaction(order, now, method=method)
        number = "4811111111111114"
        return self._new_transaction(
            order, now, method=method, status="capture", extra=card_fields(number, TEST_CARDS[number])
        )

    # --- expiry ---------------------------------------------------------------------------------
    def expire_overdue(self) -> int:
        """Expire every pending transaction past its expiry_time; returns how many this call expired."""
        with self._store.read() as s:
            due = s.due_transaction_ids(self._clock())
        expired = 0
        for transaction_id in due:
            try:
                self._apply(transaction_id, "expire")
                expired += 1
            except NotAllowed:
                pass  # paid, cancelled or expired by someone else (another request, another process) meanwhile
        return expired

    def _expire_if_due(self, tx: Transaction | None) -> Transaction | None:
        # Expiry also happens lazily on every read, so the answer is right even between sweeps
        # or in an app run without the sweeper (e.g. through a Flask test client).
        if tx is None or tx.status != "pending" or tx.expires_at is None or tx.expires_at > self._clock():
            return tx
        try:
            return self._apply(tx.transaction_id, "expire")
        except NotAllowed as exc:
            return exc.transaction

    # --- internals ------------------------------------------------------------------------------
    def _apply(self, transaction_id: str, name: str) -> Transaction:
        action = ACTIONS[name]
        now = self._clock()
        with self._store.write() as s:
            tx = s.known_transaction(transaction_id)
            if not action.allows(tx.fields):
                raise NotAllowed(tx)
            fields = dict(tx.fields, transaction_status=action.to_status)
            if action.sets_fraud:
                fields["fraud_status"] = action.sets_fraud
            if action.to_status == "settlement":
                fields = self._settled(fields, now)
            tx = replace(tx, fields=fields)
            s.save_transaction(tx)
            s.after_commit(partial(self._notify, s.known_order(tx.order_id), tx))
        return tx

    @staticmethod
    def _settled(fields: dict[str, Any], now: float) -> dict[str, Any]:
        when = midtrans_time(now)
        fields = dict(fields, settlement_time=when)
        if "payment_amounts" in fields:
            fields["payment_amounts"] = [{"paid_at": when, "amount": fields["gross_amount"]}]
        return fields

    def _new_transaction(
        self,
        order: SnapOrder,
        now: float,
        *,
        method: PaymentMethod,
        status: str = "pending",
        fraud_status: str = "accept",
        extra: dict[str, Any] | None = None,
    ) -> Transaction:
        transaction_id = str(uuid.uuid4())
        fields = {
            "transaction_time": midtrans_time(now),
            "transaction_status": status,
            "transaction_id": transaction_id,
            "payment_type": method.payment_type,
            "order_id": order.order_id,
            "merchant_id": self.settings.merchant_id,
            "gross_amount": amount_str(order.gross_amount),
            "currency": "IDR",
        }
        if method.has_fraud_status:
            fields["fraud_status"] = fraud_status
        expires_at = None
        if status == "pending":
            expires_at = (order.expiry_start or now) + (order.expiry_seconds or DEFAULT_PAYMENT_EXPIRY_SECONDS)
            fields["expiry_time"] = midtrans_time(expires_at)
        fields.update(extra if extra is not None else method.new_fields())
        fields.update(order.custom_fields)
        return Transaction(transaction_id, order.order_id, expires_at, fields)

    def _notify(self, order: SnapOrder, tx: Transaction) -> None:
        if not order.notification_urls:
            log.info("sandbox: no notification URL for order %s; %s not sent", order.order_id, tx.status)
            return
        body = notification_body(tx.fields, self.settings.server_key)
        self._notifier.send(order.order_id, tx.transaction_id, order.notification_urls, body)


def _refunded_idr(fields: dict[str, Any]) -> int:
    return sum(parse_idr(entry["refund_amount"]) for entry in fields.get("refunds", []))
