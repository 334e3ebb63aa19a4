"""Conditional GET for pages built from the database: an ETag worked out before rendering, from everything the
page shows, so an unchanged page is a 304 without its template being drawn.

What goes into the tag: the page's data (given by the view: what it has just read from the database), the
request's address and htmx headers (which page or fragment), the language, the session's CSRF token and
cart count (in every page's header and forms), and the code's revision (templates, translations, Python,
the static files' manifest) and settings (store name, PUBLIC_URL, ...) so a deploy never answers 304 with an
old page. Two workers compute the same
tag for the same page. A page with a flashed message waiting is always drawn (drawing it shows the message).
"""

import hashlib
import os
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from flask import current_app, request, session
from werkzeug.wrappers import Response

from .cart.cart import cart_count
from .i18n import select_locale

# The pages are per shopper (CSRF token, cart count): browsers may keep them but must ask each time.
PAGE_CACHE_CONTROL = "private, no-cache"
_SOURCES = (("storefront", ".py"), ("templates", ".html"), ("templates", ".xml"), ("translations", ".po"))
# Settings left out of the revision: secrets (a digest of them has no business in a response header) and
# connection addresses (they draw nothing).
_NOT_DRAWN = ("SECRET", "PASSWORD", "KEY", "TOKEN", "DATABASE", "REDIS", "STORAGE")


def _source_files(root: str) -> Iterator[str]:
    for folder, suffix in _SOURCES:
        for directory, _dirs, files in sorted(os.walk(os.path.join(root, folder))):
            for name in sorted(files):
                if name.endswith(suffix):
                    yield os.path.join(directory, name)
    yield os.path.join(root, "static", "cache_manifest.json")


@lru_cache(maxsize=1)
def code_revision() -> str:
    """A digest of the code and settings that draw pages, worked out once per process (a few milliseconds)."""
    digest = hashlib.blake2b(digest_size=16)
    settings = sorted(
        (name, value)
        for name, value in current_app.config.items()
        if isinstance(value, str | int | bool) and not any(word in name for word in _NOT_DRAWN)
    )
    digest.update(repr(settings).encode())
    for path in _source_files(os.path.dirname(current_app.root_path)):
        try:
            with open(path, "rb") as f:
                digest.update(path.encode() + b"\0" + f.read())
        except OSError:
            digest.update(path.encode() + b"\0missing")
    return digest.hexdigest()


def page_etag(data: Any) -> str | None:
    """The tag of the page the current request would get, given the page's `data` (a tuple of plain values);
    None when it must be drawn anyway (a flashed message is waiting, or a first visit)."""
    # The session's CSRF token (Flask-WTF keeps it under its field name) is in every form of the page; a first
    # visit has none until the page is drawn, so it gets no tag.
    csrf = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if csrf is None or "_flashes" in session:
        return None
    parts = (
        code_revision(),
        request.full_path,
        request.headers.get("HX-Request"),
        request.headers.get("HX-Target"),
        request.headers.get("HX-History-Restore-Request"),
        select_locale(),
        csrf,
        cart_count(session),
        data,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def not_modified(etag: str | None) -> Response | None:
    """The 304 for a request whose If-None-Match names `etag`, else None (draw the page)."""
    if etag is None or not request.if_none_match.contains(etag):
        return None
    response = current_app.response_class(status=304)
    return with_etag(response, etag)


def with_etag(response: Response, etag: str | None) -> Response:
    if etag is not None:
        response.set_etag(etag)
        response.headers["Cache-Control"] = PAGE_CACHE_CONTROL
    response.vary.add("HX-Request")
    response.vary.add("Cookie")
    return response
