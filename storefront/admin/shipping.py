"""Shipping set-up changes made in the back office, each in one transaction with its audit entry."""

import re

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..extensions import db
from ..regions import CITY, PROVINCE, Region
from ..shipping_rates.models import ShippingRate, ShippingService, ShippingSettings
from ..shipping_rates.rate_csv import ImportResult, parse_rates, replace_rates
from . import audit


class ShippingSetupError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def city_choices() -> list[tuple[str, str]]:
    """Every city and regency as "Kota Yogyakarta (Daerah Istimewa Yogyakarta)", for the origin list."""
    rows = db.session.execute(
        db.select(Region.code, Region.name, Region.parent_code).where(Region.level.in_([PROVINCE, CITY]))
    ).all()
    provinces = {code: name for code, name, parent in rows if parent is None}
    cities = sorted((name, code, provinces.get(parent, "")) for code, name, parent in rows if parent is not None)
    return [(code, f"{name} ({province})") for name, code, province in cities]


def region_choices() -> list[tuple[str, str]]:
    """Each province ("Jawa Barat: whole province") followed by its cities, for one rate's destination."""
    rows = db.session.execute(
        db.select(Region.code, Region.name, Region.parent_code)
        .where(Region.level.in_([PROVINCE, CITY]))
        .order_by(Region.name)
    ).all()
    cities: dict[str, list[tuple[str, str]]] = {}
    for code, name, parent in rows:
        if parent is not None:
            cities.setdefault(parent, []).append((code, f"{name} ({code})"))
    choices: list[tuple[str, str]] = []
    for code, name, parent in rows:
        if parent is None:
            choices.append((code, _("%(province)s: whole province (%(code)s)", province=name, code=code)))
            choices.extend((city_code, f"— {label}") for city_code, label in cities.get(code, []))
    return choices


def save_rate(code: str, region_code: str, price_per_kg_idr: int | None, staff_id: int) -> int | None:
    """Set (or, with no price, remove) one service's price to one province or city; returns the price it
    had before (None: it had none)."""
    try:
        return _save_rate(code, region_code, price_per_kg_idr, staff_id)
    except IntegrityError:
        # Two staff members added the same rate at once (PostgreSQL): the row exists now, so update it.
        return _save_rate(code, region_code, price_per_kg_idr, staff_id)


def _save_rate(code: str, region_code: str, price_per_kg_idr: int | None, staff_id: int) -> int | None:
    with write_transaction():
        service_id = db.session.execute(db.select(ShippingService.id).where(ShippingService.code == code)).scalar_one()
        row = db.session.execute(
            db.select(ShippingRate).where(
                ShippingRate.service_id == service_id, ShippingRate.region_code == region_code
            )
        ).scalar()
        before = row.price_per_kg_idr if row is not None else None
        if price_per_kg_idr is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                ShippingRate(service_id=service_id, region_code=region_code, price_per_kg_idr=price_per_kg_idr)
            )
        else:
            row.price_per_kg_idr = price_per_kg_idr
        audit.record(staff_id, "shipping_rate", detail=f"{code} {region_code}: {before} -> {price_per_kg_idr}")
    return before


def save_settings(
    origin_city_code: str, origin_postal_code: str, tolerance_g: int, free_shipping_min_idr: int | None, staff_id: int
) -> None:
    with write_transaction():
        settings = db.session.execute(db.select(ShippingSettings).order_by(ShippingSettings.id).limit(1)).scalar()
        if settings is None:
            settings = ShippingSettings()
            db.session.add(settings)
        settings.origin_city_code = origin_city_code
        settings.origin_postal_code = origin_postal_code
        settings.tolerance_g = tolerance_g
        settings.free_shipping_min_idr = free_shipping_min_idr
        audit.record(
            staff_id,
            "shipping_settings",
            detail=f"origin {origin_city_code} {origin_postal_code}, tolerance {tolerance_g} g, "
            f"free from {free_shipping_min_idr}",
        )


def service_code(courier: str, service: str) -> str:
    """ "J&T" + "EZ" -> "jt-ez": the stable key shoppers' forms and the CSV use."""
    return re.sub(r"[^a-z0-9]+", "-", f"{courier} {service}".lower()).strip("-")[:40]


def save_service(
    service_id: int | None,
    courier: str,
    service: str,
    etd_min_days: int,
    etd_max_days: int,
    active: bool,
    free_shipping: bool,
    staff_id: int,
) -> ShippingService:
    courier, service = courier.strip(), service.strip()
    with write_transaction():
        if service_id is None:
            code = service_code(courier, service)
            if not code:
                raise ShippingSetupError(_("Use letters or digits in the courier and service."), "courier")
            if db.session.execute(db.select(ShippingService.id).where(ShippingService.code == code)).first():
                raise ShippingSetupError(_("This courier service exists already."), "service")
            position = db.session.execute(db.select(db.func.count(ShippingService.id))).scalar_one()
            row = ShippingService(code=code, courier=courier, service=service, position=position)
            db.session.add(row)
        else:
            row = db.get_or_404(ShippingService, service_id)
        row.etd_min_days, row.etd_max_days = etd_min_days, etd_max_days
        row.active, row.free_shipping = active, free_shipping
        audit.record(
            staff_id,
            "shipping_service",
            detail=f"{row.code}: {etd_min_days}-{etd_max_days} days, active={active}, free={free_shipping}",
        )
    return row


def service_id_or_404(code: str) -> int:
    return db.first_or_404(db.select(ShippingService.id).where(ShippingService.code == code))  # type: ignore[no-any-return]


def import_rates(text: str, staff_id: int) -> ImportResult:
    with write_transaction():
        rows, errors = parse_rates(text)
        if errors:
            return ImportResult(0, errors)
        replace_rates(rows)
        audit.record(staff_id, "shipping_rates_import", detail=f"{len(rows)} rates")
    return ImportResult(len(rows), [])


def services_with_rate_counts() -> list[tuple[ShippingService, int]]:
    counts = dict(
        db.session.execute(
            db.select(ShippingRate.service_id, db.func.count(ShippingRate.id)).group_by(ShippingRate.service_id)
        ).all()
    )
    services = db.session.execute(
        db.select(ShippingService).order_by(ShippingService.position, ShippingService.id)
    ).scalars()
    return [(s, counts.get(s.id, 0)) for s in services]
