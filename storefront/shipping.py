"""Shipments: which orders went out, with which carrier and tracking number (read by mail and back office)."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .admin.models import StaffUser


class Shipment(db.Model):
    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    carrier: Mapped[str] = mapped_column(String(40), default="")
    tracking_number: Mapped[str] = mapped_column(String(64))
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When staff confirmed the parcel arrived (Order.fulfilment_status says "delivered").
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When staff recorded that the parcel came back (Order.fulfilment_status says "returned"); NULL for
    # returns recorded before this column existed.
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    # Staff accounts belong to the back office, which sits above this module: the relationship is named
    # by string, and the type is imported for type checkers only.
    staff: Mapped["StaffUser | None"] = relationship("StaffUser")


def shipment_for(order_id: int) -> Shipment | None:
    return db.session.execute(db.select(Shipment).where(Shipment.order_id == order_id)).scalar_one_or_none()
