"""Small helpers for serving the same URL to htmx and to plain browsers."""

from typing import Any

from flask import make_response, redirect, render_template, request
from werkzeug.wrappers import Response

# htmx stops an `every 2s` poll when the server answers 286.
STOP_POLLING = 286


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment(target_id: str) -> bool:
    """True for an htmx request that targets `target_id`.

    A boosted navigation or a history restore also sends HX-Request but needs the whole page, so the
    target is checked too.
    """
    return (
        is_htmx()
        and request.headers.get("HX-Target") == target_id
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(page: str, fragment: str, target_id: str, status: int = 200, **context: Any) -> Response:
    template = fragment if wants_fragment(target_id) else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_after_post(location: str) -> Response:
    """303 for plain forms; `HX-Redirect` for htmx so the whole page navigates (e.g. to Midtrans)."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)
