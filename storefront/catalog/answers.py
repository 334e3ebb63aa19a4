"""The catalog's pages as routes of the answers given again in front of Flask (storefront/repeat_answers.py).

A page is asked with the data it shows, read now exactly as its view reads it (catalog/pages.py) and handed
over to the view, and with the request's cookies (the shopper's session: CSRF token, cart count, a flashed
message; the language) and htmx's headers (page or fragment). So an unchanged page asked again by the same
browser gets the answer Flask gave it, and any change of stock, price, a variant or a picture is a new
question, drawn by Flask. Both routes run in an app context (the app's engine and settings), which Flask's
request then shares.
"""

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from ..repeat_answers import HANDED_OVER
from .pages import CatalogPage, ProductPage, catalog_page_for, product_page_for

# The request headers a page's answer depends on: the cookies, and the htmx headers a fragment is chosen by.
PAGE_HEADERS: tuple[str, ...] = (
    "HTTP_COOKIE",
    "HTTP_HX_REQUEST",
    "HTTP_HX_TARGET",
    "HTTP_HX_TRIGGER",
    "HTTP_HX_BOOSTED",
    "HTTP_HX_HISTORY_RESTORE_REQUEST",
    "HTTP_HX_CURRENT_URL",
)


def _handed_over(environ: dict[str, Any], read: Callable[[], CatalogPage | ProductPage]) -> Any:
    """The page's data as its view reads it, handed over to the view; None leaves the request to Flask."""
    try:
        page = read()
    except HTTPException:
        return None  # no such product on sale: Flask answers 404
    except SQLAlchemyError:
        return None  # Flask's view meets the error again and answers it as any page's
    environ[HANDED_OVER] = page
    return page.data


class CatalogIndex:
    path = re.compile(r"/")
    headers: tuple[str, ...] = PAGE_HEADERS
    in_app_context = True

    def ask(self, match: re.Match[str], environ: dict[str, Any]) -> Any:
        # The query string parsed as Flask's request.args is.
        return _handed_over(environ, lambda: catalog_page_for(Request(environ).args))


class ProductDetail:
    # Slugs as the back office makes them; any other address is Flask's alone.
    path = re.compile(r"/products/([A-Za-z0-9_-]{1,120})")
    headers: tuple[str, ...] = PAGE_HEADERS
    in_app_context = True

    def ask(self, match: re.Match[str], environ: dict[str, Any]) -> Any:
        return _handed_over(environ, lambda: product_page_for(match.group(1)))
