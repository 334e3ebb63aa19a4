"""What a provider is asked and answers, and the shop's own rules on top: billable weight, free shipping."""

from dataclasses import dataclass, replace
from typing import Protocol

from ..regions import Place


@dataclass(frozen=True)
class Parcel:
    """The question asked of a rate provider. Weights in grams, value in rupiah."""

    origin_city_code: str | None
    origin_postal_code: str
    destination: Place
    destination_postal_code: str
    weight_g: int
    value_idr: int
    tolerance_g: int


@dataclass(frozen=True)
class Quote:
    """One service's answer. `code` is the value of the shipping_service field ("jne-reg")."""

    code: str
    courier: str
    service: str
    etd_min_days: int
    etd_max_days: int
    price_idr: int
    # False when the service is excluded from the free-shipping threshold.
    free_shipping_eligible: bool = True

    @property
    def label(self) -> str:
        return f"{self.courier} {self.service}"

    @property
    def etd(self) -> str:
        if self.etd_min_days == self.etd_max_days:
            return str(self.etd_min_days)
        return f"{self.etd_min_days}–{self.etd_max_days}"


class RateProvider(Protocol):
    """Services and prices for (origin, destination, weight). Raises ProviderError when it cannot answer."""

    def quotes(self, parcel: Parcel) -> list[Quote]: ...


class ProviderError(Exception):
    """A rate provider did not answer usefully (down, slow, refused, nonsense)."""


def billable_kg(weight_g: int, tolerance_g: int) -> int:
    """Whole kilograms charged: the grams over a whole kilogram count as one more only past the tolerance.

    1,300 g with the usual 300 g tolerance is 1 kg; 1,301 g is 2 kg; anything up to 1,000 g is 1 kg.
    """
    return max(1, weight_g // 1000 + (1 if weight_g % 1000 > tolerance_g else 0))


def apply_free_shipping(quotes: list[Quote], subtotal_idr: int, free_min_idr: int | None) -> list[Quote]:
    """Eligible services cost nothing once the subtotal reaches the merchant's threshold."""
    if free_min_idr is None or subtotal_idr < free_min_idr:
        return quotes
    return [replace(q, price_idr=0) if q.free_shipping_eligible else q for q in quotes]
