"""Static files and compression: content-hashed names cached for a year, and compressed answers.

- `flask digest compile` (Flask-Static-Digest) writes `name-<md5>.ext` copies of every file in static/,
  each with a `.gz` and a `.br` sibling, and a manifest; `static_url_for("static", filename=...)` in the
  templates looks names up there. It runs before the server starts (Procfile, `make run`, the tests).
- WhiteNoise serves static/ in front of Flask, so gunicorn answers a stylesheet without a view, picks the
  pre-compressed sibling the browser accepts, and marks hashed names immutable: a new build has new
  names, so a year-long cache can never serve a stale file.
- Flask-Compress compresses what the views answer (HTML, fragments, XML, JSON) with brotli or gzip.
"""

import base64
import hashlib
import os
import re

from flask import Flask
from werkzeug.datastructures import Headers
from whitenoise import WhiteNoise

from .extensions import compress, digest

# The pinned htmx the shop ships (under static/); HTMX_CDN_URL must serve the very same bytes.
HTMX_LOCAL = "vendor/htmx-2.0.11.min.js"
# Flask-Static-Digest's names: an md5 in hex before the extension.
HASHED_NAME = re.compile(r"-[0-9a-f]{32}\.[^/]+$")
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
# What Flask-Compress compresses: text. Images (JPEG, PNG, WebP) are compressed already and go as they are.
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/xml",
    "text/plain",
    "application/xml",
    "application/json",
    "application/ld+json",
    "application/javascript",
    "text/javascript",
    "image/svg+xml",
]


def is_hashed(path: str, url: str) -> bool:
    return bool(HASHED_NAME.search(url))


def _static_headers(headers: Headers, path: str, url: str) -> None:
    # WhiteNoise answers before Flask, so the shop's after_request headers never reach these files.
    headers["X-Content-Type-Options"] = "nosniff"
    if is_hashed(path, url):
        headers["Cache-Control"] = IMMUTABLE


def subresource_integrity(path: str) -> str:
    """The SRI value (sha384) of a file: the browser runs the CDN's copy only if it hashes the same."""
    with open(path, "rb") as f:
        return "sha384-" + base64.b64encode(hashlib.sha384(f.read()).digest()).decode()


def init_assets(app: Flask) -> None:
    app.config.setdefault("FLASK_STATIC_DIGEST_COMPRESSION", ["gzip", "brotli"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_STREAMS", False)  # no view streams; none may be held back to compress
    cdn_url = app.config.get("HTMX_CDN_URL", "")
    app.jinja_env.globals.update(
        htmx_local=HTMX_LOCAL,
        htmx_cdn_url=cdn_url,
        htmx_integrity=subresource_integrity(os.path.join(app.static_folder or "", HTMX_LOCAL)) if cdn_url else "",
    )
    digest.init_app(app)
    compress.init_app(app)
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        # Unhashed names (a page rendered before `flask digest compile`, /static/favicon.svg) may
        # change with a deploy: a short cache.
        max_age=300,
        immutable_file_test=is_hashed,
        add_headers_function=_static_headers,
        # While developing, files edited on disk are served as they are now (without a restart).
        autorefresh=app.debug,
    )
