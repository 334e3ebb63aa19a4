"""Words for why an order needs the merchant's attention (shown in the back office and in e-mails)."""

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from . import states

ATTENTION_LABELS = {
    states.ATTENTION_UNDER_REVIEW: _l("Card payment under review: approve or deny it"),
    states.ATTENTION_PAID_AFTER_RELEASE: _l("Paid after the reservation was released (stock taken again)"),
    states.ATTENTION_PAID_OUT_OF_STOCK: _l("Paid, but the items were no longer in stock"),
    states.ATTENTION_REVERSED: _l("Payment reversed after settlement"),
    states.ATTENTION_CHARGEBACK: _l("Charged back"),
    states.ATTENTION_AMOUNT_MISMATCH: _l("Midtrans reported a different amount"),
    states.ATTENTION_REFUND_PENDING: _l("Refund sent, answer from Midtrans not known yet"),
}


def attention_label(code: str | None) -> "LazyString | str | None":
    """The merchant-facing words for an attention code; an unknown code is shown as it is."""
    return ATTENTION_LABELS.get(code, code) if code is not None else None
