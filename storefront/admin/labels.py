"""Words for the codes the back office shows: why an order needs attention, where an event came from."""

from flask_babel import lazy_gettext as _l

from ..order_status import OrderStatus
from ..payments import states
from ..payments.merchant import ATTENTION_REFUND_PENDING
from .blueprint import bp

ATTENTION_LABELS = {
    states.ATTENTION_UNDER_REVIEW: _l("Card payment under review: approve or deny it"),
    states.ATTENTION_PAID_AFTER_RELEASE: _l("Paid after the reservation was released (stock taken again)"),
    states.ATTENTION_PAID_OUT_OF_STOCK: _l("Paid, but the items were no longer in stock"),
    states.ATTENTION_REVERSED: _l("Payment reversed after settlement"),
    states.ATTENTION_CHARGEBACK: _l("Charged back"),
    states.ATTENTION_AMOUNT_MISMATCH: _l("Midtrans reported a different amount"),
    ATTENTION_REFUND_PENDING: _l("Refund sent, answer from Midtrans not known yet"),
}

EVENT_SOURCES = {
    "notification": _l("Notification"),
    "status": _l("Status API"),
    "recheck": _l("Re-check"),
    "reconcile": _l("Reconcile"),
    "cancel": _l("Cancel"),
    "approve": _l("Approve"),
    "deny": _l("Deny"),
    "refund": _l("Refund"),
    "manual_refund": _l("Manual refund"),
}


def attention_label(code):
    return ATTENTION_LABELS.get(code, code)


def event_source_label(code):
    return EVENT_SOURCES.get(code, code)


@bp.context_processor
def inject_labels():
    from ..templating import status_label

    return {
        "attention_label": attention_label,
        "event_source_label": event_source_label,
        "status_choices": [(status.value, status_label(status.value)) for status in OrderStatus],
    }
