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
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from flask import current_app, get_flashed_messages, render_template, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.wrappers import Response

from .cart.cart import cart_count
from .i18n import select_locale
from .repeat_answers import answer_may_repeat

# The pages are per shopper (CSRF token, cart count): browsers may keep them but must ask each time.
PAGE_CACHE_CONTROL = "private, no-cache"
# Where a remembered page has the shopper's own parts. Neither can occur otherwise: every text from the
# database is escaped ("<" becomes "&lt;") and the catalog's cards use the same token placeholder.
CSRF_PLACEHOLDER = Markup("<csrf-token>")
BADGE_PLACEHOLDER = Markup("<cart-badge>")
# A remembered page is kept as the pieces between its placeholders, joined with the shopper's parts on each
# view: str.replace() scans a page holding any non-ASCII text ("–", "…") in its wide form, 20 µs for the
# catalog's, where joining takes 1 µs.
_SHOPPERS_PARTS = re.compile(f"({re.escape(str(CSRF_PLACEHOLDER))}|{re.escape(str(BADGE_PLACEHOLDER))})")
# Drawn pages kept per process (~25 KB each): the most visited catalog and product pages, in each language.
MAX_PAGES = 256
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


def _remembered() -> dict[str, Any]:
    """This app's revision and remembered pages (kept with the app: tests build several apps in one process)."""
    state: dict[str, Any] = current_app.extensions.setdefault(
        "storefront.conditional", {"revision": None, "pages": {}, "badges": {}}
    )
    return state


def code_revision() -> str:
    """A digest of the code and settings that draw pages, worked out once per app (a few milliseconds)."""
    remembered = _remembered()
    if remembered["revision"] is None:
        remembered["revision"] = _revision()
    revision: str = remembered["revision"]
    return revision


def _revision() -> str:
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


@dataclass(frozen=True)
class PageState:
    """What the current request's page is drawn from, as two digests."""

    # Everything but the shopper's own parts (CSRF token, cart badge): the key of the remembered page. None:
    # draw it afresh and keep nothing (a flashed message is waiting to be shown).
    shared: str | None
    # The shared digest with the shopper's parts: the ETag. None on a first visit (no CSRF token yet).
    etag: str | None


def page_state(data: Any) -> PageState:
    """The state of the page the current request would get, given the page's `data` (plain values)."""
    # Taken from the session for this request now, they are still there when the page is drawn.
    if get_flashed_messages():
        return PageState(None, None)
    shared = _digest(
        (
            code_revision(),
            request.full_path,
            request.headers.get("HX-Request"),
            request.headers.get("HX-Target"),
            request.headers.get("HX-History-Restore-Request"),
            select_locale(),
            data,
        )
    )
    # Flask-WTF keeps the session's CSRF token under its field name; every form of the page carries it.
    csrf = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return PageState(shared, _digest((shared, csrf, cart_count(session))) if csrf is not None else None)


def _digest(parts: Any) -> str:
    # repr() of tuples of str/int/None is the same in every process, so every worker gives the same tag.
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def serve_page(state: PageState, draw: Callable[..., Response]) -> Response:
    """A 304 when the browser's copy is current; else the page, remembered from an earlier drawing with this
    shopper's CSRF token and cart badge put in, or drawn by `draw(**context)` now (and remembered).

    Remembered pages are drawn with placeholders for the shopper's parts: the CSRF token (the `csrf_token`
    template function is given one) and the cart badge. A drawing that holds the shopper's real token
    anyway is served but not kept, so one shopper's token can never reach another.
    """
    if state.shared is None or current_app.debug:  # debug: templates are edited while serving
        return with_etag(draw(), state.etag)
    if current_app.config["WTF_CSRF_TIME_LIMIT"] is None:
        # The answer depends on nothing but the page's data and the request (its cookies: this shopper's
        # session), so the same request may get it again (storefront/repeat_answers.py). Only while CSRF
        # tokens never expire: an answer given again carries the token signed for the first.
        answer_may_repeat()
    if state.etag is not None and request.if_none_match.contains(state.etag):
        return with_etag(current_app.response_class(status=304), state.etag)
    pages = _remembered()["pages"]
    pieces: tuple[str, ...] | None = pages.get(state.shared)
    if pieces is None:
        drawn = draw(csrf_token=lambda: CSRF_PLACEHOLDER, cart_badge=BADGE_PLACEHOLDER)
        html = drawn.get_data(as_text=True)
        pieces = tuple(_SHOPPERS_PARTS.split(html))
        if drawn.status_code == 200 and generate_csrf() not in html:
            remember(pages, state.shared, pieces, MAX_PAGES)
    # Between the page's pieces, each placeholder in turn (re.split keeps them, at the odd places).
    parts: dict[str, str] = {CSRF_PLACEHOLDER: generate_csrf()}
    if BADGE_PLACEHOLDER in pieces:
        parts[BADGE_PLACEHOLDER] = _cart_badge()
    html = "".join(parts[piece] if n % 2 else piece for n, piece in enumerate(pieces))
    return with_etag(current_app.response_class(html, mimetype="text/html"), state.etag)


def remember(store: dict[Any, Any], key: Any, value: Any, limit: int) -> None:
    """Keep `value` under `key`, forgetting the oldest entry once `store` holds `limit` of them."""
    if len(store) >= limit:
        # The threads of a worker share the store: another may be removing the same oldest entry.
        with suppress(RuntimeError, KeyError, StopIteration):
            del store[next(iter(store))]
    store[key] = value


def _cart_badge() -> str:
    """The header's cart badge for this shopper: it shows only the count, in the page's language."""
    key = (select_locale(), cart_count(session))
    badges = _remembered()["badges"]
    if key not in badges:
        remember(badges, key, render_template("cart/_cart_badge.html"), MAX_PAGES)
    badge: str = badges[key]
    return badge


def with_etag(response: Response, etag: str | None) -> Response:
    if etag is not None:
        response.set_etag(etag)
        response.headers["Cache-Control"] = PAGE_CACHE_CONTROL
    response.vary.update(("HX-Request", "Cookie"))  # one update: each rewrites the header
    return response
