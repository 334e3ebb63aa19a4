"""Refuse text that no part of the shop can store or look up: the NUL character.

PostgreSQL text cannot hold U+0000 (psycopg raises DataError before the query even runs), so a `%00`
in a slug, a token, a search or a form field answered 500 there while SQLite quietly looked it up. No
shopper types it. It is refused once, here, before any view uses a value from the path, the query
string or a form: 404 for a path (there is no such page), 400 for a parameter.
"""

from flask import Flask, abort, request
from werkzeug.datastructures import MultiDict

NUL = "\x00"
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(values: MultiDict[str, str]) -> bool:
    return any(NUL in key or NUL in value for key, value in values.items(multi=True))


def refuse_nul() -> None:
    if NUL in request.path:
        abort(404)
    if _has_nul(request.args):
        abort(400)
    # The form is read only for form bodies, which CSRF protection has parsed already.
    if request.mimetype in _FORM_TYPES and _has_nul(request.form):
        abort(400)


def init_input_guard(app: Flask) -> None:
    app.before_request(refuse_nul)
