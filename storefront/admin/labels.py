"""Words for the codes the back office shows: where a payment event came from, the order statuses (why an
order needs attention is worded in payments/attention.py, which the e-mails share)."""

from flask_babel import lazy_gettext as _l

from ..order_status import PaymentStatus
from ..payments.attention import attention_label
from .blueprint import bp

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


def event_source_label(code):
    return EVENT_SOURCES.get(code, code)


@bp.context_processor
def inject_labels():
    from ..templating import status_label

    return {
        "attention_label": attention_label,
        "event_source_label": event_source_label,
        "status_choices": [(status.value, status_label(status.value)) for status in PaymentStatus],
    }
