"""Payment records owned by the payments package: refunds (money columns in integer rupiah, `_idr`)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Order, OrderItem, PaymentAttempt, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from ..admin.models import StaffUser


class Refund(TimestampMixin, db.Model):
    """A refund a staff member asked for: through the Midtrans refund API, or paid out by hand.

    `request_token` comes from the form the staff member submitted, so a double submit finds this row;
    `refund_key` (`<reference>-r<n>`) is stored before Midtrans is called and sent with every try, so a
    retry after a lost answer can never become a second refund.
    """

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_idr > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("payment_attempts.id"))
    request_token: Mapped[str] = mapped_column(String(64), unique=True)
    refund_key: Mapped[str] = mapped_column(String(40), unique=True)
    # "midtrans" (Core API refund) or "manual" (the merchant transferred the money back).
    method: Mapped[str] = mapped_column(String(10))
    amount_idr: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(255), default="")
    restock: Mapped[bool] = mapped_column(Boolean, default=False)
    # pending (sent, answer unknown) -> succeeded | failed | rejected (method cannot be refunded by API)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    last_error: Mapped[str | None] = mapped_column(String(255))
    midtrans_refund_id: Mapped[str | None] = mapped_column(String(64))
    # Manual refunds: where the money went and who sent it.
    bank_name: Mapped[str | None] = mapped_column(String(60))
    account_number: Mapped[str | None] = mapped_column(String(40))
    account_holder: Mapped[str | None] = mapped_column(String(100))
    paid_out_by: Mapped[str | None] = mapped_column(String(100))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order] = relationship()
    attempt: Mapped[PaymentAttempt | None] = relationship()
    # A refund by line: which units of which items (empty for a refund of an amount).
    lines: Mapped[list["RefundLine"]] = relationship(order_by="RefundLine.id", cascade="all, delete-orphan")
    # Staff accounts belong to the back office, which sits above this module: the relationship is named
    # by string, and the type is imported for type checkers only.
    staff: Mapped["StaffUser | None"] = relationship("StaffUser")


class RefundLine(db.Model):
    """Units of one order line given back in a refund; with `Refund.restock`, exactly these go back on sale."""

    __tablename__ = "refund_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)

    item: Mapped[OrderItem] = relationship()
