"""The status poll's question, for the answers given again in front of Flask (storefront/repeat_answers.py).

Every open order page asks `GET /orders/<token>/status` every 2 s, and nearly every answer is "unchanged"
(304) or the fragment the view drew already. The poll's route reads the order's one row (handed over to the
view, so the poll stays ONE query whichever way it is answered) and asks with the ETag: the order's state,
whether the payment window has passed, and the language; the view says its answer may repeat unless its
drawing read the session (a "Pay now" form carries the session's CSRF token: such a fragment is drawn for
each poll). The ETag's and the language cookie's rules are the view's, from the same functions.
"""

import re
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_cookie

from ..database import autocommit_options
from ..i18n import LANGUAGE_COOKIE, language_from_cookie
from ..model_base import utcnow
from ..repeat_answers import HANDED_OVER
from .queries import StatusRow, status_row


def status_etag(row: StatusRow, language: str) -> str:
    """The fragment depends only on what bumps status_version, on whether the payment window has passed
    (then "continue payment" gives way to "pay now"), and on the language it is shown in."""
    return f"{row.id}-{row.status_version}-{int(window_passed(row.expires_at))}-{language}"


def read_status_row(engine: Engine, access_token: str) -> StatusRow | None:
    """The poll's one read, on a pooled connection with no transaction around it (nor an ORM session)."""
    with engine.connect().execution_options(**autocommit_options(engine)) as connection:
        return status_row(connection, access_token)


def window_passed(expires_at: Any) -> bool:
    """Whether the current attempt's time to pay is over (False without an attempt)."""
    return expires_at is not None and expires_at <= utcnow()


def language_of(environ: dict[str, Any]) -> str:
    """The language the request's `lang` cookie asks for, read from the raw header (no Flask request here)."""
    cookies = environ.get("HTTP_COOKIE", "")
    return language_from_cookie(parse_cookie(cookies).get(LANGUAGE_COOKIE) if LANGUAGE_COOKIE in cookies else None)


class StatusPoll:
    """`/orders/<token>/status` (the token as orders are given it, secrets.token_urlsafe)."""

    path = re.compile(r"/orders/([A-Za-z0-9_-]{1,64})/status")
    headers: tuple[str, ...] = ()  # the language is in the ETag; nothing else of the request is read
    in_app_context = False  # one query on a pooled connection: no database session, no app context

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ask(self, match: re.Match[str], environ: dict[str, Any]) -> str | None:
        try:
            row = read_status_row(self.engine, match.group(1))
        except SQLAlchemyError:
            return None  # Flask's view meets the error again and answers it as any page's
        if row is None:
            return None  # Flask answers 404
        environ[HANDED_OVER] = row
        return status_etag(row, language_of(environ))
