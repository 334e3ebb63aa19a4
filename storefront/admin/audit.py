"""The audit log: who did what to which order or product."""

from typing import Any

from ..database import write_transaction
from ..extensions import db
from .models import AuditEntry


def record(
    staff_id: int | None,
    action: str,
    *,
    order_id: int | None = None,
    product_id: int | None = None,
    detail: object = "",
) -> None:
    """Add an entry to the caller's transaction (it is committed, or rolled back, with the change)."""
    db.session.add(
        AuditEntry(staff_id=staff_id, action=action, order_id=order_id, product_id=product_id, detail=str(detail)[:500])
    )


def record_now(staff_id: int | None, action: str, **kwargs: Any) -> None:
    """An entry in a transaction of its own, for actions whose work happened elsewhere (at Midtrans)."""
    with write_transaction():
        record(staff_id, action, **kwargs)


def entries_for_order(order_id: int, limit: int = 50) -> list[AuditEntry]:
    return list(
        db.session.execute(
            db.select(AuditEntry).where(AuditEntry.order_id == order_id).order_by(AuditEntry.id.desc()).limit(limit)
        ).scalars()
    )
