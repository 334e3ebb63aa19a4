"""Settings: defaults, environment variables, and the start-up checks that refuse unsafe production settings.

Every setting the README documents is read here and nowhere else. `load_config` returns a plain dict so
`create_app(test_config)` can overlay test values before the checks run.
"""

import logging
import os
from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from .whatsapp import normalise_whatsapp_number

log = logging.getLogger(__name__)

# The development key is public on purpose (it is in this file). Production must replace it; see
# `check_production_safety`.
DEV_SECRET_KEY = "dev-only-insecure-secret-key"
# The same release as static/vendor/htmx-<version>.min.js (the SRI hash is computed from that file).
DEFAULT_HTMX_CDN_URL = "https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js"


class ConfigError(RuntimeError):
    """A setting makes it unsafe or impossible to start; the message says what to set."""


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or "").split(",") if item.strip()]


def _whatsapp_number(name: str) -> str:
    number = normalise_whatsapp_number(os.environ.get(name, ""))
    if number is None:
        raise ConfigError(f"{name} must be a phone number, e.g. 0812 3456 7890 or +62 812 3456 7890.")
    return number


def normalise_database_url(url: str) -> str:
    """Accept the `postgres://` URLs that PaaS add-ons hand out and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_config(instance_path: str) -> dict[str, Any]:
    database_url = os.environ.get("DATABASE_URL") or ("sqlite:///" + os.path.join(instance_path, "storefront.sqlite3"))
    debug = _env_bool("FLASK_DEBUG")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or DEV_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "STORE_NAME": os.environ.get("STORE_NAME") or "Toko Nusantara",
        "DEBUG": debug,
        # Shipping rates: the merchant's table (back office) or Biteship, with the table as fallback.
        "SHIPPING_PROVIDER": os.environ.get("SHIPPING_PROVIDER") or "table",
        "BITESHIP_API_KEY": os.environ.get("BITESHIP_API_KEY", ""),
        "BITESHIP_BASE_URL": os.environ.get("BITESHIP_BASE_URL") or "https://api.biteship.com",
        "BITESHIP_COURIERS": os.environ.get("BITESHIP_COURIERS") or "jne,jnt,sicepat,anteraja,pos",
        "SHIPPING_CONNECT_TIMEOUT": float(os.environ.get("SHIPPING_CONNECT_TIMEOUT") or 2),
        "SHIPPING_READ_TIMEOUT": float(os.environ.get("SHIPPING_READ_TIMEOUT") or 4),
        "SHIPPING_CACHE_SECONDS": _env_int("SHIPPING_CACHE_SECONDS", 300),
        "PRODUCTS_PER_PAGE": _env_int("PRODUCTS_PER_PAGE", 12),
        # How long a shopper has to pay; the stock reservation lasts exactly as long.
        "PAYMENT_EXPIRY_MINUTES": _env_int("PAYMENT_EXPIRY_MINUTES", 60),
        # Midtrans. With no server key the built-in sandbox double is started instead.
        "MIDTRANS_SERVER_KEY": os.environ.get("MIDTRANS_SERVER_KEY", ""),
        "MIDTRANS_CLIENT_KEY": os.environ.get("MIDTRANS_CLIENT_KEY", ""),
        "MIDTRANS_IS_PRODUCTION": _env_bool("MIDTRANS_IS_PRODUCTION"),
        "MIDTRANS_SNAP_BASE_URL": os.environ.get("MIDTRANS_SNAP_BASE_URL", ""),
        "MIDTRANS_API_BASE_URL": os.environ.get("MIDTRANS_API_BASE_URL", ""),
        "MIDTRANS_NOTIFICATION_URL": os.environ.get("MIDTRANS_NOTIFICATION_URL", ""),
        "MIDTRANS_CONNECT_TIMEOUT": float(os.environ.get("MIDTRANS_CONNECT_TIMEOUT") or 5),
        "MIDTRANS_READ_TIMEOUT": float(os.environ.get("MIDTRANS_READ_TIMEOUT") or 10),
        "MIDTRANS_SANDBOX_PORT": _env_int("MIDTRANS_SANDBOX_PORT", 5001),
        "MIDTRANS_SANDBOX_HOST": os.environ.get("MIDTRANS_SANDBOX_HOST") or "127.0.0.1",
        # The built-in sandbox keeps its transactions here (shared by all workers of one shop).
        "MIDTRANS_SANDBOX_DB": os.environ.get("MIDTRANS_SANDBOX_DB")
        or os.path.join(instance_path, "midtrans-sandbox.sqlite3"),
        # `flask mail remind`: e-mail a shopper once per attempt when a third of the window is left.
        "PAYMENT_REMINDERS": _env_bool("PAYMENT_REMINDERS", default=True),
        # Reconcile: re-check pending payments older than this with the status API.
        "RECONCILE_AFTER_MINUTES": _env_int("RECONCILE_AFTER_MINUTES", 15),
        # E-mail. With no MAIL_SERVER, messages are written to the log instead of being sent.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _env_int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", default=True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        "MERCHANT_EMAIL": os.environ.get("MERCHANT_EMAIL", ""),
        # WhatsApp number of the shop ("Chat the shop", "Ask about this order"); empty: no such links.
        "MERCHANT_WHATSAPP": _whatsapp_number("MERCHANT_WHATSAPP"),
        # Send queued e-mails from a background thread (off in tests; `flask mail retry` always works).
        "MAIL_BACKGROUND": _env_bool("MAIL_BACKGROUND", default=True),
        # Back office: staff sessions end this long after sign-in, or after this long idle (seconds).
        "ADMIN_SESSION_MAX_AGE": _env_int("ADMIN_SESSION_MAX_AGE", 8 * 3600),
        "ADMIN_SESSION_IDLE": _env_int("ADMIN_SESSION_IDLE", 30 * 60),
        # Failed sign-ins: per client IP, and per account (e-mail typed) from any number of IPs.
        "ADMIN_LOGIN_RATE_LIMIT": os.environ.get("ADMIN_LOGIN_RATE_LIMIT") or "10/minute",
        "ADMIN_LOGIN_RATE_LIMIT_PER_ACCOUNT": os.environ.get("ADMIN_LOGIN_RATE_LIMIT_PER_ACCOUNT")
        or "5 per 15 minutes",
        # htmx from its CDN (checked against the shop's own copy with SRI); empty = the shop's copy only.
        "HTMX_CDN_URL": os.environ.get("HTMX_CDN_URL", DEFAULT_HTMX_CDN_URL).strip(),
        # Largest request body read, chunked ones included (werkzeug answers 413 past it): a product form
        # with a 2 MB image fits. The notification view lowers it to 64 KB for itself.
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 3 * 1024 * 1024),
        # Uploaded product images.
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or os.path.join(instance_path, "uploads"),
        # The shop's address as shoppers and Midtrans reach it (https://toko.example.co.id). Every absolute
        # URL that leaves the shop is built from it, never from the request's Host header: see urls.py.
        "PUBLIC_URL": (os.environ.get("PUBLIC_URL") or "").strip().rstrip("/"),
        # Other host names the shop answers to besides PUBLIC_URL's (a PaaS health checker's internal one).
        "ALLOWED_HOSTS": _env_list("ALLOWED_HOSTS"),
        # Number of reverse proxies in front of the app (PaaS router = 1) for ProxyFix: the client's IP
        # (rate limits) and scheme (HSTS, Secure cookie) come from their X-Forwarded-For/-Proto.
        "PROXY_COUNT": _env_int("PROXY_COUNT", 0),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME") or "http",
        # Secure unless turned off for plain-http development (make run does that in .env).
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", default=not debug),
        # Rate limits per client IP (behind a proxy, set PROXY_COUNT so the IP is the client's).
        # Storage shared by all workers when REDIS_URL is set; otherwise per process.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        # The same Redis keeps the shipping-rate provider's answers for all workers (empty: per process).
        "REDIS_URL": os.environ.get("REDIS_URL") or "",
        # No X-RateLimit-* headers on every limited answer: each costs the limiter a storage read (a Redis round
        # trip in production) and no browser or Midtrans reads them. A 429 says when to try again (errors.py).
        "RATELIMIT_HEADERS_ENABLED": False,
        # Checkout and cart: per browser session, with a higher ceiling per IP (a carrier NAT puts many
        # shoppers behind one address).
        "RATELIMIT_CHECKOUT": os.environ.get("RATELIMIT_CHECKOUT") or "10/minute",
        "RATELIMIT_CHECKOUT_PER_IP": os.environ.get("RATELIMIT_CHECKOUT_PER_IP") or "300/minute",
        "RATELIMIT_CART": os.environ.get("RATELIMIT_CART") or "60/minute",
        "RATELIMIT_CART_PER_IP": os.environ.get("RATELIMIT_CART_PER_IP") or "1200/minute",
        # The checkout's address lists and services (one request per choice; may ask the rate provider).
        "RATELIMIT_SHIPPING": os.environ.get("RATELIMIT_SHIPPING") or "60/minute",
        "RATELIMIT_SHIPPING_PER_IP": os.environ.get("RATELIMIT_SHIPPING_PER_IP") or "1200/minute",
        "RATELIMIT_NOTIFICATION": os.environ.get("RATELIMIT_NOTIFICATION") or "600/minute",
        # "Cek pesanan": requests for an order's link, per client IP and per order reference.
        "RATELIMIT_ORDER_LOOKUP": os.environ.get("RATELIMIT_ORDER_LOOKUP") or "10/hour",
        "RATELIMIT_ORDER_LOOKUP_REFERENCE": os.environ.get("RATELIMIT_ORDER_LOOKUP_REFERENCE") or "5/hour",
        # Cookie-session hardening that holds in every environment.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # A CSRF token lives as long as the session: the order page stays open while a shopper pays,
        # and a "pay again" button must still work an hour later.
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "id",
        # Every date and time the shop writes is in this zone, named WIB / WITA / WIT (storefront/store_time.py);
        # voucher validity windows are typed and checked in it too. BABEL_DEFAULT_TIMEZONE follows it.
        "STORE_TIMEZONE": os.environ.get("STORE_TIMEZONE") or "Asia/Jakarta",
        # A server database may drop idle connections (PaaS restarts); a SQLite file cannot.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True} if not database_url.startswith("sqlite") else {},
    }


# Where the shop is when nobody said: `make run` serves it here (and writes it to .env).
DEV_PUBLIC_URL = "http://127.0.0.1:5000"


def apply_public_url(config: MutableMapping[str, Any]) -> None:
    """Check PUBLIC_URL and derive what depends on it (TRUSTED_HOSTS). Called once the config is final.

    Outside debug and testing the shop refuses to start without it: a link built from the Host header
    would let anyone who sends `Host: evil.example` put their address in the shop's own e-mails and in
    the finish and notification URLs given to Midtrans.
    """
    relaxed = bool(config.get("TESTING") or config.get("DEBUG"))
    if not config.get("PUBLIC_URL"):
        if not relaxed:
            raise ConfigError(
                "PUBLIC_URL is not set: set it to the shop's address as shoppers reach it, e.g. "
                "PUBLIC_URL=https://toko.example.co.id (links in e-mails and the URLs given to Midtrans "
                "are built from it)."
            )
        config["PUBLIC_URL"] = DEV_PUBLIC_URL
    config["PUBLIC_URL"] = config["PUBLIC_URL"].rstrip("/")
    parts = urlsplit(config["PUBLIC_URL"])
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            f"PUBLIC_URL must be an address like https://toko.example.co.id, got {config['PUBLIC_URL']!r}."
        )
    if relaxed:
        return
    if parts.scheme != "https":
        # Allowed (an intranet shop, a test server), but the Secure session cookie is not sent back
        # over http, so a shopper returning from Midtrans would arrive as a stranger.
        log.warning(
            "PUBLIC_URL %s is not https: shoppers' links and Midtrans's redirects will be plain http",
            config["PUBLIC_URL"],
        )
    # Any other Host gets 400 (Flask checks TRUSTED_HOSTS while routing; the port is ignored).
    config["TRUSTED_HOSTS"] = [parts.hostname, *config.get("ALLOWED_HOSTS", [])]


def check_production_safety(config: Mapping[str, Any]) -> None:
    """Refuse to start with settings that are only acceptable on a developer's laptop."""
    if config.get("TESTING") or config.get("DEBUG"):
        return
    if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise ConfigError(
            "SECRET_KEY is missing or is the development key: set SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_hex())')."
        )
    server_key = config.get("MIDTRANS_SERVER_KEY", "")
    if config.get("MIDTRANS_IS_PRODUCTION"):
        if not server_key:
            raise ConfigError("MIDTRANS_IS_PRODUCTION is true but MIDTRANS_SERVER_KEY is not set.")
        if server_key.startswith("SB-"):
            raise ConfigError(
                "MIDTRANS_IS_PRODUCTION is true but MIDTRANS_SERVER_KEY is a sandbox key (SB-...): "
                "use the production key or set MIDTRANS_IS_PRODUCTION=false."
            )
    elif server_key.startswith("Mid-server-"):
        raise ConfigError(
            "MIDTRANS_SERVER_KEY is a production key but MIDTRANS_IS_PRODUCTION is false: "
            "set MIDTRANS_IS_PRODUCTION=true or use a sandbox key (SB-Mid-server-...)."
        )
