"""Vouchers as the back office changes them: save (create or edit) and deactivate, audited. The usage
counter is never written here: only vouchers.usage takes and releases uses."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..extensions import db
from ..products import Category
from ..vouchers.models import Voucher
from . import audit


class VoucherError(Exception):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def store_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["STORE_TIMEZONE"])


def from_store_time(local: datetime | None) -> datetime | None:
    """A wall-clock time typed in the back office, read in the store's zone."""
    return None if local is None else local.replace(tzinfo=store_zone())


def to_store_time(moment: datetime | None) -> datetime | None:
    """For the form: the store's wall-clock time, without zone (as datetime-local shows it)."""
    return None if moment is None else moment.astimezone(store_zone()).replace(tzinfo=None)


def category_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in db.session.execute(select(Category).order_by(Category.position)).scalars()]


def save_voucher(voucher_id: int | None, terms: dict[str, Any], staff_id: int) -> Voucher:
    """Create (voucher_id None) or change a voucher; raises VoucherError naming the field to fix."""
    try:
        with write_transaction():
            clash = db.session.execute(
                select(Voucher.id).where(Voucher.code == terms["code"], Voucher.id != (voucher_id or 0))
            ).first()
            if clash:
                raise VoucherError(_("Another voucher already has this code."), "code")
            voucher = Voucher(used=0) if voucher_id is None else db.session.get(Voucher, voucher_id)
            if voucher is None:
                raise VoucherError(_("This voucher no longer exists."), "code")
            limit = terms["usage_limit"]
            if limit is not None and voucher.used > limit:
                raise VoucherError(
                    _("It has been used %(used)d times already: the limit cannot be lower.", used=voucher.used),
                    "usage_limit",
                )
            for name in (
                "code", "kind", "percent", "amount_idr", "max_discount_idr", "min_subtotal_idr",
                "usage_limit", "per_customer_limit", "free_shipping", "active",
            ):  # fmt: skip
                setattr(voucher, name, terms[name])
            voucher.starts_at, voucher.ends_at = from_store_time(terms["starts_at"]), from_store_time(terms["ends_at"])
            wanted = set(terms["category_ids"])
            voucher.categories = [c for c in db.session.execute(select(Category)).scalars() if c.id in wanted]
            db.session.add(voucher)
            db.session.flush()
            audit.record(staff_id, "voucher_save", detail=f"{voucher.id} {voucher.code}")
            return voucher
    except IntegrityError:
        # Two staff saving the same new code at once: the unique index decides.
        raise VoucherError(_("Another voucher already has this code."), "code") from None


def deactivate_voucher(voucher_id: int, staff_id: int) -> bool:
    """Shoppers can no longer use it; uses already taken stay (orders keep their discount)."""
    with write_transaction():
        voucher = db.session.get(Voucher, voucher_id)
        if voucher is None or not voucher.active:
            return False
        voucher.active = False
        audit.record(staff_id, "voucher_deactivate", detail=f"{voucher.id} {voucher.code}")
        return True
