"""The merchant's rate table: billable weight, city-over-province prices, free shipping, active services,
and a lookup whose query count does not depend on the size of the table."""

import pytest
from sqlalchemy import insert

from storefront.extensions import db
from storefront.regions import Place, Region, children, place_for
from storefront.shipping_rates.models import ShippingRate, ShippingService
from storefront.shipping_rates.quotes import quotes_for
from storefront.shipping_rates.rules import billable_kg
from tests.support.helpers import gondomanan
from tests.test_query_budgets import counting_queries

DEPOK_BEJI = Place("32", "Jawa Barat", "32.76", "Kota Depok", "32.76.04", "Beji")


@pytest.mark.parametrize(
    "grams, tolerance, kg",
    [
        (0, 300, 1),
        (1, 300, 1),
        (1000, 300, 1),
        (1300, 300, 1),
        (1301, 300, 2),
        (2000, 300, 2),
        (2999, 300, 3),
        (1001, 0, 2),
        (1999, 999, 1),
        (10300, 300, 10),
    ],
)
def test_billable_weight_counts_the_grams_over_a_kilogram_only_past_the_tolerance(grams, tolerance, kg):
    assert billable_kg(grams, tolerance) == kg


def offered(place, grams=1000, subtotal=100000):
    return {q.code: q.price_idr for q in quotes_for(place, "55213", grams, subtotal)}


def test_the_table_prices_each_active_service_per_billable_kilogram(app):
    assert offered(gondomanan(), grams=1300) == {"jne-reg": 20000, "sicepat-reg": 18000}
    assert offered(gondomanan(), grams=1301) == {"jne-reg": 40000, "sicepat-reg": 36000}


def test_a_city_price_overrides_its_province_price(app):
    assert offered(DEPOK_BEJI) == {"jne-reg": 22000}
    bogor = Place("32", "Jawa Barat", "32.01", "Kabupaten Bogor", "32.01.01", "Cibinong")
    assert offered(bogor) == {"jne-reg": 25000}


def test_an_inactive_service_is_never_offered(app):
    assert "pos-kilat" not in offered(gondomanan())
    pos = db.session.execute(db.select(ShippingService).filter_by(code="pos-kilat")).scalar_one()
    pos.active = True
    db.session.commit()
    assert offered(gondomanan())["pos-kilat"] == 10000


def test_a_destination_without_any_rate_gets_no_service(app):
    papua = Place("91", "Papua", "91.01", "Kabupaten Merauke", "91.01.01", "Merauke")
    assert offered(papua) == {}


def test_free_shipping_from_the_threshold_applies_only_to_eligible_services(app):
    assert offered(gondomanan(), subtotal=499999) == {"jne-reg": 20000, "sicepat-reg": 18000}
    assert offered(gondomanan(), subtotal=500000) == {"jne-reg": 0, "sicepat-reg": 18000}


def test_the_region_chain_is_checked_district_in_city_in_province(app):
    assert place_for("34", "34.71", "34.71.10") == gondomanan()
    assert place_for("34", "34.71", "32.76.04") is None  # a Depok district under Kota Yogyakarta
    assert place_for("32", "34.71", "34.71.10") is None  # Kota Yogyakarta under Jawa Barat
    assert place_for("34.71", "34.71", "34.71.10") is None  # a city given as the province
    assert place_for("34", "34.71", "") is None


def test_the_official_list_has_the_38_provinces_in_force_since_2022(app):
    provinces = children(None)
    assert len(provinces) == 38
    names = {p.name for p in provinces}
    assert {"Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya"} <= names
    assert [c.name for c in children("34")] == [
        "Kabupaten Bantul",
        "Kabupaten Gunungkidul",
        "Kabupaten Kulon Progo",
        "Kabupaten Sleman",
        "Kota Yogyakarta",
    ]


def test_rate_lookup_query_count_does_not_grow_with_the_rate_table(app):
    def lookup_queries():
        with counting_queries() as log:
            quotes_for(DEPOK_BEJI, "16424", 1000, 100000)
        return len(log)

    small = lookup_queries()
    # Five hundred more services, each priced to every city of Jawa Barat and DI Yogyakarta.
    cities = [r.code for r in db.session.execute(db.select(Region).where(Region.level == 2)).scalars()]
    db.session.execute(
        insert(ShippingService),
        [
            {
                "code": f"c{n}-reg",
                "courier": f"C{n}",
                "service": "REG",
                "etd_min_days": 1,
                "etd_max_days": 2,
                "active": True,
                "free_shipping": True,
                "position": 10 + n,
            }
            for n in range(500)
        ],
    )
    ids = db.session.execute(db.select(ShippingService.id).where(ShippingService.code.like("c%-reg"))).scalars().all()
    db.session.execute(
        insert(ShippingRate),
        [{"service_id": sid, "region_code": code, "price_per_kg_idr": 10000} for sid in ids for code in cities[:40]],
    )
    db.session.commit()
    assert len(quotes_for(DEPOK_BEJI, "16424", 1000, 100000)) == 501
    assert lookup_queries() == small == 2  # the settings row, then services with their rates in one query
