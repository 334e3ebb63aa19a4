"""What a payment event did, in the merchant's words. The payment code writes a short English account of
each event (kept in the event log as it was written, for support); staff read it worded in their language,
with statuses, Midtrans states and amounts as words and rupiah. An account not matched here is shown as is.
"""

import re
from collections.abc import Callable

from flask_babel import gettext as _

from ..money import format_idr
from ..status_words import status_label
from .words import transaction_state_label


def _idr(text: str) -> str:
    try:
        return format_idr(int(float(text)))
    except ValueError:
        return text


def _state(code: str) -> str:
    return str(transaction_state_label(code))


def _status(code: str) -> str:
    return str(status_label(code))


# (pattern on the whole account, words). Patterns follow the f-strings in payments/apply.py,
# notifications.py, recheck.py, actions.py and refunds.py.
_OUTCOMES: list[tuple[str, Callable[..., str]]] = [
    (r"order (\w+) -> (\w+)", lambda a, b: _("Order: %(old)s → %(new)s", old=_status(a), new=_status(b))),
    (
        r"not applied: amount (\S+) != (\d+)",
        lambda theirs, ours: _(
            "Not applied: Midtrans reported %(theirs)s, the order is %(ours)s", theirs=_idr(theirs), ours=_idr(ours)
        ),
    ),
    (
        r"recorded (\w+); order still (\w+)",
        lambda state, status: _(
            "Noted (%(state)s); the order stays %(status)s", state=_state(state), status=_status(status)
        ),
    ),
    (
        r"ignored (\w+): order is (\w+)",
        lambda state, status: _(
            "Ignored (%(state)s): the order is %(status)s", state=_state(state), status=_status(status)
        ),
    ),
    (r"refunded amount now (\d+)", lambda amount: _("Refunded in total: %(amount)s", amount=_idr(amount))),
    (
        r"order still (\w+); Midtrans now says (\w+)",
        lambda status, state: _(
            "The order stays %(status)s; Midtrans now says: %(state)s", status=_status(status), state=_state(state)
        ),
    ),
    (
        r"no change: order already (\w+)",
        lambda status: _("No change: the order is already %(status)s", status=_status(status)),
    ),
    (
        r"ignored (\w+) of a superseded attempt",
        lambda state: _("Ignored (%(state)s): an earlier payment attempt", state=_state(state)),
    ),
    (
        r"ignored: order is (\w+), Midtrans says (\w+)",
        lambda status, state: _(
            "Ignored: the order is %(status)s, Midtrans says: %(state)s", status=_status(status), state=_state(state)
        ),
    ),
    (
        r"ignored cancel: the payment was (\w+), not a capture",
        lambda state: _("Ignored a cancellation: the payment was %(state)s, not only charged", state=_state(state)),
    ),
    (
        r"manual refund of (\d+) recorded; order (\w+) -> (\w+)",
        lambda amount, a, b: _(
            "Manual refund of %(amount)s recorded; order: %(old)s → %(new)s",
            amount=_idr(amount),
            old=_status(a),
            new=_status(b),
        ),
    ),
    (
        r"no transaction at Midtrans and the payment window has passed: expired",
        lambda: _("No transaction at Midtrans and the time to pay has passed: expired"),
    ),
    (r"no transaction at Midtrans yet", lambda: _("No transaction at Midtrans yet")),
    (
        r"no transaction at Midtrans: cancelled here, stock released",
        lambda: _("No transaction at Midtrans: cancelled here, stock released"),
    ),
    (r"confirmed via status API", lambda: _("Checked with the Midtrans status API")),
    (
        r"status API does not know this transaction; nothing changed",
        lambda: _("The Midtrans status API does not know this transaction; nothing changed"),
    ),
    (r"status API answered for another order_id", lambda: _("The Midtrans status API answered about another order")),
    (
        r"rejected: gross_amount does not match the order",
        lambda: _("Rejected: the amount does not match the order"),
    ),
]
_COMPILED = [(re.compile(pattern + r"\Z"), words) for pattern, words in _OUTCOMES]


def outcome_label(account: str | None) -> str:
    text = (account or "").strip()
    for pattern, words in _COMPILED:
        found = pattern.match(text)
        if found:
            return words(*found.groups())
    return text
