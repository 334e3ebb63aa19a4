"""The merchant's shipping set-up in the back office: origin and rules, courier services, the rate table
as CSV (export, and an import that replaces all or nothing), weights on products, and "mark shipped"
pre-filled with the courier the shopper chose."""

import io

import pytest

from storefront.admin.models import AuditEntry
from storefront.extensions import db
from storefront.shipping_rates.models import ShippingRate, ShippingService, current_settings
from storefront.shipping_rates.quotes import quotes_for
from tests.support.admin import settle
from tests.support.helpers import gondomanan


def rates():
    db.session.rollback()
    return sorted(
        db.session.execute(
            db.select(ShippingService.code, ShippingRate.region_code, ShippingRate.price_per_kg_idr).join(
                ShippingRate.service
            )
        ).all()
    )


def upload(admin, text):
    return admin.post("/admin/shipping/rates", files={"rates": (io.BytesIO(text.encode()), "rates.csv", "text/csv")})


def test_the_rate_table_exports_as_csv_with_region_names(admin):
    response = admin.get("/admin/shipping/rates.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "service,region_code,region_name,price_per_kg_idr"
    assert "jne-reg,32.76,Kota Depok,22000" in lines
    assert "sicepat-reg,34,Daerah Istimewa Yogyakarta,18000" in lines


def test_an_exported_table_imports_back_unchanged(admin):
    before = rates()
    exported = admin.get("/admin/shipping/rates.csv").get_data(as_text=True)
    response = upload(admin, exported)
    assert response.status_code == 303
    assert rates() == before


def test_an_import_replaces_the_table_and_changes_the_prices_shoppers_see(admin):
    response = upload(admin, "service,region_code,price_per_kg_idr\njne-reg,34,15000\njne-reg,34.71,12.000\n")
    assert response.status_code == 303
    assert rates() == [("jne-reg", "34", 15000), ("jne-reg", "34.71", 12000)]
    assert {q.code: q.price_idr for q in quotes_for(gondomanan(), "55213", 1000, 10000)} == {"jne-reg": 12000}
    assert db.session.execute(db.select(AuditEntry.action)).scalars().all()[-1] == "shipping_rates_import"


@pytest.mark.parametrize(
    "line, message",
    [
        ("gosend-instant,34,10000", "Line 3: no service with the code"),
        ("jne-reg,34.71.10,10000", "Line 3: “34.71.10” is not a province or city code"),
        ("jne-reg,32,0", "Line 3: the price per kg"),
        ("jne-reg,32,sepuluh", "Line 3: the price per kg"),
        ("jne-reg,34,9000", "Line 3: this service already has a price"),
    ],
)
def test_an_import_with_a_bad_line_says_which_and_changes_nothing(admin, line, message):
    before = rates()
    response = upload(admin, f"service,region_code,price_per_kg_idr\njne-reg,34,15000\n{line}\n")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rates() == before


def test_settings_set_origin_tolerance_and_free_shipping(admin):
    data = {
        "origin_city_code": "32.76",
        "origin_postal_code": "16424",
        "tolerance_g": "100",
        "free_shipping_min_idr": "",
    }
    assert admin.post("/admin/shipping/settings", data).status_code == 303
    db.session.rollback()
    settings = current_settings()
    assert (
        settings.origin_city_code,
        settings.origin_postal_code,
        settings.tolerance_g,
        settings.free_shipping_min_idr,
    ) == ("32.76", "16424", 100, None)
    # 1,101 g is now 2 kg, and nothing is free any more.
    assert {q.code: q.price_idr for q in quotes_for(gondomanan(), "55213", 1101, 900000)} == {
        "jne-reg": 40000,
        "sicepat-reg": 36000,
    }


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"origin_city_code": "34.71.10"}, "origin_city_code"),
        ({"origin_postal_code": "1234"}, "origin_postal_code"),
        ({"tolerance_g": "1000"}, "tolerance_g"),
        ({"free_shipping_min_idr": "-5"}, "free_shipping_min_idr"),
    ],
)
def test_bad_settings_are_refused_beside_the_field(admin, overrides, field):
    data = {
        "origin_city_code": "32.76",
        "origin_postal_code": "16424",
        "tolerance_g": "300",
        "free_shipping_min_idr": "",
    }
    response = admin.post("/admin/shipping/settings", {**data, **overrides})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_a_new_service_gets_a_code_and_an_edit_switches_it_off_for_shoppers(admin):
    data = {
        "courier": "J&T",
        "service": "EZ",
        "etd_min_days": "2",
        "etd_max_days": "4",
        "active": "y",
        "free_shipping": "y",
    }
    assert admin.post("/admin/shipping/services", data).status_code == 303
    db.session.rollback()
    jt = db.session.execute(db.select(ShippingService).filter_by(code="j-t-ez")).scalar_one()
    assert (jt.courier, jt.service, jt.etd_min_days, jt.etd_max_days, jt.active) == ("J&T", "EZ", 2, 4, True)
    assert admin.post("/admin/shipping/services", data).status_code == 422  # the same service twice

    jne = db.session.execute(db.select(ShippingService).filter_by(code="jne-reg")).scalar_one()
    p = f"s{jne.id}"
    response = admin.post("/admin/shipping/services/jne-reg", {f"{p}-etd_min_days": "1", f"{p}-etd_max_days": "2"})
    assert response.status_code == 303
    assert set(q.code for q in quotes_for(gondomanan(), "55213", 1000, 10000)) == {"sicepat-reg"}


def test_an_estimate_that_ends_before_it_starts_is_refused(admin):
    data = {"courier": "AnterAja", "service": "REG", "etd_min_days": "4", "etd_max_days": "2"}
    response = admin.post("/admin/shipping/services", data)
    assert response.status_code == 422
    assert 'id="etd_max_days-error"' in response.get_data(as_text=True)


