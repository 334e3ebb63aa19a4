"""The outbox: queue a message once per event, deliver it at most once, outside any request.

A signal receiver only inserts a row (`enqueue`); a unique key per order and event means a repeated
event cannot queue a second message. Delivery claims a row with one conditional UPDATE (pending ->
sending) before sending, so two senders (the background thread and `flask mail retry`) never send the
same row. A row stuck in "sending" (the process died mid-send) is not retried unless asked: it may
have gone out.
"""

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal, cast

from flask import Flask
from sqlalchemy import ColumnElement, CursorResult, event, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..appctx import the_app
from ..database import in_write_transaction, write_transaction
from ..extensions import db
from ..models import utcnow
from . import transport
from .messages import render
from .models import OutboxMessage
from .state import MailState, mail_state

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)
# session.info keys: the app whose queued rows wait for this transaction's commit; hooks installed.
_AFTER_COMMIT = "storefront_mail_after_commit"
_HOOKED = "storefront_mail_hooked"
# Both dialects' INSERT ... ON CONFLICT DO NOTHING, by the engine's dialect name.
_INSERTS: dict[str, Callable[[type[OutboxMessage]], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}


def enqueue(
    order_id: int | None, kind: str, dedupe_key: str, recipient: str, locale: str, data: dict[str, object] | None = None
) -> bool:
    """Queue a message unless one with this key exists. Returns True if this call queued it."""
    values = {
        "dedupe_key": dedupe_key[:120],
        "kind": kind,
        "order_id": order_id,
        "recipient": recipient,
        "locale": locale,
        "data": data or {},
        "status": "pending",
        "attempts": 0,
        "created_at": utcnow(),
    }
    insert = (
        _INSERTS[db.engine.dialect.name](OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)  # a row only when inserted (rowcount is not reliable here on psycopg)
    )
    if in_write_transaction():
        # The caller's transaction (the change that causes this e-mail): the row commits with it, and
        # sending starts only after that commit. A crash in between leaves it for `flask mail retry`.
        inserted = db.session.execute(insert).scalar_one_or_none() is not None
        if inserted:
            _deliver_after_commit(the_app())
        return inserted
    with write_transaction():
        inserted = db.session.execute(insert).scalar_one_or_none() is not None
    if inserted:
        start_background_delivery(the_app())
    return inserted


def _deliver_after_commit(app: Flask) -> None:
    session = db.session()
    session.info[_AFTER_COMMIT] = app
    if not session.info.get(_HOOKED):
        session.info[_HOOKED] = True
        event.listen(session, "after_commit", _start_after_commit)
        event.listen(session, "after_rollback", _forget_after_rollback)


def _start_after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint (a mail receiver's) was released; the transaction itself goes on
    app = session.info.pop(_AFTER_COMMIT, None)
    if app is not None:
        start_background_delivery(app)


def _forget_after_rollback(session: Session) -> None:
    # Rolled back: nothing was queued, and a later commit must not be taken for this one.
    if session.get_nested_transaction() is None:
        session.info.pop(_AFTER_COMMIT, None)


def deliver_pending(*, retry_failed: bool = False, include_stuck: bool = False, limit: int = 200) -> tuple[int, int]:
    """Send what is waiting; returns (sent, failed) counts."""
    statuses = ["pending"] + (["failed"] if retry_failed else [])
    condition: ColumnElement[bool] = OutboxMessage.status.in_(statuses)
    if include_stuck:
        condition = condition | (
            (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < utcnow() - STUCK_AFTER)
        )
    ids = (
        db.session.execute(db.select(OutboxMessage.id).where(condition).order_by(OutboxMessage.id).limit(limit))
        .scalars()
        .all()
    )
    db.session.rollback()
    sent = failed = 0
    for message_id in ids:
        outcome = deliver(message_id, include_stuck=include_stuck)
        sent += outcome == "sent"
        failed += outcome == "failed"
    return sent, failed


def deliver(message_id: int, *, include_stuck: bool = False) -> Literal["sent", "failed"] | None:
    """Claim, render and send one message. Returns "sent", "failed" or None (someone else has it)."""
    if not _claim(message_id, include_stuck):
        return None
    app = the_app()
    message = db.session.get_one(OutboxMessage, message_id)
    if message.kind in mail_state(app)["checks"] and not _still_wanted(app, message):
        return None
    recipient = message.recipient
    try:
        # Links come from PUBLIC_URL (see urls.py); the request context only carries the locale machinery.
        with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
            subject, body = render(message)
        db.session.rollback()  # no transaction stays open while the mail server is talked to
        transport.send(app.config, transport.build_message(app.config, recipient, subject, body))
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row and retried later
        log.warning("e-mail %s to %s failed: %s", message_id, recipient, exc)
        _finish(message_id, "failed", f"{type(exc).__name__}: {exc}")
        return "failed"
    _finish(message_id, "sent", None)
    return "sent"


def _still_wanted(app: Flask, message: OutboxMessage) -> bool:
    """For kinds decided at sending time (see init_mail): the order to send for, tied to the message
    with the address on the order; or none, and the message is dropped. True if it is to be sent."""
    order = mail_state(app)["checks"][message.kind](message)
    with write_transaction():
        row = db.session.get(OutboxMessage, message.id)
        assert row is not None  # claimed by this sender a moment ago
        if order is None:
            row.status = "dropped"
            return False
        row.order_id, row.recipient = order.id, order.email
    return True


def _claim(message_id: int, include_stuck: bool) -> bool:
    now = utcnow()
    claimable: ColumnElement[bool] = OutboxMessage.status.in_(["pending", "failed"])
    if include_stuck:
        claimable = claimable | ((OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STUCK_AFTER))
    with write_transaction():
        # An UPDATE's result is a CursorResult (the session's execute() is typed for any statement).
        result = cast(
            CursorResult[Any],
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, claimable)
                .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
            ),
        )
        return result.rowcount == 1


def _finish(message_id: int, status: str, error: str | None) -> None:
    with write_transaction():
        message = db.session.get_one(OutboxMessage, message_id)
        message.status = status
        message.last_error = error[:255] if error else None
        if status == "sent":
            message.sent_at = utcnow()


# ---------------------------------------------------------------------------------------------------
# Background delivery: a thread started on demand, per process, that drains the outbox and ends.
# ---------------------------------------------------------------------------------------------------


def background_enabled(app: Flask) -> bool:
    # Tests deliver explicitly (deterministic, MAIL_BACKGROUND off); one test switches the thread on.
    return bool(app.config["MAIL_BACKGROUND"])


def start_background_delivery(app: Flask) -> None:
    if not background_enabled(app):
        return
    state = mail_state(app)
    with state["lock"]:
        state["wanted"] = True
        thread = state.get("thread")
        if thread is not None and thread.is_alive():
            return
        thread = threading.Thread(target=_drain, args=(app, state), name="mail-outbox", daemon=True)
        state["thread"] = thread
        thread.start()


def _drain(app: Flask, state: MailState) -> None:
    while True:
        with state["lock"]:
            if not state.get("wanted"):
                state["thread"] = None
                return
            state["wanted"] = False
        try:
            with app.app_context():
                deliver_pending()
        except Exception:  # noqa: BLE001 - a thread must not die loudly; `flask mail retry` picks up
            log.exception("background e-mail delivery failed")
