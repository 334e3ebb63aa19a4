"""Which services a shopper may choose, and at what price: the configured provider, cached, with the
merchant's table as the fallback, so a slow or dead provider never turns a checkout into an error page."""

import logging
import threading
from collections.abc import Hashable

from cachetools import TTLCache
from flask import Flask, current_app

from ..extensions import db
from ..regions import Place
from .biteship import BiteshipConfig, BiteshipRates
from .models import ShippingService, current_settings
from .rules import Parcel, ProviderError, Quote, RateProvider, apply_free_shipping
from .table import TableRates

log = logging.getLogger(__name__)
_EXTENSION = "shipping_rates"


class CachedProvider:
    """An outside provider's answers kept for a few minutes: the checkout page, its htmx updates and the
    order's own transaction ask the same question within seconds, and only the first goes out."""

    def __init__(self, provider: RateProvider, ttl_seconds: float, maxsize: int = 2048) -> None:
        self.provider = provider
        self.cache: TTLCache[Hashable, list[Quote]] = TTLCache(maxsize=maxsize, ttl=ttl_seconds)
        self.lock = threading.Lock()

    def quotes(self, parcel: Parcel) -> list[Quote]:
        with self.lock:
            cached = self.cache.get(parcel)
        if cached is not None:
            return cached
        answer = self.provider.quotes(parcel)  # outside the lock: a slow call must not queue the others
        with self.lock:
            self.cache[parcel] = answer
        return answer


def init_shipping(app: Flask) -> None:
    """Pick the rate provider from the config (SHIPPING_PROVIDER: table or biteship)."""
    kind = app.config["SHIPPING_PROVIDER"]
    outside: CachedProvider | None = None
    if kind == "biteship":
        outside = CachedProvider(
            BiteshipRates(
                BiteshipConfig(
                    api_key=app.config["BITESHIP_API_KEY"],
                    base_url=app.config["BITESHIP_BASE_URL"],
                    couriers=app.config["BITESHIP_COURIERS"],
                    connect_timeout=app.config["SHIPPING_CONNECT_TIMEOUT"],
                    read_timeout=app.config["SHIPPING_READ_TIMEOUT"],
                )
            ),
            ttl_seconds=app.config["SHIPPING_CACHE_SECONDS"],
        )
    elif kind != "table":
        raise RuntimeError(f"SHIPPING_PROVIDER must be 'table' or 'biteship', not {kind!r}")
    app.extensions[_EXTENSION] = outside


def quotes_for(place: Place, postal_code: str, weight_g: int, subtotal_idr: int) -> list[Quote]:
    """The services offered for this destination and weight, with their prices after free shipping."""
    settings = current_settings()
    parcel = Parcel(
        origin_city_code=settings.origin_city_code,
        origin_postal_code=settings.origin_postal_code,
        destination=place,
        destination_postal_code=postal_code,
        weight_g=weight_g,
        value_idr=subtotal_idr,
        tolerance_g=settings.tolerance_g,
    )
    quotes = _outside_quotes(parcel) or TableRates().quotes(parcel)
    return apply_free_shipping(quotes, subtotal_idr, settings.free_shipping_min_idr)


def _outside_quotes(parcel: Parcel) -> list[Quote]:
    """The outside provider's quotes for the services the merchant has switched on; [] to use the table."""
    outside: CachedProvider | None = current_app.extensions.get(_EXTENSION)
    if outside is None or not parcel.origin_postal_code or not parcel.destination_postal_code:
        return []
    try:
        answer = outside.quotes(parcel)
    except ProviderError as exc:
        log.warning("Shipping rates from the merchant's table: %s", exc)
        return []
    active = {
        s.code: s
        for s in db.session.execute(db.select(ShippingService).where(ShippingService.active.is_(True))).scalars()
    }
    return [
        Quote(
            q.code,
            active[q.code].courier,
            active[q.code].service,
            q.etd_min_days,
            q.etd_max_days,
            q.price_idr,
            active[q.code].free_shipping,
        )
        for q in answer
        if q.code in active
    ]


def find_quote(quotes: list[Quote], code: str | None) -> Quote | None:
    return next((q for q in quotes if q.code == code), None)
