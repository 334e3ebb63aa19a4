"""What a voucher is worth for a cart, as pure functions over plain values (no database, no clock).

The rounding rule, the one place it is decided: a percentage is taken of the eligible subtotal and
rounded DOWN to whole rupiah (the shop never gives more than the stated percentage); the cap for
percentages and the eligible subtotal then limit it. Free shipping takes the shipping price off too.
Whatever the voucher says, the order keeps a total of at least Rp1: Midtrans refuses a zero
gross_amount, so the discount is capped at (subtotal + shipping - 1), taken off the shipping part first.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _

from ..money import format_idr

MAX_CODE_LENGTH = 32


class Refusal(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    MINIMUM_NOT_REACHED = "minimum_not_reached"
    USED_UP = "used_up"
    ALREADY_USED = "already_used"
    NO_ELIGIBLE_ITEM = "no_eligible_item"


@dataclass(frozen=True)
class Terms:
    code: str
    percent: int | None = None
    amount_idr: int | None = None
    max_discount_idr: int | None = None
    min_subtotal_idr: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    free_shipping: bool = False
    # None: every item counts; otherwise only lines of these categories.
    category_ids: frozenset[int] | None = None
    active: bool = True


@dataclass(frozen=True)
class Line:
    line_total_idr: int
    category_id: int | None = None


@dataclass(frozen=True)
class Discount:
    code: str
    items_idr: int
    shipping_idr: int

    @property
    def total_idr(self) -> int:
        return self.items_idr + self.shipping_idr


def normalise_code(raw: str | None) -> str:
    """What a shopper typed, as codes are stored: no surrounding or inner spaces, upper case."""
    return "".join((raw or "").split()).upper()[: MAX_CODE_LENGTH + 1]


def discount_line_name(code: str) -> str:
    """The negative line's name on Snap's item list and on the order (the same in both languages)."""
    return f"Diskon {code}"


def eligible(terms: Terms, line: Line) -> bool:
    return terms.category_ids is None or line.category_id in terms.category_ids


def refusal(terms: Terms, lines: list[Line], now: datetime) -> Refusal | None:
    """Why these terms do not apply to this cart now, or None. Counters (used up, already used by you)
    are the database's business: usage.py."""
    if not terms.active:
        return Refusal.UNKNOWN
    if terms.starts_at is not None and now < terms.starts_at:
        return Refusal.NOT_YET_VALID
    if terms.ends_at is not None and now >= terms.ends_at:
        return Refusal.EXPIRED
    if not any(eligible(terms, line) for line in lines):
        return Refusal.NO_ELIGIBLE_ITEM
    if sum(line.line_total_idr for line in lines) < terms.min_subtotal_idr:
        return Refusal.MINIMUM_NOT_REACHED
    return None


def compute(terms: Terms, lines: list[Line], shipping_idr: int) -> Discount:
    """The discount for a cart the terms apply to (see the module docstring for rounding and capping)."""
    eligible_idr = sum(line.line_total_idr for line in lines if eligible(terms, line))
    if terms.percent is not None:
        items = eligible_idr * terms.percent // 100
        if terms.max_discount_idr is not None:
            items = min(items, terms.max_discount_idr)
    else:
        items = terms.amount_idr or 0
    items = max(0, min(items, eligible_idr))
    shipping = shipping_idr if terms.free_shipping else 0
    most = max(0, sum(line.line_total_idr for line in lines) + shipping_idr - 1)
    total = min(items + shipping, most)
    items = min(items, total)
    return Discount(code=terms.code, items_idr=items, shipping_idr=total - items)


def refusal_message(reason: Refusal, terms: Terms | None = None) -> str:
    """The sentence shown beside the voucher field."""
    if reason is Refusal.MINIMUM_NOT_REACHED and terms is not None:
        return str(
            _("This voucher needs a subtotal of at least %(amount)s.", amount=format_idr(terms.min_subtotal_idr))
        )
    messages = {
        Refusal.UNKNOWN: _("We do not know this voucher code. Check its spelling."),
        Refusal.EXPIRED: _("This voucher has expired."),
        Refusal.NOT_YET_VALID: _("This voucher is not valid yet."),
        Refusal.MINIMUM_NOT_REACHED: _("Your subtotal is below this voucher's minimum."),
        Refusal.USED_UP: _("This voucher has been used up."),
        Refusal.ALREADY_USED: _("You have already used this voucher."),
        Refusal.NO_ELIGIBLE_ITEM: _("None of the items in your cart is eligible for this voucher."),
    }
    return str(messages[reason])
