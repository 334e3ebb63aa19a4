"""The rate table as CSV, for the merchant's spreadsheet: export all rows, import a whole new table.

Columns: service (the service code, e.g. "jne-reg"), region_code (a province "34" or a city "34.71"),
region_name (for people; ignored on import), price_per_kg_idr (whole rupiah). An import replaces the table
in one transaction, and only when every line is valid; otherwise it reports each bad line and changes nothing.
"""

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, insert

from ..extensions import db
from ..regions import CITY, PROVINCE, Region
from .models import ShippingRate, ShippingService

COLUMNS = ["service", "region_code", "region_name", "price_per_kg_idr"]
MAX_ROWS = 50_000
MAX_PRICE_PER_KG_IDR = 10_000_000


@dataclass(frozen=True)
class ImportResult:
    rows: int
    errors: list[str]


def export_rates() -> str:
    rows = db.session.execute(
        db.select(ShippingService.code, ShippingRate.region_code, Region.name, ShippingRate.price_per_kg_idr)
        .join(ShippingService, ShippingService.id == ShippingRate.service_id)
        .join(Region, Region.code == ShippingRate.region_code)
        .order_by(ShippingService.position, ShippingService.code, ShippingRate.region_code)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def parse_rates(text: str) -> tuple[list[dict[str, object]], list[str]]:
    """Rows ready for the rates table, and the errors (line number first) that stop the import."""
    services = dict(db.session.execute(db.select(ShippingService.code, ShippingService.id)).all())
    regions = set(db.session.execute(db.select(Region.code).where(Region.level.in_([PROVINCE, CITY]))).scalars())
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # spreadsheets often start with a BOM
    if reader.fieldnames is None or not {"service", "region_code", "price_per_kg_idr"} <= set(reader.fieldnames):
        return [], [_("The first line must name the columns: %(columns)s.", columns=", ".join(COLUMNS))]
    rows: list[dict[str, object]] = []
    errors: list[str] = []
    seen: set[tuple[int, str]] = set()
    for line, record in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            errors.append(_("Line %(line)d: at most %(max)d rates.", line=line, max=MAX_ROWS))
            break
        code = (record.get("service") or "").strip()
        region = (record.get("region_code") or "").strip()
        price_text = (record.get("price_per_kg_idr") or "").strip().replace(".", "")
        if code not in services:
            errors.append(_("Line %(line)d: no service with the code “%(code)s”.", line=line, code=code))
        elif region not in regions:
            errors.append(_("Line %(line)d: “%(region)s” is not a province or city code.", line=line, region=region))
        elif not price_text.isdigit() or not 0 < int(price_text) <= MAX_PRICE_PER_KG_IDR:
            errors.append(_("Line %(line)d: the price per kg must be a whole number of rupiah above 0.", line=line))
        elif (services[code], region) in seen:
            errors.append(_("Line %(line)d: this service already has a price for this region.", line=line))
        else:
            seen.add((services[code], region))
            rows.append({"service_id": services[code], "region_code": region, "price_per_kg_idr": int(price_text)})
    return rows, errors[:20]


def replace_rates(rows: list[dict[str, object]]) -> None:
    """Swap the whole table; the caller owns the transaction."""
    db.session.execute(delete(ShippingRate))
    if rows:
        db.session.execute(insert(ShippingRate), rows)
