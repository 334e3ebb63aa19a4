"""Which services a shopper may choose, and at what price: the configured provider, cached, with the
merchant's table as the fallback, so a slow or dead provider never turns a checkout into an error page.

Two steps, so no network call ever runs inside the order's transaction (on SQLite that transaction holds
the one write lock of the whole shop): `look_up` asks the provider before it, and `confirm_quote` checks
the chosen service again inside it using only the database and what `look_up` kept.
"""

import logging
from dataclasses import dataclass

from flask import Flask, current_app

from ..extensions import db
from ..regions import Place
from .biteship import BiteshipConfig, BiteshipRates
from .cache import MemoryCache, QuoteCache, RedisCache, cache_key
from .models import ShippingService, ShippingSettings, current_settings
from .rules import Parcel, ProviderError, Quote, RateProvider, apply_free_shipping
from .table import TableRates

log = logging.getLogger(__name__)
_EXTENSION = "shipping_rates"


class QuoteChanged(Exception):
    """The cart's weight or value, or the merchant's settings, changed since the provider was asked."""


class CachedProvider:
    """An outside provider's answers kept for a few minutes: the checkout page and its htmx updates ask the
    same question within seconds, and only the first goes out."""

    def __init__(self, provider: RateProvider, name: str, cache: QuoteCache) -> None:
        self.provider = provider
        self.name = name
        self.cache = cache

    def quotes(self, parcel: Parcel) -> list[Quote]:
        key = cache_key(self.name, parcel)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        answer = self.provider.quotes(parcel)
        self.cache.put(key, answer)
        return answer


@dataclass(frozen=True)
class ShippingOffer:
    """What `look_up` found for one address: where it goes and, when an outside provider answered, its
    answer and the exact parcel it priced. The order's transaction confirms the chosen service from this."""

    destination: Place
    postal_code: str
    provider_parcel: Parcel | None = None
    provider_quotes: tuple[Quote, ...] = ()


def init_shipping(app: Flask) -> None:
    """Pick the rate provider from the config (SHIPPING_PROVIDER: table or biteship) and its cache."""
    kind = app.config["SHIPPING_PROVIDER"]
    outside: CachedProvider | None = None
    if kind == "biteship":
        config = BiteshipConfig(
            api_key=app.config["BITESHIP_API_KEY"],
            base_url=app.config["BITESHIP_BASE_URL"],
            couriers=app.config["BITESHIP_COURIERS"],
            connect_timeout=app.config["SHIPPING_CONNECT_TIMEOUT"],
            read_timeout=app.config["SHIPPING_READ_TIMEOUT"],
        )
        ttl = app.config["SHIPPING_CACHE_SECONDS"]
        cache: QuoteCache = RedisCache(app.config["REDIS_URL"], ttl) if app.config["REDIS_URL"] else MemoryCache(ttl)
        outside = CachedProvider(BiteshipRates(config), f"biteship {config.base_url} {config.couriers}", cache)
    elif kind != "table":
        raise RuntimeError(f"SHIPPING_PROVIDER must be 'table' or 'biteship', not {kind!r}")
    app.extensions[_EXTENSION] = outside


def look_up(place: Place, postal_code: str, weight_g: int, subtotal_idr: int) -> tuple[ShippingOffer, list[Quote]]:
    """The services offered for this destination and weight, with their prices after free shipping; may ask
    the outside provider over the network, so it is called before any write transaction."""
    settings = current_settings()
    parcel = _parcel(settings, place, postal_code, weight_g, subtotal_idr)
    answer = _provider_answer(parcel)
    offer = ShippingOffer(place, postal_code, parcel if answer is not None else None, tuple(answer or ()))
    return offer, _priced(offer, parcel, settings)


def quotes_for(place: Place, postal_code: str, weight_g: int, subtotal_idr: int) -> list[Quote]:
    return look_up(place, postal_code, weight_g, subtotal_idr)[1]


def confirm_quote(offer: ShippingOffer, code: str, weight_g: int, subtotal_idr: int) -> Quote | None:
    """The chosen service at today's price, worked out again inside the order's transaction without any
    network I/O: the merchant's table is read again; a provider's price is the one `look_up` got, valid
    only for the very parcel it priced. None when the service is not (or no longer) offered."""
    settings = current_settings()
    parcel = _parcel(settings, offer.destination, offer.postal_code, weight_g, subtotal_idr)
    if offer.provider_parcel is not None and parcel != offer.provider_parcel:
        raise QuoteChanged()
    return find_quote(_priced(offer, parcel, settings), code)


def _parcel(settings: ShippingSettings, place: Place, postal_code: str, weight_g: int, subtotal_idr: int) -> Parcel:
    return Parcel(
        origin_city_code=settings.origin_city_code,
        origin_postal_code=settings.origin_postal_code,
        destination=place,
        destination_postal_code=postal_code,
        weight_g=weight_g,
        value_idr=subtotal_idr,
        tolerance_g=settings.tolerance_g,
    )


def _priced(offer: ShippingOffer, parcel: Parcel, settings: ShippingSettings) -> list[Quote]:
    quotes = _only_offered(offer.provider_quotes) or TableRates().quotes(parcel)
    return apply_free_shipping(quotes, parcel.value_idr, settings.free_shipping_min_idr)


def _provider_answer(parcel: Parcel) -> list[Quote] | None:
    """The outside provider's answer, or None to use the table."""
    outside: CachedProvider | None = current_app.extensions.get(_EXTENSION)
    if outside is None or not parcel.origin_postal_code or not parcel.destination_postal_code:
        return None
    try:
        return outside.quotes(parcel)
    except ProviderError as exc:
        log.warning("Shipping rates from the merchant's table: %s", exc)
        return None


def _only_offered(answer: tuple[Quote, ...]) -> list[Quote]:
    """The provider's quotes for the services the merchant has switched on, under the shop's names."""
    if not answer:
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
