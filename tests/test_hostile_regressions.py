"""Each input that once answered 500 (or hung a worker) in the hostile review, kept as a named case.
The all-routes property in test_all_routes_property.py covers the same ground without a list."""

import io
import json

import pytest

from storefront.cart.cart import get_items
from storefront.extensions import db
from storefront.models import Order, PaymentEvent, Product
from storefront.payments.gateway import parse_amount
from tests.support.helpers import make_product, signed_notification, the_order

HUGE = "9" * 4301  # one digit over Python's int-string conversion limit


def _nothing_stored(stock=8):
    db.session.rollback()
    order = the_order()
    return (
        order.payment_status == "awaiting_payment" and db.session.get(Product, order.items[0].product_id).stock == stock
    )


def test_a_notification_nested_a_thousand_deep_is_refused_with_400(client, placed_order):
    response = client.post("/payments/notification", data="[" * 1000, content_type="application/json")
    assert response.status_code == 400
    assert _nothing_stored()


def test_a_lone_surrogate_in_order_id_is_refused_with_400_before_the_signature_check(client, placed_order):
    body = (
        '{"order_id": "\\ud800", "status_code": "200", "gross_amount": "190000.00", '
        '"transaction_status": "settlement", "signature_key": "x"}'
    )
    response = client.post("/payments/notification", data=body, content_type="application/json")
    assert response.status_code == 400
    assert _nothing_stored()


def test_a_nul_in_a_notification_field_is_refused_with_400(client, placed_order):
    body = signed_notification(placed_order.current_attempt.midtrans_order_id + "\x00", "settlement", "190000.00")
    response = client.post("/payments/notification", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert _nothing_stored()


@pytest.mark.timeout(20)  # it once held the worker until gunicorn killed it
def test_a_signed_astronomical_gross_amount_is_refused_at_once(client, placed_order):
    body = signed_notification(placed_order.current_attempt.midtrans_order_id, "settlement", "1e999999999")
    response = client.post("/payments/notification", json=body)
    assert response.status_code == 400
    assert _nothing_stored()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("190000.00", 190000),
        ("190000", 190000),
        (190000, 190000),
        ("190000.50", None),
        ("1e999999999", None),
        ("-5.00", None),
        ("9" * 16, None),
        ("NaN", None),
        ("Infinity", None),
        (" 190000.00", None),
        (True, None),
    ],
)
def test_gross_amount_is_parsed_by_shape_and_length(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "path, field",
    [
        ("/cart/add", "product_id"),
        ("/cart/add", "variant_id"),
        ("/cart/add", "quantity"),
        ("/cart/update", "variant_id"),
        ("/cart/update", "quantity"),
        ("/cart/remove", "variant_id"),
    ],
)
def test_a_4301_digit_number_on_the_cart_is_answered_without_error_and_changes_nothing(shopper, client, path, field):
    product = make_product("Kopi Gayo", stock=10)
    shopper.add(product.id, 2)
    line = {"product_id": str(product.id)} if field == "product_id" else {"variant_id": str(product.variants[0].id)}
    data = {**line, "quantity": "1", field: HUGE}
    response = shopper.post(path, data)
    assert response.status_code in (303, 422)
    with client.session_transaction() as session:
        assert get_items(session) == {product.variants[0].id: 2}


@pytest.mark.parametrize(
    "url",
    [
        "/?q=%00",
        "/?category=%00",
        "/products/%00",
        "/orders/%00",
        "/orders/%00/status",
        "/payments/finish?order_id=%00",
        "/?q=caf%00e",
    ],
)
def test_a_nul_byte_in_a_url_gets_the_ordinary_400_or_404_page(client, product, url):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert 'id="main"' in response.get_data(as_text=True) or "<html" in response.get_data(as_text=True)


def test_a_nul_byte_in_the_checkout_form_stores_no_order(shopper, client):
    product = make_product("Kopi Gayo", stock=10)
    shopper.add(product.id, 1)
    response = shopper.checkout(name="Siti\x00Rahmawati")
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0


def test_a_body_over_the_app_wide_limit_is_refused_with_413(client, product):
    response = client.post(
        "/cart/add", data={"product_id": str(product.id), "quantity": "1", "x": "a" * (4 * 1024 * 1024)}
    )
    assert response.status_code == 413


def test_a_notification_over_64_kb_is_refused_with_413_even_without_content_length(client, placed_order):
    body = json.dumps({"padding": "a" * (100 * 1024)}).encode()
    # A chunked body: the server is told the stream ends by itself, and no length is given.
    response = client.post(
        "/payments/notification",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert db.session.scalar(db.select(db.func.count(PaymentEvent.id))) == 0


@pytest.mark.parametrize("body", ["[1, 2, 3]", "[" * 1000 + "]" * 1000, '"text"', "5"])
def test_a_json_body_on_a_form_route_is_not_read_as_the_form(shopper, client, body):
    make_product("Kopi Gayo", stock=10)
    response = client.post(
        "/cart/add", data=body, content_type="application/json", headers={"X-CSRFToken": shopper.token}
    )
    assert response.status_code in (303, 400, 422)  # the ordinary "try again" answer; it was a 500
    with client.session_transaction() as session:
        assert get_items(session) == {}
