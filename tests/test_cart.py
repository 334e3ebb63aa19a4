import re

import pytest
from sqlalchemy import update

from storefront.cart.cart import get_items
from storefront.extensions import db
from storefront.models import Product, Variant
from tests.support.helpers import Shopper, forget_per_request_state, make_product


def cart_of(client):
    with client.session_transaction() as session:
        return get_items(session)


def test_adding_from_the_grid_puts_one_unit_in_the_cart(shopper, client, product):
    response = shopper.add(product.id)
    assert response.status_code == 303
    assert cart_of(client) == {product.id: 1}


def test_adding_again_increases_the_quantity(shopper, client, product):
    shopper.add(product.id, 2)
    shopper.add(product.id, 3)
    assert cart_of(client) == {product.id: 5}


def test_htmx_add_returns_the_form_and_an_out_of_band_badge(shopper, product):
    response = shopper.add(product.id, 2, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="add-form-{product.id}"' in html
    assert "added to your cart" in html.lower() or "ditambahkan" in html.lower()
    assert 'id="cart-badge"' in html and 'hx-swap-oob="true"' in html
    assert ">2</span>" in html


def test_each_shoppers_add_answer_carries_their_own_token(app, product):
    """The add's answer is drawn once and remembered; each shopper's CSRF token is put in per answer."""
    forget_per_request_state(app)
    first, second = Shopper(app.test_client()), Shopper(app.test_client())
    tokens = {}
    for shopper in (first, second, first, second):  # the later answers are the remembered drawing
        html = shopper.add(product.id, 1, htmx=True).get_data(as_text=True)
        found = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert len(found) == 1 and "<csrf-token>" not in html
        tokens[shopper] = found.pop()
    # Each token is the shopper's own: the next add with it works, and another shopper's is refused.
    assert first.post("/cart/add", {"product_id": product.id, "csrf_token": tokens[first]}).status_code == 303
    assert second.post("/cart/add", {"product_id": product.id, "csrf_token": tokens[first]}).status_code == 400
    assert second.post("/cart/add", {"product_id": product.id, "csrf_token": tokens[second]}).status_code == 303


def test_the_add_answer_tells_the_current_units_and_name(shopper, product):
    """A sale or a rename between two adds shows in the next answer, remembered or not."""
    first = shopper.add(product.id, 1, htmx=True).get_data(as_text=True)
    assert 'max="10"' in first and "Kopi Gayo 250 g" in first and ">1</span>" in first
    # Plain UPDATEs, as checkout takes stock: nothing is told to forget anything.
    db.session.execute(update(Variant).where(Variant.product_id == product.id).values(stock=4))
    db.session.commit()
    second = shopper.add(product.id, 1, htmx=True).get_data(as_text=True)
    assert 'max="4"' in second and ">2</span>" in second
    db.session.execute(update(Product).where(Product.id == product.id).values(name="Kopi Gayo Wine"))
    db.session.commit()
    third = shopper.add(product.id, 1, htmx=True).get_data(as_text=True)
    assert "Kopi Gayo Wine" in third and "250 g" not in third and ">3</span>" in third


@pytest.mark.parametrize("bad", ["0", "-1", "1.5", "abc", str(10**9), "", " ", "١"])
def test_bad_quantities_are_refused_next_to_the_control_and_change_nothing(shopper, client, product, bad):
    shopper.add(product.id, 1)
    response = shopper.add(product.id, bad, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "field__error" in html and f'id="add-form-{product.id}"' in html
    assert cart_of(client) == {product.id: 1}


def test_bad_quantity_without_javascript_shows_the_product_page_with_the_message(shopper, client, product):
    response = shopper.add(product.id, "abc")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-stock="10"' in html and "field__error" in html and 'value="abc"' in html
    assert cart_of(client) == {}


def test_quantity_above_stock_is_refused(shopper, client, app):
    product = make_product("Songket Palembang", stock=3)
    assert shopper.add(product.id, 4, htmx=True).status_code == 422
    assert shopper.add(product.id, 3, htmx=True).status_code == 200
    assert shopper.add(product.id, 1, htmx=True).status_code == 422
    assert cart_of(client) == {product.id: 3}


def test_at_most_99_of_one_product(shopper, client, app):
    product = make_product("Kerupuk Udang", stock=500)
    assert shopper.add(product.id, 100, htmx=True).status_code == 422
    assert shopper.add(product.id, 99, htmx=True).status_code == 200


@pytest.mark.parametrize("bad_id", ["", "999999", "abc", "-1"])
def test_missing_or_unknown_product_is_refused(shopper, client, app, bad_id):
    response = shopper.add(bad_id, 1, htmx=True)
    assert response.status_code == 422
    assert cart_of(client) == {}


def test_inactive_product_cannot_be_added(shopper, client, app):
    product = make_product("Barang Lama", active=False)
    assert shopper.add(product.id, 1, htmx=True).status_code == 422
    assert cart_of(client) == {}


def test_extra_price_fields_are_ignored(shopper, client, product):
    shopper.post("/cart/add", {"product_id": product.id, "quantity": 2, "price": 1, "total": 1})
    html = client.get("/cart/").get_data(as_text=True)
    assert "Rp170.000" in html  # 2 x 85.000 from the database
    assert "Rp1<" not in html


def test_cart_page_shows_line_totals_and_a_total_before_shipping_which_is_chosen_at_checkout(shopper, client, app):
    kopi = make_product("Kopi Gayo", price=85000)
    teh = make_product("Teh Melati", price=20000)
    shopper.add(kopi.id, 2)
    shopper.add(teh.id, 1)
    html = client.get("/cart/").get_data(as_text=True)
    assert "Rp170.000" in html and "Rp20.000" in html
    assert 'id="cart-total">Rp190.000' in html  # the lines only: shipping depends on the address
    assert "Dipilih saat checkout" in html


def test_htmx_update_changes_quantity_and_returns_cart_with_badge(shopper, client, product):
    shopper.add(product.id, 1)
    response = shopper.post("/cart/update", {"variant_id": product.variants[0].id, "quantity": 4}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="cart"')
    assert 'id="cart-badge"' in html and ">4</span>" in html
    assert cart_of(client) == {product.id: 4}


@pytest.mark.parametrize("bad", ["0", "-1", "1.5", "abc", str(10**9), "11"])
def test_bad_update_shows_the_message_at_the_line_and_keeps_the_cart(shopper, client, product, bad):
    shopper.add(product.id, 2)
    response = shopper.post("/cart/update", {"variant_id": product.variants[0].id, "quantity": bad}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="qty-error-{product.variants[0].id}"' in html
    assert f'value="{bad}"' in html  # what was typed is kept
    assert cart_of(client) == {product.id: 2}


def test_update_without_javascript_redirects_with_303(shopper, client, product):
    shopper.add(product.id, 1)
    response = shopper.post("/cart/update", {"variant_id": product.variants[0].id, "quantity": 3})
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart/")


def test_remove_line(shopper, client, product):
    shopper.add(product.id, 2)
    response = shopper.post("/cart/remove", {"variant_id": product.variants[0].id}, htmx=True)
    assert response.status_code == 200
    assert ">0</span>" in response.get_data(as_text=True)
    assert cart_of(client) == {}


def test_line_that_became_unavailable_blocks_checkout(shopper, client, app):
    from storefront.extensions import db

    product = make_product("Dodol Garut", stock=5)
    shopper.add(product.id, 4)
    product.variants[0].stock = 2
    db.session.commit()
    html = client.get("/cart/").get_data(as_text=True)
    assert "cart-line--problem" in html
    assert 'href="/checkout/"' not in html
    response = client.get("/checkout/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/cart/")
    product.active = False
    db.session.commit()
    assert "cart-line--problem" in client.get("/cart/").get_data(as_text=True)


def test_tampered_cookie_content_is_ignored(client, product):
    with client.session_transaction() as session:
        session["cart"] = {str(product.id): 2, "x": 5, "7": -3, "8": 1.5, "9": True}
    assert cart_of(client) == {product.id: 2}
    assert client.get("/cart/").status_code == 200
