"""The e-mail outbox: one row per message, written when the event happens, sent outside the request."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "<order id>:<kind>[:<event>]": unique, so one event can queue its message only once.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    # No longer written: links come from PUBLIC_URL, whatever Host the causing request carried.
    base_url: Mapped[str] = mapped_column(String(255), default="")
    # Facts of the event the message must show as they were (a refund's amount, a tracking number).
    # (JSON as stored: its values are whatever the event wrote, so Any.)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # pending -> sending (claimed by one sender) -> sent | failed (retried by `flask mail retry`);
    # "dropped" when its sender found it no longer wanted (no matching order, or already paid)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
