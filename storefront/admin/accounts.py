"""Staff accounts: creation, password checks, and sign-in on top of server-side sessions with time limits."""

from datetime import timedelta

from flask import current_app, session
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import write_transaction
from ..extensions import db
from ..models import utcnow
from . import staff_sessions
from .models import StaffUser

MIN_PASSWORD_LENGTH = 12
# A signed-in session ends ADMIN_SESSION_MAX_AGE after sign-in, or after ADMIN_SESSION_IDLE without a request.
# Keys a signed cookie carried before sessions moved to the server: removed wherever they are met.
_OLD_SESSION_KEYS = ("staff_id", "staff_login_at", "staff_seen_at")
# Checked against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-but-costs-the-same", method="scrypt")


class AccountError(ValueError):
    """The account cannot be created or changed as asked; the message says why."""


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    return generate_password_hash(password, method="scrypt")


def create_staff(email: str, password: str) -> StaffUser:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("Give the staff member's e-mail address.")
    password_hash = hash_password(password)
    with write_transaction():
        if db.session.execute(db.select(StaffUser.id).where(StaffUser.email == email)).first():
            raise AccountError(f"There is already an account for {email}.")
        staff = StaffUser(email=email, password_hash=password_hash, active=True)
        db.session.add(staff)
    return staff


def set_password(email: str, password: str) -> None:
    """A new password; every session signed in with the old one ends (it may be why it changed)."""
    password_hash = hash_password(password)
    with write_transaction():
        staff = _by_email(email)
        staff.password_hash = password_hash
        staff.active = True
        staff_sessions.end_all(staff.id, "password_changed")


def deactivate(email: str) -> None:
    with write_transaction():
        staff = _by_email(email)
        staff.active = False
        staff_sessions.end_all(staff.id, "deactivated")


def _by_email(email: str) -> StaffUser:
    staff: StaffUser | None = db.session.execute(
        db.select(StaffUser).where(StaffUser.email == normalise_email(email))
    ).scalar_one_or_none()
    if staff is None:
        raise AccountError(f"No account for {normalise_email(email)}.")
    return staff


def authenticate(email: str | None, password: str | None) -> StaffUser | None:
    """The active account with this e-mail and password, or None. The same work is done either way."""
    staff: StaffUser | None = db.session.execute(
        db.select(StaffUser).where(StaffUser.email == normalise_email(email))
    ).scalar_one_or_none()
    password_ok = check_password_hash(staff.password_hash if staff else _DUMMY_HASH, password or "")
    if staff is None or not password_ok or not staff.active:
        return None
    return staff


def sign_in(staff: StaffUser) -> None:
    """Start a server-side session and put only its id in the cookie.

    The id is new at every sign-in, and the CSRF token is dropped so Flask-WTF makes a new one: a
    cookie or token planted before sign-in (session fixation) is worth nothing after it.
    """
    _end_current("signed_out")
    for key in (*_OLD_SESSION_KEYS, "csrf_token"):
        session.pop(key, None)
    with write_transaction():
        token = staff_sessions.start(staff.id)
        db.session.get_one(StaffUser, staff.id).last_login_at = utcnow()
    session[staff_sessions.COOKIE_KEY] = token


def sign_out() -> None:
    _end_current("signed_out")


def _end_current(reason: str) -> None:
    row = staff_sessions.find(session.pop(staff_sessions.COOKIE_KEY, None))
    if row is not None:
        with write_transaction():
            staff_sessions.end(row.id, reason)


def signed_in_staff() -> StaffUser | None:
    """The staff member of this browser's live server-side session, or None (also ends a timed-out one).

    Only a session that went through `sign_in` has a row; the cookie is signed, and the row is found
    by a 256-bit random id, so neither a shopper's cookie nor a guess can claim one.
    """
    for key in _OLD_SESSION_KEYS:
        if key in session:
            session.pop(key)  # from a cookie signed before sessions moved to the server: never trusted
    token = session.get(staff_sessions.COOKIE_KEY)
    if token is None:
        return None
    row = staff_sessions.find(token)
    if row is None:
        session.pop(staff_sessions.COOKIE_KEY, None)
        return None
    now = utcnow()
    config = current_app.config
    staff = db.session.get(StaffUser, row.staff_id)
    if now - row.created_at > timedelta(seconds=config["ADMIN_SESSION_MAX_AGE"]):
        reason = "expired"
    elif now - row.last_seen_at > timedelta(seconds=config["ADMIN_SESSION_IDLE"]):
        reason = "idle"
    elif staff is None or not staff.active:
        reason = "deactivated"
    else:
        if staff_sessions.needs_touch(row, now):
            with write_transaction():  # only then: on SQLite a write transaction takes the write lock
                staff_sessions.touch(row.id, now)
        return staff
    with write_transaction():
        staff_sessions.end(row.id, reason)
    session.pop(staff_sessions.COOKIE_KEY, None)
    return None
