"""Order totals from server-side prices. Every amount is integer rupiah."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Totals:
    subtotal_idr: int
    shipping_idr: int
    total_idr: int


def totals_for(line_totals_idr: Iterable[int], shipping_idr: int = 0) -> Totals:
    """Subtotal of the lines plus the shipping price the rate provider gave for the chosen service."""
    subtotal = sum(line_totals_idr)
    return Totals(subtotal, shipping_idr, subtotal + shipping_idr)


def fingerprint(lines: Iterable[tuple[int, int, int]], totals: Totals) -> str:
    """A digest of what the shopper was shown: (product id, quantity, unit price) per line and the
    totals, the chosen shipping price included (and, when they come, discounts). The checkout form carries it; if
    the order about to be placed has another, the shopper has not seen those prices."""
    parts = [f"{pid}:{quantity}:{price}" for pid, quantity, price in sorted(lines)]
    parts.append(f"{totals.subtotal_idr}:{totals.shipping_idr}:{totals.total_idr}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
