"""Language choice: Bahasa Indonesia by default, English on request, remembered in the session."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, request, session, url_for

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

bp = Blueprint("i18n", __name__)


def select_locale():
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def safe_next(target, fallback):
    """Only same-site relative paths: an open redirect would let others phish with our domain."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.post("/language")
def set_language():
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for("catalog.index")), code=303)
