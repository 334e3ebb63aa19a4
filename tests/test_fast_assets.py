"""Fast to load: static files under content-hashed names cached for a year, every text answer compressed,
and htmx loaded without ever holding the page up (from its CDN with SRI, or the shop's own copy)."""

import base64
import gzip
import hashlib
import re
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parent.parent
HTMX_LOCAL = ROOT / "static" / "vendor" / "htmx-2.0.11.min.js"


def asset_urls(html):
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_static_files_by_content_hashed_names(client, product):
    html = client.get("/").get_data(as_text=True)
    urls = asset_urls(html)
    assert any(u.startswith("/static/css/app-") for u in urls)
    for url in urls:
        assert re.search(r"-[0-9a-f]{32}\.\w+$", url), f"{url} is not content-hashed"


def test_hashed_static_files_are_cached_for_a_year_as_immutable(client, product):
    stylesheet = next(u for u in asset_urls(client.get("/").get_data(as_text=True)) if "/css/app-" in u)
    with client.get(stylesheet) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        # The name is the content's: the file's md5 is in it.
        assert hashlib.md5(response.data).hexdigest() in stylesheet


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_static_css_javascript_and_svg_are_sent_compressed(client, product, encoding, decode):
    html = client.get("/").get_data(as_text=True)
    for kind in ("/css/app-", "/vendor/htmx-", "/img/logo-"):
        url = next(u for u in asset_urls(html) if kind in u)
        with client.get(url) as response:
            plain = response.data
        with client.get(url, headers={"Accept-Encoding": f"{encoding}, identity"}) as response:
            assert response.headers["Content-Encoding"] == encoding, url
            assert "Accept-Encoding" in response.headers["Vary"]
            assert decode(response.data) == plain
            assert len(response.data) < len(plain) / 2, f"{url}: {len(response.data)} of {len(plain)} bytes"


@pytest.mark.parametrize("encoding, decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_html_pages_are_sent_compressed(client, product, encoding, decode):
    plain = client.get("/").data
    response = client.get("/", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decode(response.data) == plain
    assert len(response.data) < len(plain) / 2


def test_a_browser_without_compression_gets_plain_html(client, product):
    response = client.get("/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert b"<!doctype html>" in response.data


def sri(path):
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def test_htmx_comes_from_the_cdn_with_sri_through_a_deferred_loader(make_app):
    cdn = "https://cdn.example.test/npm/htmx.org@2.0.11/dist/htmx.min.js"
    with make_app(HTMX_CDN_URL=cdn) as app:
        html = app.test_client().get("/").get_data(as_text=True)
        csp = app.test_client().get("/").headers["Content-Security-Policy"]
    head = html.split("</head>")[0]
    [loader] = re.findall(r"<script [^>]*htmx[^>]*>", head)
    assert " defer" in loader and "async" not in loader
    assert f'data-cdn="{cdn}"' in loader
    # The CDN must serve exactly the copy the shop ships.
    assert f'data-integrity="{sri(HTMX_LOCAL)}"' in loader
    assert re.search(r'data-local="/static/vendor/htmx-2\.0\.11\.min-[0-9a-f]{32}\.js"', loader)
    assert "htmx-loader-" in loader
    # Nothing parser-blocking, and the CDN script only ever started by the loader.
    assert all(" defer" in tag for tag in re.findall(r"<script [^>]*src=[^>]*>", head))
    assert "script-src 'self' https://cdn.example.test;" in csp


def test_without_a_cdn_htmx_is_the_shops_own_copy_deferred(make_app):
    with make_app(HTMX_CDN_URL="") as app:
        response = app.test_client().get("/")
    head = response.get_data(as_text=True).split("</head>")[0]
    [script] = re.findall(r"<script [^>]*/vendor/htmx-[^>]*>", head)
    assert re.fullmatch(r'<script src="/static/vendor/htmx-2\.0\.11\.min-[0-9a-f]{32}\.js" defer>', script)
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]


def test_the_htmx_loader_never_writes_into_the_document():
    loader = (ROOT / "static" / "js" / "htmx-loader.js").read_text()
    assert "document.write" not in loader
    assert "FALLBACK_AFTER_MS = 300" in loader
