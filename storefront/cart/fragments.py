"""The htmx add's answer drawn once and remembered per process: the add form saying "added", and the badge.

Every add of the same variant draws the same two fragments: the add form with its message, and the header's
cart badge (out of band): 140 of an add's 1,450 µs in-process. The form is drawn with a placeholder for
the shopper's CSRF token (as the catalog's cards are) and kept under everything it shows: the language, the
layout, the product and variant, the variant's name, the units the form offers and the message. The badge is
kept under the language and the count. A change of any of them (a rename, stock falling below what the form
offers) is a new key at the next add: nothing to invalidate, and every worker draws the same.
"""

from typing import Any

from flask import current_app, render_template, session
from flask_wtf.csrf import generate_csrf

from ..catalog.listing import CardProduct, CardVariant
from ..conditional import CSRF_PLACEHOLDER, remember
from ..i18n import select_locale
from .cart import cart_count, max_quantity_for

# ~1.5 KB per form: every variant of a 500-product shop in two languages and both layouts, and the badges.
MAX_FRAGMENTS = 4096


def _remembered() -> dict[tuple[Any, ...], str]:
    # Kept with the app: tests build several apps, with other templates and settings, in one process.
    store: dict[tuple[Any, ...], str] = current_app.extensions.setdefault("storefront.cart_fragments", {})
    return store


def _draw(key: tuple[Any, ...], template: str, private: str | None = None, **context: Any) -> str:
    """The template drawn with `context`, remembered under `key` unless the drawing holds `private` (the
    shopper's own token: served, never kept, so it cannot reach another). Drawn each time in debug (templates
    are edited while serving)."""
    store = _remembered()
    html = store.get(key)
    if html is None:
        html = render_template(template, **context)
        if not current_app.debug and not (private and private in html):
            remember(store, key, html, MAX_FRAGMENTS)
    return html


def added_form(product: CardProduct, variant: CardVariant, layout: str, message: str) -> str:
    """The add form, as it answers a successful add of `variant`, with this shopper's CSRF token."""
    key = ("form", select_locale(), layout, product.id, variant.id, variant.name, max_quantity_for(variant), message)
    token = generate_csrf()
    html = _draw(
        key,
        "catalog/_add_form.html",
        private=token,
        product=product,
        chosen=variant,
        layout=layout,
        added_message=message,
        add_form_csrf=CSRF_PLACEHOLDER,
    )
    return html.replace(CSRF_PLACEHOLDER, token)


def oob_cart_badge() -> str:
    """The header's cart badge as an out-of-band swap: only the count, in the shopper's language."""
    return _draw(("badge", select_locale(), cart_count(session)), "cart/_cart_badge.html", oob=True)
