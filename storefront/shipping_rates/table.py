"""The merchant's own rate table as a rate provider: price per kilogram by province, a city's price first."""

from ..extensions import db
from .models import ShippingRate, ShippingService
from .rules import Parcel, Quote, billable_kg


class TableRates:
    """Answers from the shipping_rates table in one query, whatever the table's size."""

    def quotes(self, parcel: Parcel) -> list[Quote]:
        place = parcel.destination
        rows = db.session.execute(
            db.select(ShippingService, ShippingRate.region_code, ShippingRate.price_per_kg_idr)
            .join(ShippingRate, ShippingRate.service_id == ShippingService.id)
            .where(
                ShippingService.active.is_(True),
                ShippingRate.region_code.in_([place.city_code, place.province_code]),
            )
            .order_by(ShippingService.position, ShippingService.id)
        ).all()
        per_kg: dict[int, int] = {}
        services: dict[int, ShippingService] = {}
        for service, region_code, price in rows:
            services[service.id] = service
            # A city's own price overrides its province's.
            if region_code == place.city_code or service.id not in per_kg:
                per_kg[service.id] = price
        kg = billable_kg(parcel.weight_g, parcel.tolerance_g)
        return [
            Quote(
                code=s.code,
                courier=s.courier,
                service=s.service,
                etd_min_days=s.etd_min_days,
                etd_max_days=s.etd_max_days,
                price_idr=per_kg[s.id] * kg,
                free_shipping_eligible=s.free_shipping,
            )
            for s in services.values()
        ]
