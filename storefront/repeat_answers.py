"""Answers given again in front of Flask: a request that asks exactly what an earlier one asked gets, byte for
byte, the answer Flask gave to it in this worker.

The shop's most repeated requests (the status poll every open order page sends every 2 s; a shopper's catalog
and product pages) spent about two thirds of their CPU in Flask's handling around the view: the request
context, the hooks every request pays (the rate limiter's, the NUL guard, CSRF, security headers, the cookie
session, SQLAlchemy's teardown), and for pages the session's decoding and the CSRF token's signing
(bench/RESULTS.md, issue #20). `RepeatedAnswers` is WSGI middleware in front of Flask (the documented way to
add middleware: wrapping `app.wsgi_app`). For a GET on one of its routes it reads, now, what the answer
depends on from the database (the route's `ask`: the order's row; the page's products), and with it and
the request's own address and the headers the route names (cookies, htmx's headers), plus the scheme,
accepted encodings and If-None-Match, forms the question. If this worker's Flask answered the same question
before, that answer is given again; else Flask answers (the route's reading handed over to the view, so no
query runs twice) and its answer is kept if the view said it may be repeated (`answer_may_repeat`) and it
sets no cookie.

Nothing of an answer is written here: every kept answer is one Flask produced (its view, every hook,
Flask-Compress). What a view says may repeat is its business: an answer that read anything not in the
question (a poll fragment with a "Pay now" form carrying the session's CSRF token, a page drawn with a
flashed message) is not.
"""

import re
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, NamedTuple, Protocol

from flask import Flask, current_app, has_app_context, request
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# What a route's `ask` read, for the view to use instead of reading it again.
HANDED_OVER = "storefront.handed_over"
# Set by the view when its answer holds nothing that is not in the question.
REPEATABLE = "storefront.answer_may_repeat"
# Kept answers per worker, in bytes of body (oldest forgotten first): a page is ~10-25 KB, a poll's ~4 KB.
BUDGET_BYTES = 16 * 1024 * 1024


class Route(Protocol):
    """A GET address whose answers may be given again, and what they depend on."""

    path: re.Pattern[str]  # matched against the whole PATH_INFO
    headers: tuple[str, ...]  # WSGI environ keys of the request headers its answers depend on
    in_app_context: bool  # `ask` needs the app's context (the database session); Flask's request shares it

    def ask(self, match: re.Match[str], environ: dict[str, Any]) -> Hashable | None:
        """What the answer depends on beyond the request (read now); None: Flask's to answer.

        May put what it read in environ[HANDED_OVER] for the view."""


class Answer(NamedTuple):
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def answer_may_repeat() -> None:
    """The view's word that its answer depends only on the question (the request, the data handed over)."""
    request.environ[REPEATABLE] = True


def handed_over() -> Any:
    """What the route read for this request (None if Flask is answering it without the middleware's help)."""
    return request.environ.get(HANDED_OVER)


class RepeatedAnswers:
    """WSGI middleware giving a request the answer Flask gave to the same question before, in this worker."""

    def __init__(self, app: Flask, routes: Sequence[Route]) -> None:
        self.app = app
        self.wsgi_app: WSGIApp = app.wsgi_app
        self.routes = routes
        self.trusted_hosts: list[str] | None = app.config["TRUSTED_HOSTS"]
        self.answers: dict[tuple[Hashable, ...], Answer] = {}
        self.kept_bytes = 0
        self.lock = threading.Lock()  # a gthread worker's threads share the answers

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        found = self.route_for(environ)
        if found is None:
            return self.wsgi_app(environ, start_response)
        route, match = found
        if route.in_app_context and not (has_app_context() and current_app == self.app):
            # As Flask does for a request: one app context for the request, this app's if one is current
            # already (a test's); Flask's request context then shares it.
            with self.app.app_context():
                return self.answer(route, match, environ, start_response)
        return self.answer(route, match, environ, start_response)

    def route_for(self, environ: dict[str, Any]) -> tuple[Route, re.Match[str]] | None:
        if environ["REQUEST_METHOD"] != "GET":
            return None
        path = environ.get("PATH_INFO", "")
        for route in self.routes:
            match = route.path.fullmatch(path)
            if match is not None:
                try:
                    get_host(environ, self.trusted_hosts)
                except SecurityError:
                    return None  # Flask answers 400, as for any page
                return route, match
        return None

    def answer(
        self, route: Route, match: re.Match[str], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        data = route.ask(match, environ)
        if data is None:
            return self.wsgi_app(environ, start_response)
        question = (
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ["wsgi.url_scheme"],  # https answers carry HSTS
            environ.get("HTTP_ACCEPT_ENCODING", ""),  # Flask-Compress may have compressed it
            environ.get("HTTP_IF_NONE_MATCH", ""),  # 304 or not
            *(environ.get(name, "") for name in route.headers),
            data,
        )
        answer = self.answers.get(question)
        if answer is None:
            return self.ask_flask(question, environ, start_response)
        start_response(answer.status, list(answer.headers))
        return [answer.body]

    def ask_flask(
        self, question: tuple[Hashable, ...], environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Flask's answer, kept when the view says it may be repeated and it sets no cookie."""
        given: list[Any] = []

        def keep_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            given[:] = [status, list(headers)]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, keep_start)
        if not environ.get(REPEATABLE) or any(name.lower() == "set-cookie" for name, _ in given[1]):
            return body
        try:
            content = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        self.keep(question, Answer(given[0], given[1], content))
        return [content]

    def keep(self, question: tuple[Hashable, ...], answer: Answer) -> None:
        with self.lock:
            old = self.answers.pop(question, None)
            self.kept_bytes += len(answer.body) - (len(old.body) if old else 0)
            self.answers[question] = answer
            while self.kept_bytes > BUDGET_BYTES and self.answers:
                self.kept_bytes -= len(self.answers.pop(next(iter(self.answers))).body)
