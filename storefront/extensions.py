"""Flask extensions, created unbound so any module can import them without importing the app."""

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
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
# Limits are declared per route with rate_limited(); storage comes from RATELIMIT_STORAGE_URI (Redis in
# production). There is no application-wide limit.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
_LIMITED_VIEWS = set()


def rate_limited(limit, **options):
    """Limit a view per client IP: `@rate_limited(configured_limit("RATELIMIT_CART"))` under its route."""

    def decorate(view):
        limited = limiter.limit(limit, **options)(view)
        _LIMITED_VIEWS.add(limited)
        return limited

    return decorate


@limiter.request_filter
def _route_has_no_limit():
    # Flask-Limiter resolves the limits of the matched route on every request, also of routes that have
    # none (~45 µs: most requests, the 2-second status poll among them). Only views declared with
    # rate_limited() have limits, so every other request skips that with one dictionary lookup.
    return current_app.view_functions.get(request.endpoint) not in _LIMITED_VIEWS


def configured_limit(name):
    """A limit read from the config at request time, e.g. configured_limit("RATELIMIT_CART")."""
    return lambda: current_app.config[name]
