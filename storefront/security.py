"""Security headers on every response."""

from urllib.parse import urlsplit

from flask import request


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(config):
    # The checkout form's response redirects to Midtrans's Snap page; browsers apply form-action to
    # that redirect, so the Snap origin must be allowed.
    snap_origin = _origin(config.get("MIDTRANS_SNAP_BASE_URL") or "") or (
        "https://app.midtrans.com" if config.get("MIDTRANS_IS_PRODUCTION") else "https://app.sandbox.midtrans.com"
    )
    # htmx may come from its CDN (HTMX_CDN_URL); with none configured, scripts come from the shop only.
    script_src = " ".join(filter(None, ["'self'", _origin(config.get("HTMX_CDN_URL") or "")]))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            f"form-action 'self' {snap_origin}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def init_security_headers(app):
    # Built once: the Midtrans URLs are final by now (register_payments runs first). No view sets any
    # of these itself, so they are appended as they are. The policy goes on every answer, not only
    # HTML: it is inert on the others, and it protects a JSON or image answer opened as a page.
    headers = [
        ("Content-Security-Policy", content_security_policy(app.config)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    # Browsers ignore HSTS over plain http; sending it there would only be noise.
    https_headers = headers + [("Strict-Transport-Security", "max-age=31536000; includeSubDomains")]

    @app.after_request
    def add_headers(response):
        response.headers.extend(https_headers if request.is_secure else headers)
        return response
