"""Staff accounts: creation, password checks, and the signed-session sign-in with its time limits."""

import time

from flask import current_app, session
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import write_transaction
from ..extensions import db
from ..models import utcnow
from .models import StaffUser

MIN_PASSWORD_LENGTH = 12
# A signed-in session ends ADMIN_SESSION_MAX_AGE after sign-in, or after ADMIN_SESSION_IDLE without a request.
# Refresh the "last seen" time at most this often, so not every request rewrites the cookie.
SEEN_RESOLUTION_SECONDS = 60

_SESSION_KEYS = ("staff_id", "staff_login_at", "staff_seen_at")
# Checked against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-but-costs-the-same", method="scrypt")


class AccountError(ValueError):
    """The account cannot be created or changed as asked; the message says why."""


def normalise_email(email):
    return (email or "").strip().lower()


def hash_password(password):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    return generate_password_hash(password, method="scrypt")


def create_staff(email, password):
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


def set_password(email, password):
    password_hash = hash_password(password)
    with write_transaction():
        staff = _by_email(email)
        staff.password_hash = password_hash
        staff.active = True


def deactivate(email):
    with write_transaction():
        _by_email(email).active = False


def _by_email(email):
    staff = db.session.execute(
        db.select(StaffUser).where(StaffUser.email == normalise_email(email))
    ).scalar_one_or_none()
    if staff is None:
        raise AccountError(f"No account for {normalise_email(email)}.")
    return staff


def authenticate(email, password):
    """The active account with this e-mail and password, or None. The same work is done either way."""
    staff = db.session.execute(
        db.select(StaffUser).where(StaffUser.email == normalise_email(email))
    ).scalar_one_or_none()
    password_ok = check_password_hash(staff.password_hash if staff else _DUMMY_HASH, password or "")
    if staff is None or not password_ok or not staff.active:
        return None
    return staff


def sign_in(staff):
    now = int(time.time())
    for key in _SESSION_KEYS:
        session.pop(key, None)
    session["staff_id"] = staff.id
    session["staff_login_at"] = now
    session["staff_seen_at"] = now
    with write_transaction():
        db.session.get(StaffUser, staff.id).last_login_at = utcnow()


def sign_out():
    for key in _SESSION_KEYS:
        session.pop(key, None)


def signed_in_staff():
    """The staff member this signed session belongs to, or None (also ends an expired sign-in).

    Only a session that went through `sign_in` carries `staff_id`; the cookie is signed, so a
    shopper's session can never claim one.
    """
    staff_id = session.get("staff_id")
    if not isinstance(staff_id, int):
        return None
    now = int(time.time())
    config = current_app.config
    max_age = config["ADMIN_SESSION_MAX_AGE"]
    idle = config["ADMIN_SESSION_IDLE"]
    login_at, seen_at = session.get("staff_login_at", 0), session.get("staff_seen_at", 0)
    if not isinstance(login_at, int) or not isinstance(seen_at, int) or now - login_at > max_age or now - seen_at > idle:
        sign_out()
        return None
    staff = db.session.get(StaffUser, staff_id)
    if staff is None or not staff.active:
        sign_out()
        return None
    if now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session["staff_seen_at"] = now
    return staff
