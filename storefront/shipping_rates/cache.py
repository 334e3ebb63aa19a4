"""Where an outside provider's answers are kept for a few minutes: Redis when REDIS_URL is set, so every
worker and instance shares one answer per parcel, otherwise this process's memory.

Only the provider's raw answer is kept. Which of its services the merchant offers, the names shown and the
free-shipping rule are applied on every read, and the merchant's own table is never cached (it is one
query), so a change in the back office shows at once. The key holds everything the answer depends on
(provider, its address and couriers asked, origin, destination, grams, value): another weight or address
is another key, never a stale answer.
"""

import hashlib
import json
import logging
import threading
from dataclasses import asdict
from typing import Protocol

import redis
from cachetools import TTLCache

from .rules import Parcel, Quote

log = logging.getLogger(__name__)

KEY_PREFIX = "storefront:shipping-quotes:v1:"
# Redis sits next to the shop: a cache that cannot answer this fast is skipped, not waited for.
REDIS_TIMEOUT_SECONDS = 0.25


class QuoteCache(Protocol):
    def get(self, key: str) -> list[Quote] | None: ...

    def put(self, key: str, quotes: list[Quote]) -> None: ...


def cache_key(provider: str, parcel: Parcel) -> str:
    """`provider` names the provider and what it is asked besides the parcel (address, couriers)."""
    question = json.dumps([provider, asdict(parcel)], sort_keys=True, separators=(",", ":"))
    return KEY_PREFIX + hashlib.sha256(question.encode()).hexdigest()


class MemoryCache:
    """This process's answers (one gunicorn worker's)."""

    def __init__(self, ttl_seconds: float, maxsize: int = 2048) -> None:
        self.enabled = ttl_seconds > 0
        self.entries: TTLCache[str, list[Quote]] = TTLCache(maxsize=maxsize, ttl=max(ttl_seconds, 1))
        self.lock = threading.Lock()

    def get(self, key: str) -> list[Quote] | None:
        with self.lock:
            return self.entries.get(key) if self.enabled else None

    def put(self, key: str, quotes: list[Quote]) -> None:
        if self.enabled:
            with self.lock:
                self.entries[key] = quotes


class RedisCache:
    """Answers shared by all workers and instances. A Redis that is down or slow costs a provider call,
    never a checkout: every error reads as a miss."""

    def __init__(self, url: str, ttl_seconds: float) -> None:
        self.ttl_seconds = int(ttl_seconds)
        self.client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )

    def get(self, key: str) -> list[Quote] | None:
        if self.ttl_seconds <= 0:
            return None
        try:
            raw = self.client.get(key)
        except redis.RedisError as exc:
            log.warning("Shipping quote cache unavailable: %s", exc.__class__.__name__)
            return None
        if not isinstance(raw, bytes):
            return None
        try:
            return [Quote(**entry) for entry in json.loads(raw)]
        except (ValueError, TypeError):
            return None  # written by another version of the shop: ask again

    def put(self, key: str, quotes: list[Quote]) -> None:
        if self.ttl_seconds <= 0:
            return
        try:
            self.client.set(key, json.dumps([asdict(q) for q in quotes]), ex=self.ttl_seconds)
        except redis.RedisError as exc:
            log.warning("Shipping quote cache unavailable: %s", exc.__class__.__name__)
