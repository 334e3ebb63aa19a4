"""Absolute URLs of the shop, built from PUBLIC_URL and never from the request.

Everything that leaves the shop with an address in it (the Snap finish redirect, the notification URL
given to Midtrans, links in e-mails, canonical and sitemap URLs) goes through `public_url`: the Host and
X-Forwarded-Host headers are chosen by whoever sends the request, so a link built from them can be
made to point anywhere.
"""

from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of `endpoint` under PUBLIC_URL; works with or without a request."""
    app = current_app
    base = urlsplit(app.config["PUBLIC_URL"])
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    # A fresh adapter bound to PUBLIC_URL rather than the request's: the same rules and converters as
    # url_for, with the scheme, host and any path prefix of the configured address.
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    if anchor is not None:
        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")  # as url_for quotes it
    return url
