"""Checkout with an Indonesian address and a courier service: chained lists with htmx and without
JavaScript, the server's own check of the chain, the service and its price; what the order, its page and
Snap then show."""

import re

import pytest

from storefront.extensions import db
from storefront.models import Order, Product
from tests.support.helpers import VALID_CUSTOMER, checkout_fields, make_product, sandbox_transaction, the_order

FRAGMENT = {"HX-Request": "true", "HX-Target": "checkout-shipping"}


@pytest.fixture
def kopi(app):
    return make_product("Kopi Gayo", price=85000, stock=10, weight_g=300)


def orders():
    db.session.rollback()
    return db.session.execute(db.select(Order)).scalars().all()


def stock_of(product):
    db.session.rollback()
    return db.session.get(Product, product.id).stock


def options(html, name):
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    return re.findall(r'<option[^>]*value="([^"]+)"', select.group(0)) if select else []


def test_choosing_a_province_with_htmx_loads_its_cities_and_nothing_else(shopper, client, kopi):
    shopper.add(kopi.id, 1)
    response = client.get("/checkout/shipping", query_string={"province": "34"}, headers=FRAGMENT)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="checkout-shipping"')
    assert options(html, "city") == ["34.02", "34.03", "34.01", "34.04", "34.71"]  # by name, Bantul first
    assert options(html, "district") == []
    assert "HX-Request" in response.headers["Vary"]


def test_choosing_a_district_with_htmx_shows_each_service_with_price_and_estimate(shopper, client, kopi):
    shopper.add(kopi.id, 2)
    query = {"province": "34", "city": "34.71", "district": "34.71.10"}
    html = client.get("/checkout/shipping", query_string=query, headers=FRAGMENT).get_data(as_text=True)
    assert "34.71.10" in options(html, "district")
    services = re.search(r'<div id="shipping-services"[^>]*hx-swap-oob="true".*?</fieldset>', html, re.S).group(0)
    assert re.findall(r'name="shipping_service" value="([^"]+)"', services) == ["jne-reg", "sicepat-reg"]
    assert "JNE REG" in services and "Rp20.000" in services and "2–3 hari" in services
    assert "SiCepat REG" in services and "Rp18.000" in services


def test_choosing_a_service_with_htmx_updates_the_totals_out_of_band(shopper, client, kopi):
    shopper.add(kopi.id, 2)
    query = {"province": "34", "city": "34.71", "district": "34.71.10", "shipping_service": "sicepat-reg"}
    html = client.get("/checkout/shipping", query_string=query, headers=FRAGMENT).get_data(as_text=True)
    summary = re.search(r'<aside id="order-summary"[^>]*hx-swap-oob="true".*?</aside>', html, re.S).group(0)
    assert 'id="summary-shipping">Rp18.000' in summary
    assert 'id="summary-total">Rp188.000' in summary


def test_another_province_clears_the_city_and_district_chosen_before(shopper, client, kopi):
    shopper.add(kopi.id, 1)
    query = {"province": "32", "city": "34.71", "district": "34.71.10"}
    html = client.get("/checkout/shipping", query_string=query, headers=FRAGMENT).get_data(as_text=True)
    assert "32.76" in options(html, "city")
    assert not re.search(r'<option selected value="34.71"', html)
    assert options(html, "district") == []
    assert 'name="shipping_service"' not in html


def test_the_fragment_url_opened_directly_sends_the_browser_to_the_checkout_page(client, shopper, kopi):
    shopper.add(kopi.id, 1)
    response = client.get("/checkout/shipping?province=34")
    assert response.status_code == 303 and response.headers["Location"].endswith("/checkout/")


