"""Words for the order's own codes — payment and fulfilment states, timeline steps — shown to shoppers,
staff and in e-mails (the codes stay in HTML attributes and the database)."""

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

STATUS_LABELS = {
    "awaiting_payment": _l("Awaiting payment"),
    "paid": _l("Paid"),
    "under_review": _l("Under review"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled"),
    "failed": _l("Payment failed"),
    "refunded": _l("Refunded"),
    "partially_refunded": _l("Partially refunded"),
}


FULFILMENT_LABELS = {
    "unfulfilled": _l("Not shipped yet"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "returned": _l("Returned"),
}


TIMELINE_LABELS = {
    "placed": _l("Order placed"),
    "paid": _l("Paid"),
    "refund": _l("Refund"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "returned": _l("Returned"),
}


def timeline_label(kind: str) -> LazyString | str:
    return TIMELINE_LABELS.get(kind, kind)


def status_label(status: str) -> LazyString | str:
    return STATUS_LABELS.get(status, status)


def fulfilment_label(status: str) -> LazyString | str:
    return FULFILMENT_LABELS.get(status, status)
