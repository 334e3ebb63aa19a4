"""Flask extensions, created unbound so any module can import them without importing the app."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, session
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_static_digest import FlaskStaticDigest
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
digest = FlaskStaticDigest()  # content-hashed static names: see storefront/assets.py
# Limits are declared on their views with @limiter.limit; storage comes from RATELIMIT_STORAGE_URI (Redis
# in production). There are no application-wide or default limits: see register_extensions.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def configured_limit(name: str) -> Callable[[], str]:
    """A limit read from the config at request time, e.g. configured_limit("RATELIMIT_CART")."""
    return lambda: current_app.config[name]


def per_session_key() -> str:
    """Rate-limit key of one browser session: a digest of the random token the session holds for CSRF.

    Indonesian mobile carriers put many shoppers behind one public address (carrier NAT), so the
    tight limits are per session; a higher per-IP ceiling (the default key) stops a client that
    throws its cookie away to start afresh.

    Flask-WTF keeps one random token per session under its documented WTF_CSRF_FIELD_NAME; generate_csrf()
    puts one there if the session has none yet. Keyed by it, a client that replays the cookie it had
    (never keeping the one an answer sets) is still one session: an id minted at its first limited request
    was minted anew on every replay, and each got a fresh limit. Digested: the token stays out of the
    limiter's storage.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not session.get(field):
        generate_csrf()
    token = str(session[field]).encode()
    return "session:" + hashlib.blake2b(token, digest_size=12, person=b"rate-limit").hexdigest()


View = TypeVar("View", bound=Callable[..., object])


def csrf_exempt(view: View) -> View:
    """`@csrf.exempt` that keeps the view's type: Flask-WTF ships no type information, so its own
    decorator would make every view under it untyped for mypy."""
    csrf.exempt(view)
    return view
