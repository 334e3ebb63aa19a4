"""Back-office models: staff accounts, the audit log, stock movements, refunds and shipments.

Money columns end in `_idr` and hold integer rupiah, as everywhere else.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Order, PaymentAttempt, Product, TimestampMixin, UTCDateTime, utcnow


class StaffUser(TimestampMixin, db.Model):
    """A merchant's employee who may use /admin. Created with `flask admin create <email>`."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: sign-in compares case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # werkzeug.security scrypt hash; never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(db.Model):
    """What a staff member did, and to what: every back-office action leaves one row."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffUser | None] = relationship()


class StockMovement(db.Model):
    """One change of `Product.stock` made by the back office (adjustment, restock after a refund, ...)."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    # The stock right after this movement, as the atomic UPDATE returned it.
    stock_after: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(String(255), default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    staff: Mapped[StaffUser | None] = relationship()


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
    staff: Mapped[StaffUser | None] = relationship()


class Shipment(db.Model):
    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    carrier: Mapped[str] = mapped_column(String(40), default="")
    tracking_number: Mapped[str] = mapped_column(String(64))
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    staff: Mapped[StaffUser | None] = relationship()
