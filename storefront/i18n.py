"""Language choice: Bahasa Indonesia by default, English on request, remembered in a cookie for a year.

The choice has its own cookie rather than a key in the session: the 2-second status poll depends on
the language (its fragment and ETag) and on nothing else the session holds, so it never has to open
the signed session cookie (see storefront/lazy_session.py). The value is only ever compared with
LANGUAGES, so it needs no signature.
"""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, request, url_for
from werkzeug.wrappers import Response

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    return language_from_cookie(request.cookies.get(LANGUAGE_COOKIE))


def language_from_cookie(value: str | None) -> str:
    """The language a `lang` cookie holding `value` asks for (the default for none or anything else)."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: an open redirect would let others phish with our domain."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.post("/language")
def set_language() -> Response:
    lang = request.form.get("lang")
    response = redirect(safe_next(request.form.get("next"), url_for("catalog.index")), code=303)
    if lang in LANGUAGES:
        config = current_app.config
        response.set_cookie(
            LANGUAGE_COOKIE,
            lang,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite=config["SESSION_COOKIE_SAMESITE"],
        )
    return response