def test_mark_shipped_is_prefilled_with_the_courier_the_shopper_chose(admin, placed, sandbox):
    settle(sandbox, placed)
    admin.act(placed.reference, "recheck", confirm=False)  # the shop learns it is paid
    html = admin.order_page(placed.reference)
    assert 'name="ship-carrier" type="text" value="JNE REG"' in html
    assert "Courier: JNE REG" in html and "Gondomanan" in html


def set_rate(admin, **data):
    return admin.post("/admin/shipping/rate", {"rate_service": "jne-reg", "rate_region": "34.71", **data})


def test_one_city_rate_is_added_in_a_form_and_wins_over_its_province(admin):
    response = set_rate(admin, rate_price="15000", save="y")
    assert response.status_code == 303
    assert ("jne-reg", "34.71", 15000) in rates()
    assert {q.code: q.price_idr for q in quotes_for(gondomanan(), "55213", 1000, 10000)}["jne-reg"] == 15000
    page = admin.get("/admin/shipping").get_data(as_text=True)
    assert "JNE REG to Kota Yogyakarta (34.71): Rp15.000 per kg (new)." in page
    assert db.session.execute(db.select(AuditEntry.action)).scalars().all()[-1] == "shipping_rate"


def test_one_rate_is_changed_in_a_form_and_the_page_says_what_it_was(admin):
    response = admin.post(
        "/admin/shipping/rate", {"rate_service": "sicepat-reg", "rate_region": "34", "rate_price": "19000"}
    )
    assert response.status_code == 303
    assert ("sicepat-reg", "34", 19000) in rates() and ("sicepat-reg", "34", 18000) not in rates()
    page = admin.get("/admin/shipping").get_data(as_text=True)
    assert "Rp19.000 per kg (was Rp18.000)" in page


def test_one_rate_is_removed_and_the_province_price_applies_again(admin):
    assert set_rate(admin, rate_price="15.000").status_code == 303  # written as merchants write prices
    assert ("jne-reg", "34.71", 15000) in rates()
    assert set_rate(admin, remove="y").status_code == 303
    assert ("jne-reg", "34.71", 15000) not in rates()
    assert {q.code: q.price_idr for q in quotes_for(gondomanan(), "55213", 1000, 10000)}["jne-reg"] == 20000


@pytest.mark.parametrize(
    "data, field",
    [
        ({"rate_price": ""}, "rate_price"),
        ({"rate_price": "0"}, "rate_price"),
        ({"rate_price": "10000001"}, "rate_price"),
        ({"rate_price": "sepuluh ribu"}, "rate_price"),
        ({"rate_price": "15000", "rate_region": "34.71.10"}, "rate_region"),  # a district has no rate
        ({"rate_price": "15000", "rate_service": "gosend-instant"}, "rate_service"),
    ],
)
def test_a_bad_rate_is_refused_beside_its_field_and_nothing_changes(admin, data, field):
    before = rates()
    response = set_rate(admin, **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    if data.get("rate_price") not in ("", None):
        assert f'value="{data["rate_price"]}"' in html or data["rate_price"] == "sepuluh ribu"  # kept as typed
    assert rates() == before


def test_products_without_a_weight_are_listed_and_given_one_weight_so_shoppers_can_check_out(admin, shopper):
    from storefront.models import Product
    from tests.support.helpers import make_product

    tenun = make_product("Kain Tenun", price=300000, stock=3, weight_g=0)
    make_product("Batik Tulis", price=250000, stock=2, weight_g=0, active=False)
    make_product("Kopi Gayo", price=85000, stock=5, weight_g=300)
    page = admin.get("/admin/shipping").get_data(as_text=True)
    warning = page[page.index('id="products-without-weight"') :]
    assert "2 products have no shipping weight" in warning
    assert 'href="/admin/products/kain-tenun"' in warning and "Batik Tulis" in warning
    assert "Kopi Gayo" not in warning[: warning.index("</section>")]
    shopper.add(tenun.id, 1)
    assert shopper.checkout().status_code == 422  # no weight: shipping cannot be priced

    assert admin.post("/admin/shipping/weights", {"missing_weight_g": "1200"}).status_code == 303

    db.session.rollback()
    weights = dict(db.session.execute(db.select(Product.name, Product.weight_g)).all())
    assert weights == {"Kain Tenun": 1200, "Batik Tulis": 1200, "Kopi Gayo": 300}
    assert 'id="products-without-weight"' not in admin.get("/admin/shipping").get_data(as_text=True)
    actions = db.session.execute(db.select(AuditEntry.action, AuditEntry.product_id)).all()
    assert sorted(pid for action, pid in actions if action == "product_weight_filled") == sorted(
        db.session.execute(db.select(Product.id).where(Product.name != "Kopi Gayo")).scalars()
    )
    assert shopper.checkout().status_code == 303
    from tests.support.helpers import the_order

    assert (the_order().weight_g, the_order().shipping_idr) == (1200, 20000)  # 1,200 g is 1 kg (300 g tolerance)


@pytest.mark.parametrize("grams", ["", "0", "100001", "satu kilo"])
def test_a_bad_weight_for_products_without_one_is_refused_beside_the_field(admin, grams):
    from storefront.models import Product
    from tests.support.helpers import make_product

    make_product("Kain Tenun", price=300000, stock=3, weight_g=0)
    response = admin.post("/admin/shipping/weights", {"missing_weight_g": grams})
    assert response.status_code == 422
    assert 'id="missing_weight_g-error"' in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(db.select(Product.weight_g)).scalar_one() == 0
