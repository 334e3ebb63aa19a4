"""Words staff read for Midtrans codes: transaction states and payment methods (raw codes stay in the
"data" disclosure of the back office)."""

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

TRANSACTION_STATES = {
    "pending": _l("waiting for payment"),
    "capture": _l("card charged, not settled yet"),
    "authorize": _l("card authorised only"),
    "settlement": _l("settled"),
    "deny": _l("declined"),
    "cancel": _l("cancelled"),
    "expire": _l("expired"),
    "failure": _l("failed"),
    "refund": _l("refunded"),
    "partial_refund": _l("partly refunded"),
    "chargeback": _l("charged back"),
    "partial_chargeback": _l("partly charged back"),
}

PAYMENT_TYPES = {
    "credit_card": _l("Card"),
    "gopay": _l("GoPay"),
    "shopeepay": _l("ShopeePay"),
    "qris": _l("QRIS"),
    "echannel": _l("Mandiri bill payment"),
    "cstore": _l("Convenience store"),
    "akulaku": _l("Akulaku"),
    "kredivo": _l("Kredivo"),
    "dana": _l("DANA"),
    "ovo": _l("OVO"),
}


def transaction_state_label(code: str | None) -> "LazyString | str":
    if code is None:
        return _("no transaction yet")
    return TRANSACTION_STATES.get(code, code)


def payment_method_label(
    payment_type: str | None, instructions: Mapping[str, object] | None = None
) -> "LazyString | str":
    """ "Virtual account BCA", "Indomaret", "QRIS": the method with its bank or store where known."""
    info = instructions or {}
    if payment_type == "bank_transfer" or info.get("kind") == "va":
        bank = str(info.get("bank") or "").upper()
        return _("Virtual account %(bank)s", bank=bank) if bank else _("Virtual account")
    if payment_type == "cstore" and info.get("store"):
        return str(info["store"]).capitalize()
    if payment_type is None:
        return "—"
    return PAYMENT_TYPES.get(payment_type, payment_type)
