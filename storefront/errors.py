"""Error pages: the same friendly page for browsers, a short text for htmx; never a traceback."""

import logging

from flask import Flask, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError, ServiceUnavailable

from .extensions import db

log = logging.getLogger(__name__)


def _render(code: int, error: Exception | None = None) -> ResponseReturnValue:
    template = "errors/error.html"
    if request.headers.get("HX-Request") == "true":
        template = "errors/_error_fragment.html"
    return render_template(template, code=code, error=error), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return _render(400, error)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> ResponseReturnValue:
        # A Host that is not the shop's (TRUSTED_HOSTS): no URL can be built for it, so the page,
        # whose links need one, cannot be rendered. No shopper gets here, only a misdirected client.
        return error

    @app.errorhandler(RateLimitExceeded)
    def too_many_requests(error: RateLimitExceeded) -> ResponseReturnValue:
        response = make_response(_render(429, error))
        # When to try again: at the latest when the limit's window has passed (Flask-Limiter's own headers,
        # with the exact moment, are off: config.py).
        response.headers["Retry-After"] = str(error.limit.limit.get_expiry())
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error.code is None or error.code < 400:
            return error
        return _render(error.code, error)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError) -> ResponseReturnValue:
        db.session.rollback()
        log.error("database unavailable: %s", type(error).__name__)
        return _render(503, ServiceUnavailable())

    # For InternalServerError, not Exception: in debug and tests Flask lets a bug raise with its
    # traceback; in production it logs the bug and hands this handler an InternalServerError.
    @app.errorhandler(InternalServerError)
    def unexpected(error: InternalServerError) -> ResponseReturnValue:
        db.session.rollback()
        return _render(500, error)
