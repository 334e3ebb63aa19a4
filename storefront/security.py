"""Security headers on every response."""

from urllib.parse import urlsplit

from flask import request

HTMX_CDN_ORIGIN = "https://cdn.jsdelivr.net"


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(config):
    # The checkout form's response redirects to Midtrans's Snap page; browsers apply form-action to
    # that redirect, so the Snap origin must be allowed.
    snap_origin = _origin(config.get("MIDTRANS_SNAP_BASE_URL") or "") or (
        "https://app.midtrans.com" if config.get("MIDTRANS_IS_PRODUCTION") else "https://app.sandbox.midtrans.com"
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {HTMX_CDN_ORIGIN}",
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
    # Built once: the Midtrans URLs are final by now (register_payments runs first).
    csp = content_security_policy(app.config)

    @app.after_request
    def add_headers(response):
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
