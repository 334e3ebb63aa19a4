"""Order totals from server-side prices. Every amount is integer rupiah."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Totals:
    subtotal_idr: int
    shipping_idr: int
    total_idr: int


def shipping_for(subtotal_idr):
    if subtotal_idr <= 0 or subtotal_idr >= current_app.config["FREE_SHIPPING_MIN_IDR"]:
        return 0
    return current_app.config["SHIPPING_FLAT_IDR"]


def totals_for(line_totals_idr):
    subtotal = sum(line_totals_idr)
    shipping = shipping_for(subtotal)
    return Totals(subtotal, shipping, subtotal + shipping)


def fingerprint(lines: Iterable[tuple[int, int, int]], totals: Totals) -> str:
    """A digest of what the shopper was shown: (product id, quantity, unit price) per line and the
    totals (and, when they come, shipping options and discounts). The checkout form carries it; if
    the order about to be placed has another, the shopper has not seen those prices."""
    parts = [f"{pid}:{quantity}:{price}" for pid, quantity, price in sorted(lines)]
    parts.append(f"{totals.subtotal_idr}:{totals.shipping_idr}:{totals.total_idr}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