@pytest.mark.parametrize(
    "step, data, shows",
    [
        ("province", {"province": "34"}, 'name="city"'),
        ("city", {"province": "34", "city": "34.71"}, 'name="district"'),
        ("district", {"province": "34", "city": "34.71", "district": "34.71.10"}, 'value="jne-reg"'),
    ],
)
def test_without_javascript_each_step_button_reloads_the_page_with_the_next_list(shopper, kopi, step, data, shows):
    shopper.add(kopi.id, 1)
    response = shopper.post("/checkout/", {"name": "Siti", "step": step, **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert shows in html
    assert 'class="field__error"' not in html  # a step is not a submit: nothing is judged yet
    assert 'value="Siti"' in html  # nothing typed is lost
    assert orders() == []


def test_without_javascript_the_service_step_shows_the_total_with_the_chosen_service(shopper, kopi):
    shopper.add(kopi.id, 1)
    data = {k: v for k, v in VALID_CUSTOMER.items()} | {"step": "service", "shipping_service": "sicepat-reg"}
    html = shopper.post("/checkout/", data).get_data(as_text=True)
    assert 'id="summary-total">Rp103.000' in html
    assert re.search(r'value="sicepat-reg"[^>]*checked', html)


@pytest.mark.parametrize(
    "field, overrides",
    [
        ("district", {"district": "32.76.04"}),  # a Depok district sent with Kota Yogyakarta
        ("city", {"city": "32.76"}),  # Kota Depok sent with DI Yogyakarta
        ("province", {"province": "99"}),
        ("district", {"district": ""}),
    ],
)
def test_an_address_chain_that_does_not_hold_is_refused_beside_the_field(shopper, kopi, field, overrides):
    shopper.add(kopi.id, 1)
    response = shopper.checkout(**overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert orders() == [] and stock_of(kopi) == 10


@pytest.mark.parametrize(
    "code",
    [
        "pos-kilat",  # exists, but switched off by the merchant
        "gojek-instant",  # no such service
        "",
    ],
)
def test_a_tampered_or_missing_shipping_service_is_refused_beside_the_field(shopper, kopi, code):
    shopper.add(kopi.id, 1)
    response = shopper.checkout(shipping_service=code)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="shipping_service-error"' in html
    assert orders() == [] and stock_of(kopi) == 10


def test_a_service_not_offered_for_the_destination_is_refused(shopper, kopi):
    shopper.add(kopi.id, 1)
    # SiCepat only delivers to DI Yogyakarta in this table, not to Depok.
    response = shopper.checkout(province="32", city="32.76", district="32.76.04", shipping_service="sicepat-reg")
    assert response.status_code == 422
    assert 'id="shipping_service-error"' in response.get_data(as_text=True)
    assert orders() == []


def test_a_destination_without_any_rate_says_so_beside_the_services_and_nothing_is_reserved(shopper, kopi):
    from storefront.shipping_rates.models import ShippingRate

    db.session.execute(db.delete(ShippingRate).where(ShippingRate.region_code == "34"))
    db.session.commit()
    shopper.add(kopi.id, 1)
    page = shopper.post("/checkout/", {"step": "district", "province": "34", "city": "34.71", "district": "34.71.10"})
    assert "Belum ada layanan kurir" in page.get_data(as_text=True)
    response = shopper.checkout()
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="shipping_service-error"' in html and "Belum ada layanan kurir" in html
    assert orders() == [] and stock_of(kopi) == 10


def test_a_cart_with_a_product_without_weight_cannot_be_shipped_and_nothing_is_reserved(shopper, app):
    weightless = make_product("Kain Tenun", price=300000, stock=3, weight_g=0)
    shopper.add(weightless.id, 1)
    response = shopper.checkout()
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="shipping_service-error"' in html and "berat" in html
    assert orders() == [] and stock_of(weightless) == 3


def test_shipping_price_and_total_come_from_the_server_not_the_form(shopper, kopi, sandbox):
    shopper.add(kopi.id, 1)
    shopper.checkout(shipping_idr="0", shipping_price="1", total_idr="1", price_idr="1")
    order = the_order()
    assert (order.subtotal_idr, order.shipping_idr, order.total_idr) == (85000, 20000, 105000)


def test_the_order_stores_the_address_chain_the_service_its_price_and_the_weight(shopper, kopi):
    shopper.add(kopi.id, 3)  # 900 g: 1 kg
    shopper.checkout(shipping_service="sicepat-reg")
    order = the_order()
    assert (order.province, order.city, order.district) == (
        "Daerah Istimewa Yogyakarta",
        "Kota Yogyakarta",
        "Gondomanan",
    )
    assert (order.province_code, order.city_code, order.district_code) == ("34", "34.71", "34.71.10")
    assert (order.shipping_code, order.shipping_label, order.shipping_etd) == ("sicepat-reg", "SiCepat REG", "1–2")
    assert (order.weight_g, order.shipping_idr, order.total_idr) == (900, 18000, 273000)


def test_snap_gets_a_shipping_line_naming_courier_and_service_and_the_lines_sum_to_gross_amount(shopper, kopi, sandbox):
    shopper.add(kopi.id, 2)
    shopper.checkout()
    order = the_order()
    body = sandbox_transaction(sandbox, f"{order.reference}-1")
    items = body["snap"]["item_details"]
    assert {"id": "shipping", "name": "Ongkir JNE REG", "price": 20000, "quantity": 1}.items() <= items[-1].items()
    assert sum(int(i["price"]) * int(i["quantity"]) for i in items) == int(float(body["gross_amount"])) == 190000


def test_free_shipping_reaches_snap_without_a_shipping_line(shopper, sandbox, app):
    batik = make_product("Batik Tulis", price=600000, stock=2, weight_g=400)
    shopper.add(batik.id, 1)
    shopper.checkout()
    order = the_order()
    assert (order.shipping_label, order.shipping_idr, order.total_idr) == ("JNE REG", 0, 600000)
    items = sandbox_transaction(sandbox, f"{order.reference}-1")["snap"]["item_details"]
    assert [i["id"] for i in items] == [str(batik.id)]


def test_the_order_page_shows_the_courier_service_and_address(shopper, client, kopi):
    shopper.add(kopi.id, 1)
    shopper.checkout()
    order = the_order()
    html = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert "JNE REG" in html
    assert "Gondomanan" in html and "Kota Yogyakarta" in html and "Daerah Istimewa Yogyakarta" in html


def test_a_shipping_price_changed_after_the_service_was_shown_gets_422_and_confirming_again_pays_the_new_one(
    shopper, kopi
):
    from storefront.shipping_rates.models import ShippingRate
    from tests.support.helpers import checkout_fields

    shopper.add(kopi.id, 1)
    page = shopper.client.get("/checkout/").get_data(as_text=True)
    form = {**VALID_CUSTOMER, **checkout_fields(page), "totals_fingerprint": shopper.shown_fingerprint(VALID_CUSTOMER)}
    db.session.execute(db.update(ShippingRate).where(ShippingRate.region_code == "34").values(price_per_kg_idr=26000))
    db.session.commit()
    response = shopper.post("/checkout/", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and orders() == [] and stock_of(kopi) == 10
    assert 'id="summary-shipping">Rp26.000' in html and 'id="summary-total">Rp111.000' in html
    assert shopper.post("/checkout/", {**form, **checkout_fields(html)}).status_code == 303
    assert the_order().total_idr == 85000 + 26000


def test_the_fingerprint_the_page_holds_follows_the_chosen_service(shopper, kopi):
    shopper.add(kopi.id, 1)
    jne = shopper.shown_fingerprint(VALID_CUSTOMER)
    sicepat = shopper.shown_fingerprint({**VALID_CUSTOMER, "shipping_service": "sicepat-reg"})
    assert jne != sicepat
    # Submitting JNE REG with the digest of the SiCepat summary: the shopper did not see this total.
    response = shopper.checkout(totals_fingerprint=sicepat)
    assert response.status_code == 422 and orders() == []


def test_without_javascript_skipping_update_the_total_asks_to_confirm_the_total_with_shipping(shopper, kopi):
    shopper.add(kopi.id, 1)
    address = {k: VALID_CUSTOMER[k] for k in ("province", "city", "district")}
    page = shopper.post("/checkout/", {"step": "district", **address}).get_data(as_text=True)  # services shown
    chosen = {**VALID_CUSTOMER, **checkout_fields(page), "shipping_service": "jne-reg"}  # then straight to "pay"

    response = shopper.post("/checkout/", chosen)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Total sekarang termasuk ongkir JNE REG: Rp105.000" in html
    assert "Harga dalam pesanan Anda berubah" not in html  # nothing changed: the shopper had not seen shipping
    assert 'id="summary-total">Rp105.000' in html
    assert orders() == [] and stock_of(kopi) == 10
    assert shopper.post("/checkout/", {**chosen, **checkout_fields(html)}).status_code == 303
    assert orders()[0].total_idr == 105000
