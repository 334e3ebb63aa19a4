import pytest

from storefront.checkout.forms import normalise_phone
from storefront.extensions import db
from storefront.models import Order, Product, Variant
from tests.support.helpers import DIRECT_CUSTOMER, VALID_CUSTOMER, checkout_fields, gondomanan_offer, make_product


def orders():
    return db.session.execute(db.select(Order)).scalars().all()


@pytest.fixture
def kopi(app):
    return make_product("Kopi Gayo", price=85000, stock=10)


def test_valid_checkout_creates_an_order_reserves_stock_and_sends_shopper_to_snap(shopper, client, kopi, sandbox):
    shopper.add(kopi.id, 2)
    response = shopper.checkout()
    assert response.status_code == 303
    assert response.headers["Location"].startswith(sandbox.base_url + "/snap/")
    [order] = orders()
    assert order.payment_status == "awaiting_payment"
    assert (order.subtotal_idr, order.shipping_idr, order.total_idr) == (170000, 20000, 190000)
    assert [(i.product_name, i.unit_price_idr, i.quantity, i.line_total_idr) for i in order.items] == [
        ("Kopi Gayo", 85000, 2, 170000)
    ]
    assert order.phone == "+6281234567890"
    db.session.refresh(kopi)
    assert kopi.stock == 8
    assert client.get("/cart/").get_data(as_text=True).count("cart-line") == 0


def test_htmx_checkout_leaves_the_site_with_hx_redirect(shopper, kopi, sandbox):
    shopper.add(kopi.id, 1)
    page = shopper.client.get("/checkout/").get_data(as_text=True)
    fields = {**checkout_fields(page), "totals_fingerprint": shopper.shown_fingerprint(VALID_CUSTOMER)}
    response = shopper.post("/checkout/", {**VALID_CUSTOMER, **fields}, htmx=True)
    assert response.headers["HX-Redirect"].startswith(sandbox.base_url + "/snap/")


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", ""),
        ("email", "not-an-email"),
        ("phone", "12345"),
        ("phone", "+6512345678"),
        ("address", ""),
        ("city", ""),
        ("postal_code", "1234"),
        ("postal_code", "abcde"),
    ],
)
def test_invalid_fields_rerender_the_form_with_the_message_beside_the_field(shopper, kopi, field, value):
    shopper.add(kopi.id, 1)
    response = shopper.checkout(**{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert f'aria-describedby="{field}-error"' in html or f'{field}-error"' in html
    # Nothing typed is lost.
    assert 'value="Jl. Malioboro No. 12"' in html or field == "address"
    assert orders() == []
    db.session.refresh(kopi)
    assert kopi.stock == 10


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("081234567890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("0812 3456 78", "+6281234567 8".replace(" ", "")),
    ],
)
def test_indonesian_mobile_numbers_are_stored_as_plus_62(raw, normalised):
    assert normalise_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["", "12345", "0212345678", "+1 415 555 0100", "08123"])
def test_non_indonesian_mobile_numbers_are_refused(raw):
    assert normalise_phone(raw) is None


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(shopper, app):
    response = shopper.client.get("/checkout/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart/")
    assert shopper.checkout().status_code == 303
    assert orders() == []


def test_prices_come_from_the_database_not_the_form(shopper, kopi, sandbox):
    shopper.add(kopi.id, 1)
    shopper.checkout(price="1", total="1", subtotal_idr="1")
    [order] = orders()
    assert order.total_idr == 85000 + 20000
    sent = sandbox_transaction(sandbox, order)
    assert sent["gross_amount_idr"] == order.total_idr


def sandbox_transaction(sandbox, order):
    import requests

    body = requests.get(f"{sandbox.base_url}/sandbox/transactions/{order.reference}-1", timeout=5).json()
    amount = body.get("gross_amount") or body.get("transaction_details", {}).get("gross_amount")
    return {"gross_amount_idr": int(float(amount)), "body": body}


