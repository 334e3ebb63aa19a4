"""Database models. Money columns end in `_idr` and hold integer rupiah (IDR has no minor unit)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .model_base import TimestampMixin, UTCDateTime, utcnow
from .order_status import FulfilmentStatus, PaymentStatus
from .products import Category, OptionValue, Product, ProductOption, Variant, variant_name

# Catalogue models live in products.py; they are named here too, where the rest of the shop looks for models.
__all__ = [
    "Category",
    "OptionValue",
    "Order",
    "OrderItem",
    "PaymentAttempt",
    "PaymentEvent",
    "Product",
    "ProductOption",
    "TimestampMixin",
    "UTCDateTime",
    "Variant",
    "utcnow",
]


def _state_enum(states: type[StrEnum], name: str) -> Enum:
    # Stored by value ("awaiting_payment"), as the column always held; the CHECK is named by `name`.
    return Enum(
        states,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [member.value for member in members],
    )


class Order(TimestampMixin, db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short, human-friendly reference shown to people and used (with a suffix) as Midtrans order_id.
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # The capability in the order page URL: at least 128 random bits (ASVS 11.5.1).
    access_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Random value from the checkout form: a double submit finds the order the first submit made.
    checkout_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    customer_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(255))
    # City name as shown; orders placed before region codes existed keep the text the shopper typed.
    city: Mapped[str] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(5))
    # Kemendagri codes and names of the destination (None on orders from before regions).
    province_code: Mapped[str | None] = mapped_column(String(13))
    province: Mapped[str | None] = mapped_column(String(80))
    city_code: Mapped[str | None] = mapped_column(String(13))
    district_code: Mapped[str | None] = mapped_column(String(13))
    district: Mapped[str | None] = mapped_column(String(80))
    # The courier service chosen at checkout, as priced in the order's own transaction.
    shipping_code: Mapped[str | None] = mapped_column(String(40))
    shipping_courier: Mapped[str | None] = mapped_column(String(30))
    shipping_service: Mapped[str | None] = mapped_column(String(30))
    shipping_etd: Mapped[str | None] = mapped_column(String(12))
    weight_g: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(5), default="id")
    # What Midtrans says of the money, and where the parcel is: two states that move independently (a
    # partly refunded order is still shipped). Non-native enums: a VARCHAR with a CHECK, the same on
    # SQLite and PostgreSQL, so a new state is a constraint change, not an ALTER TYPE.
    payment_status: Mapped[PaymentStatus] = mapped_column(
        _state_enum(PaymentStatus, "payment_status"), default=PaymentStatus.AWAITING_PAYMENT, index=True
    )
    fulfilment_status: Mapped[FulfilmentStatus] = mapped_column(
        _state_enum(FulfilmentStatus, "fulfilment_status"),
        default=FulfilmentStatus.UNFULFILLED,
        server_default=FulfilmentStatus.UNFULFILLED.value,
        index=True,
    )
    subtotal_idr: Mapped[int] = mapped_column(BigInteger)
    shipping_idr: Mapped[int] = mapped_column(BigInteger)
    total_idr: Mapped[int] = mapped_column(BigInteger)
    # True while the order's units are held out of their variants' stock; flipped exactly once per release.
    stock_reserved: Mapped[bool] = mapped_column(Boolean, default=True)
    reserved_until: Mapped[datetime] = mapped_column(UTCDateTime)
    # Why a merchant must look at this order (e.g. paid after its reservation was released); None if fine.
    attention: Mapped[str | None] = mapped_column(String(40), index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Number of payment attempts; the latest one is the "current" attempt.
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped on every change a shopper can see on the status fragment; the poll's ETag.
    status_version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", order_by="OrderItem.id", cascade="all, delete-orphan"
    )
    attempts: Mapped[list["PaymentAttempt"]] = relationship(
        back_populates="order", order_by="PaymentAttempt.number", cascade="all, delete-orphan"
    )

    @property
    def shipping_label(self) -> str | None:
        """ "JNE REG", or None for orders from before courier services."""
        if not self.shipping_courier:
            return None
        return f"{self.shipping_courier} {self.shipping_service}"

    @property
    def current_attempt(self) -> "PaymentAttempt | None":
        return self.attempts[-1] if self.attempts else None

    @classmethod
    def lock(cls, order_id: int) -> "Order":
        """The order row, locked for this transaction: every payment change of one order is serialised."""
        return db.session.execute(
            db.select(cls).where(cls.id == order_id).with_for_update().execution_options(populate_existing=True)
        ).scalar_one()

    def bump_status_version(self) -> None:
        """Mark a change the shopper can see: the status poll's ETag changes with it."""
        self.status_version = (self.status_version or 0) + 1


