"""A voucher's terms and counter, and one row per use taken by an order."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..model_base import TimestampMixin, UTCDateTime, utcnow
from ..models import Order
from ..products import Category

KIND_PERCENT = "percent"
KIND_FIXED = "fixed"

voucher_categories = Table(
    "voucher_categories",
    db.metadata,
    Column("voucher_id", ForeignKey("vouchers.id"), primary_key=True),
    Column("category_id", ForeignKey("categories.id"), primary_key=True),
)


class Voucher(TimestampMixin, db.Model):
    __tablename__ = "vouchers"
    __table_args__ = (
        CheckConstraint("used >= 0", name="used_not_negative"),
        CheckConstraint("kind IN ('percent', 'fixed')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored upper-case (rules.normalise_code): "hemat10" and "HEMAT10" are one voucher.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    # percent: 1..100 of the eligible subtotal; fixed: rupiah off the eligible subtotal.
    percent: Mapped[int | None] = mapped_column(Integer)
    amount_idr: Mapped[int | None] = mapped_column(BigInteger)
    max_discount_idr: Mapped[int | None] = mapped_column(BigInteger)
    min_subtotal_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    # Valid from starts_at (inclusive) to ends_at (exclusive), UTC; typed in STORE_TIMEZONE.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None: unlimited. `used` only moves through usage.take_use / usage.release_use.
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer, default=1)
    free_shipping: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    # Empty: every item is eligible.
    categories: Mapped[list[Category]] = relationship(secondary=voucher_categories, order_by=Category.position)


class VoucherUse(db.Model):
    """One use taken by one order; `released_at` is set exactly once when the use is given back."""

    __tablename__ = "voucher_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("vouchers.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    # The customer, as the per-customer limit counts them: normalised e-mail and phone.
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    discount_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    voucher: Mapped[Voucher] = relationship()
    order: Mapped[Order] = relationship()