def test_stock_that_ran_out_meanwhile_is_reported_and_the_cart_kept(shopper, client, app):
    product = make_product("Songket Palembang", stock=2)
    shopper.add(product.id, 2)
    product.variants[0].stock = 1
    db.session.commit()
    # The cart page would now block; force the race by posting directly.
    response = shopper.checkout()
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart/")
    assert orders() == []
    db.session.refresh(product)
    assert product.stock == 1
    with client.session_transaction() as session:
        assert session["lines"] == {str(product.variants[0].id): 2}


def test_reservation_is_all_or_nothing_across_lines(app):
    from flask import current_app

    from storefront.checkout.orders import OutOfStock, place_order

    plenty = make_product("Kopi", stock=10)
    scarce = make_product("Teh", stock=1)
    with current_app.test_request_context():
        with pytest.raises(OutOfStock) as excinfo:
            place_order(
                {plenty.variants[0].id: 3, scarce.variants[0].id: 2},
                DIRECT_CUSTOMER,
                "key-1",
                "id",
                gondomanan_offer(),
                "jne-reg",
            )
    assert excinfo.value.product_names == ["Teh"]
    stocks = dict(db.session.execute(db.select(Product.name, Variant.stock).join(Product.variants)).all())
    assert stocks == {"Kopi": 10, "Teh": 1}


def test_same_checkout_key_twice_returns_the_first_order(app):
    from flask import current_app

    from storefront.checkout.orders import place_order

    product = make_product("Kopi", stock=10)
    with current_app.test_request_context():
        first, created_first = place_order(
            {product.variants[0].id: 2}, DIRECT_CUSTOMER, "same-key", "id", gondomanan_offer(), "jne-reg"
        )
        second, created_second = place_order(
            {product.variants[0].id: 2}, DIRECT_CUSTOMER, "same-key", "id", gondomanan_offer(), "jne-reg"
        )
    assert (created_first, created_second) == (True, False)
    assert first.id == second.id
    db.session.refresh(product)
    assert product.stock == 8


def _price_changes_while_the_checkout_page_is_open(shopper, kopi, new_price):
    shopper.add(kopi.id, 2)
    page = shopper.client.get("/checkout/").get_data(as_text=True)
    shown = shopper.shown_fingerprint(VALID_CUSTOMER)  # address and service picked: the summary shows the total
    db.session.get(Product, kopi.id).price_idr = new_price  # the merchant edits the price meanwhile
    db.session.commit()
    return {**VALID_CUSTOMER, **checkout_fields(page), "totals_fingerprint": shown}


@pytest.mark.parametrize("htmx", [False, True])
def test_a_price_changed_after_the_checkout_page_was_shown_gets_422_with_the_new_summary_and_no_order(
    shopper, kopi, htmx
):
    form = _price_changes_while_the_checkout_page_is_open(shopper, kopi, 95000)
    response = shopper.post("/checkout/", form, htmx=htmx)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Prices in your order have changed" in html or "Harga dalam pesanan Anda berubah" in html
    assert 'id="order-summary"' in html and "Rp190.000" in html and "Rp210.000" in html  # 2 x 95.000 + shipping
    assert f'value="{VALID_CUSTOMER["address"]}"' in html  # nothing typed is lost
    assert orders() == []
    db.session.rollback()
    assert db.session.get(Product, kopi.id).stock == 10  # the reservation was rolled back


def test_confirming_again_after_a_price_change_places_the_order_at_the_price_shown(shopper, kopi, sandbox):
    form = _price_changes_while_the_checkout_page_is_open(shopper, kopi, 95000)
    again = shopper.post("/checkout/", form).get_data(as_text=True)
    assert shopper.post("/checkout/", {**form, **checkout_fields(again)}).status_code == 303
    [order] = orders()
    assert order.total_idr == 2 * 95000 + 20000
    assert sandbox_transaction(sandbox, order)["gross_amount_idr"] == order.total_idr


def test_a_form_without_the_fingerprint_of_its_summary_places_no_order(shopper, kopi):
    shopper.add(kopi.id, 1)
    page = shopper.client.get("/checkout/").get_data(as_text=True)
    response = shopper.post("/checkout/", {**VALID_CUSTOMER, **checkout_fields(page), "totals_fingerprint": ""})
    assert response.status_code == 422
    assert orders() == []
