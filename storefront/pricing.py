"""Order totals from server-side prices. Every amount is integer rupiah."""

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
