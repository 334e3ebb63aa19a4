"""Before and after a refund call: is the payment settled (a capture can only be voided), and why did
Midtrans answer 412 — said by its real cause, from what Midtrans says of the transaction now."""

import logging
from collections.abc import Mapping

from flask_babel import gettext as _

from ..extensions import db
from ..models import Order, PaymentAttempt
from ..money import format_idr
from .actions import MerchantActionError, NotAllowedNow, RefundNotSupported
from .apply import apply_status
from .gateway import GatewayError
from .models import Refund
from .reads import (
    API_REFUNDABLE_PAYMENT_TYPES,
    FULL_REFUND_ONLY_PAYMENT_TYPES,
    paid_attempt,
    refund_attempt,
    refund_totals,
)
from .setup import gateway
from .words import payment_method_label, transaction_state_label

log = logging.getLogger(__name__)


def method_not_refundable() -> RefundNotSupported:
    return RefundNotSupported(
        _(
            "Midtrans cannot refund this payment method. Pay the money back by bank transfer and record it as a manual refund."
        )
    )


def not_settled_error() -> NotAllowedNow:
    return NotAllowedNow(
        _(
            "Not refunded: the card payment is not settled yet, so Midtrans cannot refund it. "
            "Void it in full now, or refund after settlement (usually the next day)."
        )
    )


def refuse_partial(
    order: Order, attempt: PaymentAttempt | None, amount_idr: int | None, lines: Mapping[int, int]
) -> None:
    """Midtrans refunds some methods (ShopeePay, OVO) only in full: refuse anything else before calling it,
    instead of sending a refund it would reject. Checked before the status call and again under the lock."""
    if attempt is None or attempt.payment_type not in FULL_REFUND_ONLY_PAYMENT_TYPES:
        return
    totals = refund_totals(order)
    whole = not lines and not totals.refunded_idr and not totals.pending_idr and amount_idr == totals.paid_idr
    if not whole:
        raise NotAllowedNow(
            _(
                "Not refunded: Midtrans refunds %(method)s payments only in full. "
                "Refund the whole payment of %(amount)s at once (an amount, not items).",
                method=payment_method_label(attempt.payment_type),
                amount=format_idr(totals.paid_idr),
            )
        )


def check_settled(order_id: int) -> None:
    """Ask Midtrans for the transaction's state now (the stored one may be a day old) and record it.

    A capture (card charged, not settled) cannot be refunded, only voided in full: say so instead of
    sending a refund Midtrans would answer with 412.
    """
    attempt = paid_attempt(db.session.get_one(Order, order_id))
    if attempt is None:
        return  # _open_refund explains
    attempt_id, midtrans_order_id = attempt.id, attempt.midtrans_order_id
    db.session.rollback()
    try:
        status = gateway().get_status(midtrans_order_id)
    except GatewayError as exc:
        # Go on from the stored state: the refund's key is stored before its call, and if the payment is
        # not settled after all, Midtrans answers 412 and `refused_412` says why.
        log.warning("status before refund of %s unavailable: %s", midtrans_order_id, exc)
        return
    if status is not None:
        apply_status(attempt_id, status, source="refund")
        if status.transaction_status == "capture":
            raise not_settled_error()


def refused_412(refund_id: int) -> MerchantActionError:
    """Why Midtrans answered 412 to a refund, from what it says of the transaction now."""
    attempt = refund_attempt(db.session.get_one(Refund, refund_id))
    payment_type, midtrans_order_id = attempt.payment_type, attempt.midtrans_order_id
    db.session.rollback()
    if payment_type not in API_REFUNDABLE_PAYMENT_TYPES:
        return method_not_refundable()
    try:
        status = gateway().get_status(midtrans_order_id)
    except GatewayError:
        status = None
    state = status.transaction_status if status else None
    if state == "capture":
        return not_settled_error()
    return RefundNotSupported(
        _(
            "Midtrans does not refund this transaction in its current state (%(state)s). "
            "Pay the money back by bank transfer and record it as a manual refund.",
            state=transaction_state_label(state),
        )
    )
