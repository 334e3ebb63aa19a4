"""A Flask app whose request opens the session cookie on first use, not on every request.

Flask verifies and decodes the signed session cookie (HMAC, base64, JSON) as each request starts.
The 2-second status poll, Midtrans's notifications and static files never read the session, yet
paid that on every request. Here the request context opens it when something first reads
`flask.session` (a view, a template, CSRF protection); a request that never does skips the work and,
like a request that read the session without changing it, sends no Set-Cookie.

This leans on Flask's RequestContext internals (`_session`, and `process_response` saving only
sessions that are not a NullSession), which is why requirements.txt pins Flask exactly;
tests/test_lazy_session.py fails if a Flask upgrade changes them.
"""

from flask import Flask
from flask.ctx import RequestContext
from flask.sessions import NullSession


class _NotOpened(NullSession):
    """Stands in for the session until it is opened. Being a NullSession, Flask does not save it."""


NOT_OPENED = _NotOpened()


class LazySessionRequestContext(RequestContext):
    def push(self):
        if self._session is None:
            self._session = NOT_OPENED  # Flask's push() opens the session only while this is None
        super().push()

    @property
    def session(self):
        if self._session is NOT_OPENED:
            interface = self.app.session_interface
            opened = interface.open_session(self.app, self.request)
            self._session = interface.make_null_session(self.app) if opened is None else opened
        return super().session


class StorefrontFlask(Flask):
    def request_context(self, environ):
        return LazySessionRequestContext(self, environ)