class OrderItem(db.Model):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    # The variant whose stock the line holds (lines from before variants: the product's implicit one).
    variant_id: Mapped[int] = mapped_column(ForeignKey("product_variants.id"), index=True)
    # Snapshots: what the shopper agreed to, whatever happens to the product later.
    product_name: Mapped[str] = mapped_column(String(120))
    variant_label: Mapped[str] = mapped_column(String(120), default="", server_default="")
    sku: Mapped[str | None] = mapped_column(String(50))
    unit_price_idr: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total_idr: Mapped[int] = mapped_column(BigInteger)
    # This line's share of the voucher's discount on the items (never the free-shipping part), fixed at
    # checkout so a refund of its units gives back what was paid for them. 0: no voucher, an ineligible
    # line, or an order placed before shares were stored.
    discount_idr: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()
    variant: Mapped[Variant] = relationship()

    @property
    def name(self) -> str:
        """ "Kopi Gayo — 500 g" as it was when ordered."""
        return variant_name(self.product_name, self.variant_label)


class PaymentAttempt(TimestampMixin, db.Model):
    """One Midtrans transaction (one Midtrans order_id) for an order."""

    __tablename__ = "payment_attempts"
    __table_args__ = (UniqueConstraint("order_id", "number", name="uq_payment_attempts_order_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    midtrans_order_id: Mapped[str] = mapped_column(String(50), unique=True)
    gross_amount_idr: Mapped[int] = mapped_column(BigInteger)
    snap_token: Mapped[str | None] = mapped_column(String(64))
    redirect_url: Mapped[str | None] = mapped_column(String(500))
    # Set while one request is asking Snap for a token, so a concurrent request does not ask twice.
    snap_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What verified Midtrans data last said; None until the shopper picked a method.
    transaction_status: Mapped[str | None] = mapped_column(String(24))
    fraud_status: Mapped[str | None] = mapped_column(String(16))
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    payment_type: Mapped[str | None] = mapped_column(String(32))
    # How to pay, from verified data: bank + VA number, biller code + bill key, store + code, ...
    instructions: Mapped[dict | None] = mapped_column(JSON)
    refunded_idr: Mapped[int] = mapped_column(BigInteger, default=0)

    order: Mapped[Order] = relationship(back_populates="attempts")
    events: Mapped[list["PaymentEvent"]] = relationship(
        back_populates="attempt", order_by="PaymentEvent.id", cascade="all, delete-orphan"
    )


class PaymentEvent(db.Model):
    """Every notification and status response as received (minus the signature), and what it did."""

    __tablename__ = "payment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("payment_attempts.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    transaction_status: Mapped[str | None] = mapped_column(String(24))
    fraud_status: Mapped[str | None] = mapped_column(String(16))
    status_code: Mapped[str | None] = mapped_column(String(8))
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    # None for our own status-API calls (server to server, nothing to verify).
    signature_valid: Mapped[bool | None] = mapped_column(Boolean)
    payload: Mapped[dict] = mapped_column(JSON)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(String(255), default="")

    attempt: Mapped[PaymentAttempt] = relationship(back_populates="events")
