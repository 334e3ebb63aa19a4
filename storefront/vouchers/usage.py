"""Vouchers in the database: look one up for a cart, take a use atomically, give it back exactly once.

Uses are counted like stock (inventory.py): a conditional `UPDATE vouchers SET used = used + 1 WHERE
used < usage_limit` takes one, so two checkouts can never both take the last use. That UPDATE also
locks the voucher's row until the order's transaction ends, which is why the per-customer count is
read *after* it: a second checkout of the same customer waits for the first and then sees its use.
"""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, func, or_, select, update

from ..extensions import db
from ..model_base import utcnow
from ..phones import normalise_phone
from .models import KIND_PERCENT, Voucher, VoucherUse
from .rules import Discount, Line, Refusal, Terms, compute, normalise_code, refusal


def find_voucher(code: str | None) -> Voucher | None:
    normalised = normalise_code(code)
    if not normalised:
        return None
    return db.session.execute(select(Voucher).where(Voucher.code == normalised)).scalar_one_or_none()


def terms_of(voucher: Voucher) -> Terms:
    return Terms(
        code=voucher.code,
        percent=voucher.percent if voucher.kind == KIND_PERCENT else None,
        amount_idr=voucher.amount_idr if voucher.kind != KIND_PERCENT else None,
        max_discount_idr=voucher.max_discount_idr,
        min_subtotal_idr=voucher.min_subtotal_idr,
        starts_at=voucher.starts_at,
        ends_at=voucher.ends_at,
        free_shipping=voucher.free_shipping,
        category_ids=frozenset(c.id for c in voucher.categories) or None,
        active=voucher.active,
    )


def customer_key(email: str, phone: str) -> tuple[str, str]:
    """One customer however they type it: e-mail trimmed and lower-cased, phone as +62…."""
    return email.strip().lower(), normalise_phone(phone) or phone.strip()


def evaluate(
    code: str | None, lines: list[Line], shipping_idr: int, now: datetime | None = None
) -> tuple[Voucher | None, Discount | Refusal]:
    """The voucher and its discount for this cart, or why not. Reads only: the cart's preview, and the
    checkout's re-check inside the order's transaction before take_use."""
    voucher = find_voucher(code)
    if voucher is None:
        return None, Refusal.UNKNOWN
    terms = terms_of(voucher)
    reason = refusal(terms, lines, now or utcnow())
    if reason is None and voucher.usage_limit is not None and voucher.used >= voucher.usage_limit:
        reason = Refusal.USED_UP
    return voucher, reason or compute(terms, lines, shipping_idr)


def _customer_uses(voucher_id: int, email: str, phone: str) -> int:
    return (
        db.session.scalar(
            select(func.count(VoucherUse.id)).where(
                VoucherUse.voucher_id == voucher_id,
                VoucherUse.released_at.is_(None),
                or_(VoucherUse.email == email, VoucherUse.phone == phone),
            )
        )
        or 0
    )


def _changed(statement: Executable) -> int:
    """Rows an UPDATE changed (a conditional UPDATE's verdict)."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def _decrement(voucher_id: int) -> None:
    db.session.execute(update(Voucher).where(Voucher.id == voucher_id, Voucher.used > 0).values(used=Voucher.used - 1))


def take_use(voucher: Voucher, order_id: int, email: str, phone: str, discount_idr: int) -> Refusal | None:
    """Take one use for an order inside the caller's transaction; None on success. On a refusal nothing
    of the voucher is left changed (the caller's transaction may go on)."""
    taken = _changed(
        update(Voucher)
        .where(
            Voucher.id == voucher.id,
            Voucher.active.is_(True),
            or_(Voucher.usage_limit.is_(None), Voucher.used < Voucher.usage_limit),
        )
        .values(used=Voucher.used + 1)
    )
    if taken != 1:
        return Refusal.USED_UP
    email, phone = customer_key(email, phone)
    use = VoucherUse(voucher_id=voucher.id, order_id=order_id, email=email, phone=phone, discount_idr=discount_idr)
    db.session.add(use)
    db.session.flush()
    if voucher.per_customer_limit is not None and _customer_uses(voucher.id, email, phone) > voucher.per_customer_limit:
        db.session.delete(use)
        _decrement(voucher.id)
        db.session.flush()
        return Refusal.ALREADY_USED
    return None


def release_use(order_id: int) -> bool:
    """Give back the order's use, exactly once: only the caller whose conditional UPDATE marks the use
    released decrements the counter. False when there was nothing (left) to release."""
    released = False
    held = db.session.execute(
        select(VoucherUse.id, VoucherUse.voucher_id).where(
            VoucherUse.order_id == order_id, VoucherUse.released_at.is_(None)
        )
    ).all()
    for use_id, voucher_id in held:
        marked = _changed(
            update(VoucherUse)
            .where(VoucherUse.id == use_id, VoucherUse.released_at.is_(None))
            .values(released_at=utcnow())
        )
        if marked == 1:
            _decrement(voucher_id)
            released = True
    return released


def uses_of(voucher_id: int, limit: int = 200) -> list[VoucherUse]:
    return list(
        db.session.execute(
            select(VoucherUse).where(VoucherUse.voucher_id == voucher_id).order_by(VoucherUse.id.desc()).limit(limit)
        ).scalars()
    )


def order_discount(order_id: int) -> tuple[str, int] | None:
    """(code, rupiah) of the discount an order was placed with, held or released: its total keeps it."""
    row = db.session.execute(
        select(Voucher.code, VoucherUse.discount_idr)
        .join(VoucherUse.voucher)
        .where(VoucherUse.order_id == order_id)
        .order_by(VoucherUse.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def order_discounts(order_ids: list[int]) -> dict[int, tuple[str, int]]:
    """`order_discount` for many orders in one query (an export of a month of orders)."""
    found: dict[int, tuple[str, int]] = {}
    if not order_ids:
        return found
    rows = db.session.execute(
        select(VoucherUse.order_id, Voucher.code, VoucherUse.discount_idr)
        .join(VoucherUse.voucher)
        .where(VoucherUse.order_id.in_(order_ids))
        .order_by(VoucherUse.id)
    )
    for order_id, code, discount in rows:
        found[order_id] = (code, discount)  # the last use wins, as in order_discount
    return found


def retake_use(order_id: int, email: str, phone: str) -> Refusal | None:
    """Pay again, or money after release: take the order's use again if it was given back. None when the
    order holds its use (again) or never had one; otherwise why it cannot be taken."""
    uses = db.session.execute(
        select(VoucherUse).where(VoucherUse.order_id == order_id).order_by(VoucherUse.id.desc())
    ).scalars()
    last = next(iter(uses), None)
    if last is None or last.released_at is None:
        return None
    return take_use(last.voucher, order_id, email, phone, last.discount_idr)
