"""A session interface whose session verifies and decodes the cookie on first use, not on every request.

Flask opens the session as each request starts, and the signed cookie session verifies and decodes the
cookie there (HMAC, base64, JSON). The 2-second status poll, Midtrans's notifications and static files
never read the session, yet paid that on every request. `LazySessionInterface.open_session` hands Flask
a `LazySession` that decodes the cookie the first time something reads or writes it (a view, a
template, CSRF protection). A request that never does skips the work and, like one that read the
session without changing it, sends no Set-Cookie. Only Flask's public `SessionInterface` is used.
"""

from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, Request, Response, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin


class LazySession(SessionMixin):
    """Stands in for the cookie session and opens it on first use; afterwards forwards everything to it."""

    def __init__(self, load: Callable[[], SessionMixin]) -> None:
        self._load = load
        self._opened: SessionMixin | None = None

    @property
    def is_opened(self) -> bool:
        return self._opened is not None

    @property
    def opened(self) -> SessionMixin:
        """The real session, decoding the cookie now if nothing has yet."""
        if self._opened is None:
            self._opened = self._load()
        return self._opened

    def __getitem__(self, key: str) -> Any:
        return self.opened[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.opened[key] = value

    def __delitem__(self, key: str) -> None:
        del self.opened[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.opened)

    def __len__(self) -> int:
        return len(self.opened)

    @property
    def permanent(self) -> bool:
        return self.opened.permanent

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self.opened.permanent = value

    @property
    def modified(self) -> bool:
        return self.is_opened and self.opened.modified

    @modified.setter
    def modified(self, value: bool) -> None:
        self.opened.modified = value

    @property
    def accessed(self) -> bool:
        return self.is_opened and self.opened.accessed

    @accessed.setter
    def accessed(self, value: bool) -> None:
        # Flask sets this whenever the request context's `session` is looked up, also by Flask itself
        # after every request; that alone must not open the cookie.
        if self.is_opened:
            self.opened.accessed = value

    @property
    def new(self) -> bool:
        return self.opened.new

    @new.setter
    def new(self, value: bool) -> None:
        self.opened.new = value


class LazySessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, decoded only when the request uses it."""

    def open_session(self, app: Flask, request: Request) -> LazySession:  # type: ignore[override]
        def load() -> SessionMixin:
            session = self.decode_session(app, request)
            return self.make_null_session(app) if session is None else session

        return LazySession(load)

    def decode_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """The real work of opening: verify and decode the cookie (None without a SECRET_KEY)."""
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if isinstance(session, LazySession):
            if not session.is_opened:
                return  # never read: the cookie stays as it is, and no Vary: Cookie is needed
            session = session.opened
        if self.is_null_session(session):
            return
        super().save_session(app, session, response)


def session_untouched() -> bool:
    """True while the current request has not read or written its session: nothing it drew came from it."""
    current = session
    return isinstance(current, LazySession) and not current.is_opened
