"""The only door to Biteship's rates API (POST /v1/rates/couriers): timeouts, one error type, plain Quotes out.

Request: origin and destination postal codes, the couriers to ask, and the items with their weight in grams
and value in rupiah; the API key goes in the `authorization` header. Answer: `pricing`, one entry per
courier service with `courier_code`, `courier_service_code`, `courier_name`, `price` (rupiah) and
`shipment_duration_range` ("2 - 3") in `shipment_duration_unit` ("days" or "hours"). Knows nothing of
Flask or the database; the test double in tests/shipping speaks the same format over real HTTP.
"""

import re
from dataclasses import dataclass
from typing import Any

import requests

from .rules import Parcel, ProviderError, Quote

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


@dataclass(frozen=True)
class BiteshipConfig:
    api_key: str
    base_url: str
    couriers: str  # comma-separated courier codes, e.g. "jne,jnt,sicepat"
    connect_timeout: float
    read_timeout: float


class BiteshipRates:
    def __init__(self, config: BiteshipConfig) -> None:
        self.config = config
        self.http = requests.Session()

    def quotes(self, parcel: Parcel) -> list[Quote]:
        body = {
            "origin_postal_code": int(parcel.origin_postal_code),
            "destination_postal_code": int(parcel.destination_postal_code),
            "couriers": self.config.couriers,
            # One item carrying the whole cart: the price depends on weight, the value only on insurance.
            "items": [{"name": "Paket", "value": parcel.value_idr, "weight": parcel.weight_g, "quantity": 1}],
        }
        try:
            response = self.http.post(
                self.config.base_url.rstrip("/") + "/v1/rates/couriers",
                json=body,
                headers={"authorization": self.config.api_key, "content-type": "application/json"},
                timeout=(self.config.connect_timeout, self.config.read_timeout),
            )
        except requests.RequestException as exc:
            raise ProviderError(f"Biteship unreachable: {exc.__class__.__name__}") from exc
        if response.status_code != 200:
            raise ProviderError(f"Biteship answered HTTP {response.status_code}")
        try:
            payload = response.json()
            return [_quote(entry) for entry in payload["pricing"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError("Biteship answered something that is not a rate list") from exc


def _quote(entry: dict[str, Any]) -> Quote:
    courier_code = str(entry["courier_code"]).lower()
    service_code = str(entry["courier_service_code"]).lower()
    price = entry["price"]
    if not isinstance(price, int) or isinstance(price, bool) or price < 0:
        raise ValueError("price is not whole rupiah")
    etd_min, etd_max = _days(
        str(entry.get("shipment_duration_range") or "1"), str(entry.get("shipment_duration_unit") or "days")
    )
    return Quote(
        code=f"{courier_code}-{service_code}",
        courier=str(entry.get("courier_name") or courier_code.upper()),
        service=service_code.upper(),
        etd_min_days=etd_min,
        etd_max_days=etd_max,
        price_idr=price,
    )


def _days(text: str, unit: str) -> tuple[int, int]:
    match = _RANGE.match(text)
    if match is None:
        raise ValueError(f"unreadable duration {text!r}")
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if unit.lower().startswith("hour"):
        # Same-day couriers answer in hours: the shopper is told "1 day".
        return 1, 1
    return low, max(low, high)
