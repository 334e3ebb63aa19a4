"""Order totals from server-side prices. Every amount is integer rupiah."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Totals:
    subtotal_idr: int
    shipping_idr: int
    total_idr: int


def totals_for(line_totals_idr, shipping_idr=0):
    """Subtotal of the lines plus the shipping price the rate provider gave for the chosen service."""
    subtotal = sum(line_totals_idr)
    return Totals(subtotal, shipping_idr, subtotal + shipping_idr)
