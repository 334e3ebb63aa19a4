"""The status poll's answers, and the shortcut that gives them without going through Flask.

Every open order page asks `GET /orders/<token>/status` every 2 s, and nearly every answer is "unchanged"
(304) or the fragment it already drew. Flask's request handling around the poll (request context, the
hooks every view pays: the limiter's, the NUL guard, security headers, the session, SQLAlchemy's teardown)
cost about twice the poll's own work (bench/RESULTS.md, issue #20). `StatusShortcut` is WSGI middleware in
front of Flask (the documented way to add middleware: wrapping `app.wsgi_app`) that reads the poll's one
row and answers:

the answer Flask gave, byte for byte (status, headers, body), to an earlier poll in this process that
asked the same thing: the same order state (the ETag), language, scheme, accepted encodings and whether its
If-None-Match matched. Nothing is written by hand: the first such poll goes through Flask (its view, every
hook, Flask-Compress) and the shortcut keeps what came out, when the view says it may: a 304, or a fragment
whose drawing did not read the shopper's session (a "Pay now" form carries the session's CSRF token: such
a fragment is drawn for each poll) and that sets no cookie.

Anything else (another path, a query string, a HEAD, a Host that is not the shop's, an unknown token)
goes to Flask as before, with the row already read handed over in the WSGI environ, so the poll stays ONE
query whichever way it is answered. The ETag's and the language cookie's rules are the view's, from the
same functions.
"""

import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from flask import Flask, request
from sqlalchemy import Engine
from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_cookie, parse_etags
from werkzeug.wsgi import get_host

from ..conditional import remember
from ..database import single_read_options
from ..extensions import db
from ..i18n import LANGUAGE_COOKIE, language_from_cookie
from ..model_base import utcnow
from ..order_status import FINAL
from .queries import StatusRow, status_row

# The row the shortcut read, for the view to use instead of reading it again.
POLLED_ROW = "storefront.polled_row"
# Set by the view (to the ETag it answered for) when its answer may be given again to the same question.
REPEATABLE = "storefront.poll_repeatable"
# Answers kept per process (a few KB each): one per open order page's state, language and browser kind.
MAX_ANSWERS = 2048
_EXTENSION = "storefront.poll_answers"
# /orders/<token>/status, the token as orders are given it (secrets.token_urlsafe): anything else is Flask's.
_STATUS_PATH = re.compile(r"/orders/([A-Za-z0-9_-]{1,64})/status")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Question(NamedTuple):
    """Everything Flask's answer to a poll depends on."""

    etag: str  # the order's state and the language
    secure: bool  # https: the answer carries HSTS
    accept_encoding: str  # Flask-Compress may compress the fragment
    not_modified: bool  # the browser's copy is current: 304


class Answer(NamedTuple):
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def status_etag(row: StatusRow, language: str) -> str:
    """The fragment depends only on what bumps status_version, on whether the payment window has passed
    (then "continue payment" gives way to "pay now"), and on the language it is shown in."""
    return f"{row.id}-{row.status_version}-{int(window_passed(row.expires_at))}-{language}"


def window_passed(expires_at: Any) -> bool:
    """Whether the current attempt's time to pay is over (False without an attempt)."""
    return expires_at is not None and expires_at <= utcnow()


def answer_may_repeat(etag: str) -> None:
    """The view's word that its answer for `etag` holds nothing of this request's own (no session data)."""
    request.environ[REPEATABLE] = etag


class StatusShortcut:
    """WSGI middleware giving a poll the answer Flask gave to the same question before."""

    def __init__(self, engine: Engine, trusted_hosts: list[str] | None, wsgi_app: WSGIApp) -> None:
        self.engine = engine
        self.single_read = single_read_options(engine)
        self.trusted_hosts = trusted_hosts
        self.wsgi_app = wsgi_app
        self.answers: dict[Question, Answer] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        match = _STATUS_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or environ["REQUEST_METHOD"] != "GET" or environ.get("QUERY_STRING"):
            return self.wsgi_app(environ, start_response)
        question = self.question(match.group(1), environ)
        if question is None:
            return self.wsgi_app(environ, start_response)
        answer = self.answers.get(question)
        if answer is None:
            return self.ask_flask(question, environ, start_response)
        start_response(answer.status, list(answer.headers))
        return [answer.body]

    def question(self, token: str, environ: dict[str, Any]) -> Question | None:
        """What this poll asks, from the order's row (handed on to the view); None: Flask's to answer."""
        try:
            get_host(environ, self.trusted_hosts)
        except SecurityError:
            return None  # Flask answers 400, as for any page
        with self.engine.connect().execution_options(**self.single_read) as connection:
            row = status_row(connection, token)
        if row is None:
            return None  # Flask answers 404
        environ[POLLED_ROW] = row
        cookies = environ.get("HTTP_COOKIE", "")
        language = language_from_cookie(
            parse_cookie(cookies).get(LANGUAGE_COOKIE) if LANGUAGE_COOKIE in cookies else None
        )
        etag = status_etag(row, language)
        return Question(
            etag,
            environ["wsgi.url_scheme"] == "https",
            environ.get("HTTP_ACCEPT_ENCODING", ""),
            row.payment_status not in FINAL and parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains(etag),
        )

    def ask_flask(self, question: Question, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Flask's answer, kept when the view says it may be given again and it sets no cookie."""
        given: list[Any] = []

        def keep_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            given[:] = [status, list(headers)]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, keep_start)
        if environ.get(REPEATABLE) != question.etag or any(name.lower() == "set-cookie" for name, _ in given[1]):
            return body
        try:
            content = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        remember(self.answers, question, Answer(given[0], given[1], content), MAX_ANSWERS)
        return [content]


def init_status_shortcut(app: Flask) -> None:
    """Put the shortcut in front of the app (inside ProxyFix, which must set the scheme first)."""
    with app.app_context():
        engine = db.engine
    app.wsgi_app = StatusShortcut(engine, app.config["TRUSTED_HOSTS"], app.wsgi_app)  # type: ignore[method-assign]
