"""Transaction boundaries that behave the same on SQLite and PostgreSQL.

This is SQLAlchemy's documented pysqlite recipe ("Serializable isolation / Savepoints / Transactional
DDL"): the driver's own transaction handling is switched off on connect, and the "begin" event emits
BEGIN itself -- here BEGIN IMMEDIATE for writes.

SQLite allows one writer at a time. A deferred transaction that reads first and writes later must
upgrade its lock, and if another connection wrote meanwhile SQLite fails at once with "database is
locked" without honouring busy_timeout. So every write transaction here starts with BEGIN IMMEDIATE:
it waits (busy_timeout) for the write lock up front, then reads and writes safely. Read-only requests
keep plain deferred transactions so status polls never queue behind writers (WAL lets them read).

On PostgreSQL the same code relies on row locks (`SELECT ... FOR UPDATE`, conditional UPDATEs).
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

from .extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15000
_AUTOCOMMIT = "storefront_autocommit"
_WRITE_OPTION = "storefront_write"


def configure_engine(engine: Engine) -> None:
    """Install the SQLite pragmas and BEGIN handling; a no-op for other databases."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get(_AUTOCOMMIT):
            return  # each statement its own transaction (see autocommit_options)
        if options.get(_WRITE_OPTION):
            # Through SQLAlchemy: "database is locked" after busy_timeout must surface as its
            # OperationalError (answered 503), like any other statement's.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # Every read-only request begins here, the 2-second status poll included: a deferred BEGIN
            # takes no lock, so status polls never queue behind writers.
            connection.exec_driver_sql("BEGIN")


def autocommit_options(engine: Engine) -> dict[str, object]:
    """Execution options for a connection whose statements each stand alone, each its own transaction: ONE
    read-only statement (the status poll's, a product page's: a single statement reads a consistent state by
    itself), or a read and then a write that depends on nothing held between them (a repeated notification's
    event-log row). SQLite: no BEGIN (switching its isolation level would cost a PRAGMA each way), so each
    statement commits by itself and a write takes the lock only for its own statement, waiting busy_timeout
    for it; PostgreSQL: autocommit, sparing the BEGIN and COMMIT/ROLLBACK round trips."""
    if engine.dialect.name == "sqlite":
        return {_AUTOCOMMIT: True}
    return {"isolation_level": "AUTOCOMMIT"}


def reads_options(engine: Engine) -> dict[str, object]:
    """Execution options for a connection that runs a few read-only statements and nothing else (the catalog
    page's). SQLite: none, its deferred BEGIN gives them one snapshot (WAL). PostgreSQL: autocommit, sparing
    the BEGIN and ROLLBACK round trips: under READ COMMITTED each statement takes its own snapshot inside a
    transaction too, so one would make them no more consistent."""
    if engine.dialect.name == "sqlite":
        return {}
    return {"isolation_level": "AUTOCOMMIT"}


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run the block as one atomic write transaction and commit it; roll back on any exception.

    Any read-only transaction the request already opened is closed first, so the write lock is taken
    before the first read of the block (see the module docstring).
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={_WRITE_OPTION: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def in_write_transaction() -> bool:
    """True inside `write_transaction()`: work added now commits (or rolls back) with that block."""
    session = db.session()
    return session.in_transaction() and bool(session.connection().get_execution_options().get(_WRITE_OPTION))


def render_migration_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | Literal[False]:
    """Alembic autogenerate: write UTCDateTime as the plain DateTime it stores, so migrations never
    import the app's models."""
    from .models import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False
