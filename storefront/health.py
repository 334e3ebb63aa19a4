"""`GET /healthz` for the PaaS health checker: is the database answering, with the schema this code expects?

A release whose `flask db upgrade` failed would otherwise go live against an old schema and fail on the
first order; answering 503 then keeps the old release serving (or the new one out of the router). The
answer says only "ok", "unavailable" or "outdated": no versions, hosts or error texts.
"""

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db, migrate

bp = Blueprint("health", __name__)

_HEADS = "storefront_migration_heads"


def expected_heads(app: Flask) -> frozenset[str]:
    """The latest revision(s) in migrations/, read once per process (the files do not change)."""
    heads = app.extensions.get(_HEADS)
    if heads is None:
        heads = frozenset(ScriptDirectory.from_config(migrate.get_config()).get_heads())
        app.extensions[_HEADS] = heads
    return heads


def database_state() -> str:
    """ "ok", "outdated" (reachable, but not at the latest migration) or "unavailable"."""
    expected = expected_heads(current_app)
    try:
        # A connection of its own: the answer must not depend on (or disturb) a request session.
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        current_app.logger.warning("health check: database unavailable")
        return "unavailable"
    return "ok" if current == expected else "outdated"


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    state = database_state()
    response = jsonify(database=state)
    response.status_code = 200 if state == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response
