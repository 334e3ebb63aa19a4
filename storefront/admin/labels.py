"""Words for the codes the back office shows: where a payment event came from, the order statuses (why an
order needs attention is worded in payments/attention.py, which the e-mails share)."""

from collections.abc import Callable, Mapping

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from ..order_status import PaymentStatus
from ..payments.attention import attention_label
from ..payments.outcomes import outcome_label
from ..payments.words import payment_method_label, transaction_state_label
from ..status_words import status_label
from .blueprint import bp
from .forms import STOCK_REASONS

EVENT_SOURCES = {
    "notification": _l("Notification"),
    "status": _l("Status API"),
    "recheck": _l("Re-check"),
    "reconcile": _l("Reconcile"),
    "cancel": _l("Cancel"),
    "void": _l("Void"),
    "approve": _l("Approve"),
    "deny": _l("Deny"),
    "refund": _l("Refund"),
    "manual_refund": _l("Manual refund"),
}


def event_source_label(code: str) -> LazyString | str:
    return EVENT_SOURCES.get(code, code)


FRAUD_STATES = {
    "accept": _l("passed the fraud check"),
    "challenge": _l("flagged by the fraud check"),
    "deny": _l("refused by the fraud check"),
}
REFUND_STATES = {
    "pending": _l("Waiting for Midtrans"),
    "succeeded": _l("Done"),
    "failed": _l("Failed"),
    "rejected": _l("Refused by Midtrans"),
}
AUDIT_ACTIONS = {
    "recheck": _l("Re-checked with Midtrans"),
    "cancel": _l("Cancelled"),
    "void": _l("Voided the card payment"),
    "approve": _l("Approved"),
    "deny": _l("Denied"),
    "refund": _l("Refund"),
    "refund_retry": _l("Refund retried"),
    "manual_refund": _l("Manual refund"),
    "ship": _l("Shipped"),
    "deliver": _l("Delivered"),
    "return": _l("Returned"),
    "resolve_attention": _l("Marked as handled"),
}
LANGUAGES = {"id": _l("Bahasa Indonesia"), "en": _l("English")}
# Stock movements made by the shop itself (a refund putting units back), beside the reasons staff pick.
STOCK_MOVEMENTS = {**STOCK_REASONS, "refund": _l("Refunded, back in stock")}


def _labeller(table: Mapping[str, LazyString]) -> Callable[[str], LazyString | str]:
    return lambda code: table.get(code, code)


@bp.context_processor
def inject_labels() -> dict[str, object]:
    return {
        "attention_label": attention_label,
        "event_source_label": event_source_label,
        "fraud_label": _labeller(FRAUD_STATES),
        "refund_status_label": _labeller(REFUND_STATES),
        "audit_action_label": _labeller(AUDIT_ACTIONS),
        "language_label": _labeller(LANGUAGES),
        "stock_reason_label": _labeller(STOCK_MOVEMENTS),
        "transaction_state_label": transaction_state_label,
        "payment_method_label": payment_method_label,
        "outcome_label": outcome_label,
        "status_choices": [(status.value, status_label(status.value)) for status in PaymentStatus],
    }
