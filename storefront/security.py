"""Security headers on every response."""

from urllib.parse import urlsplit

from flask import Flask, Response, request

from .payments.setup import gateway_config


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(snap_base_url: str, is_production: bool, htmx_cdn_url: str = "") -> str:
    # The checkout form's response redirects to Midtrans's Snap page (or the built-in sandbox's);
    # browsers apply form-action to that redirect, so the Snap origin must be allowed.
    snap_origin = _origin(snap_base_url) or (
        "https://app.midtrans.com" if is_production else "https://app.sandbox.midtrans.com"
    )
    # htmx may come from its CDN (HTMX_CDN_URL); with none configured, scripts come from the shop only.
    script_src = " ".join(filter(None, ["'self'", _origin(htmx_cdn_url)]))
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


def init_security_headers(app: Flask) -> None:
    # Built once, from the same settings the gateway uses. No view sets any
    # of these itself, so they are appended as they are. The policy goes on every answer, not only
    # HTML: it is inert on the others, and it protects a JSON or image answer opened as a page.
    gateway = gateway_config(app.config)
    headers = [
        (
            "Content-Security-Policy",
            content_security_policy(gateway.snap_base_url, gateway.is_production, app.config.get("HTMX_CDN_URL") or ""),
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    # Browsers ignore HSTS over plain http; sending it there would only be noise.
    https_headers = headers + [("Strict-Transport-Security", "max-age=31536000; includeSubDomains")]

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.extend(https_headers if request.is_secure else headers)
        return response
