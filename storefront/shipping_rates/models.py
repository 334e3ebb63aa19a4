"""The merchant's shipping set-up: courier services, price per kilogram by destination, and settings."""

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

DEFAULT_TOLERANCE_G = 300


class ShippingService(db.Model):
    """One courier service the shop offers, e.g. JNE REG, 2–3 days."""

    __tablename__ = "shipping_services"
    __table_args__ = (
        UniqueConstraint("courier", "service", name="uq_shipping_services_courier_service"),
        CheckConstraint("etd_min_days >= 0 AND etd_max_days >= etd_min_days", name="etd_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable key for forms and CSV ("jne-reg"); the same key a provider's quote carries.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    courier: Mapped[str] = mapped_column(String(30))
    service: Mapped[str] = mapped_column(String(30))
    etd_min_days: Mapped[int] = mapped_column(Integer, default=1)
    etd_max_days: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether the free-shipping threshold applies to this service (e.g. not to same-day couriers).
    free_shipping: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ShippingRate(db.Model):
    """Price per kilogram of one service to one province or city; a city's row wins over its province's."""

    __tablename__ = "shipping_rates"
    __table_args__ = (
        UniqueConstraint("service_id", "region_code", name="uq_shipping_rates_service_region"),
        CheckConstraint("price_per_kg_idr > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("shipping_services.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    price_per_kg_idr: Mapped[int] = mapped_column(BigInteger)

    service: Mapped[ShippingService] = relationship()


class ShippingSettings(db.Model):
    """One row: where parcels leave from, the weight tolerance and the free-shipping threshold."""

    __tablename__ = "shipping_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_city_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    # The origin's postal code: outside rate providers price by postal code.
    origin_postal_code: Mapped[str] = mapped_column(String(5), default="")
    # Grams over a whole kilogram that are not charged as another kilogram.
    tolerance_g: Mapped[int] = mapped_column(Integer, default=DEFAULT_TOLERANCE_G)
    # Subtotal (rupiah) from which eligible services are free; None = never free.
    free_shipping_min_idr: Mapped[int | None] = mapped_column(BigInteger)


def current_settings() -> ShippingSettings:
    """The settings row, or unsaved defaults when the merchant has not set anything yet."""
    settings = db.session.execute(db.select(ShippingSettings).order_by(ShippingSettings.id).limit(1)).scalar()
    return settings or ShippingSettings(tolerance_g=DEFAULT_TOLERANCE_G, origin_postal_code="")
