"""Server-side staff sessions: a row per sign-in; the signed cookie carries only its random id.

A sign-in that lived only in the signed cookie could not be ended: after sign-out, a copy of the old
cookie still opened /admin until it expired. Here the row decides. Sign-out, a password change,
`flask admin deactivate` and the idle and absolute timeouts end the row, and with it every copy of the
cookie at once. The database holds only a SHA-256 of the id, so a copy of the table opens nothing.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow

COOKIE_KEY = "staff_session"
# Refresh "last seen" at most this often, so a busy page is not one UPDATE per request.
SEEN_RESOLUTION = timedelta(seconds=60)


class StaffSession(db.Model):
    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set once when the session ends (signed_out, password_changed, deactivated, expired, idle).
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(20))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(staff_id: int) -> str:
    """A new session row for this staff member (the caller commits); returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(StaffSession(token_hash=_hash(token), staff_id=staff_id, created_at=now, last_seen_at=now))
    return token


def find(token: object) -> StaffSession | None:
    """The live (not ended) session with this token, or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return db.session.execute(
        db.select(StaffSession).where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
    ).scalar_one_or_none()


def end(session_id: int, reason: str) -> None:
    """End one session (the caller commits). Ending twice keeps the first reason."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )


def end_all(staff_id: int, reason: str) -> None:
    """End every live session of a staff member (the caller commits)."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )


def needs_touch(row: StaffSession, now: datetime) -> bool:
    """Whether to record activity: at most once per SEEN_RESOLUTION."""
    return now - row.last_seen_at >= SEEN_RESOLUTION


def touch(session_id: int, now: datetime) -> None:
    """Record activity (the caller commits)."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
        .values(last_seen_at=now)
    )
