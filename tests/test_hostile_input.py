"""Fuzzing with hypothesis: garbage, wrong types, huge numbers, unicode and re-signed payloads never cause
a 500 and never a state change that verified Midtrans data does not justify."""

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from storefront.cart.cart import MAX_QUANTITY, get_items
from storefront.extensions import db
from storefront.models import Order, Product, Variant
from storefront.payments.gateway import parse_amount
from tests.support.helpers import force_sandbox_state, make_product, signed_notification, the_order

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
field_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=40),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.fixture
def awaiting(placed_order):
    # The shopper has not picked a method yet: Midtrans's status API does not know the transaction.
    return placed_order.current_attempt.midtrans_order_id


def unchanged():
    order = the_order()
    return order.payment_status == "awaiting_payment" and db.session.execute(db.select(Variant.stock)).scalar_one() == 8


@FUZZ
@given(body=json_values)
def test_arbitrary_json_is_refused_without_error(client, awaiting, body):
    response = client.post("/payments/notification", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (400, 403, 404)
    assert unchanged()


@FUZZ
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_are_refused_without_error(client, awaiting, raw):
    response = client.post("/payments/notification", data=raw, content_type="application/json")
    assert response.status_code in (400, 403, 404)
    assert unchanged()


@FUZZ
@given(
    order_id=field_values,
    status_code=field_values,
    gross_amount=field_values,
    transaction_status=field_values,
    signature=field_values,
)
def test_wrongly_typed_fields_never_pass(
    client, awaiting, order_id, status_code, gross_amount, transaction_status, signature
):
    body = {
        "order_id": order_id,
        "status_code": status_code,
        "gross_amount": gross_amount,
        "transaction_status": transaction_status,
        "signature_key": signature,
    }
    response = client.post("/payments/notification", json=body)
    assert response.status_code in (400, 403, 404)
    assert unchanged()


@FUZZ
@given(amount=st.one_of(st.integers(min_value=0, max_value=10**15).map(lambda n: f"{n}.00"), st.text(max_size=12)))
def test_resigned_payloads_with_other_amounts_are_not_paid(client, sandbox, awaiting, amount):
    assume(parse_amount(amount) != 190000)  # the genuine amount is covered by the notification tests
    force_sandbox_state(sandbox, awaiting, "settlement", "bank_transfer")  # even when Midtrans says paid
    body = signed_notification(awaiting, "settlement", amount)
    response = client.post("/payments/notification", json=body)
    assert response.status_code == 400
    assert unchanged()


@FUZZ
@given(
    status=st.one_of(
        st.sampled_from(["settlement", "capture", "refund", "expire", "cancel", "deny", "pending", "chargeback"]),
        st.text(max_size=20),
    ),
    fraud=st.one_of(st.none(), st.sampled_from(["accept", "challenge", "deny"]), st.text(max_size=8)),
)
def test_signed_claims_change_nothing_the_status_api_does_not_confirm(client, sandbox, awaiting, status, fraud):
    # Midtrans has no transaction for this order yet, so no claim can be confirmed.
    body = signed_notification(awaiting, status, "190000.00", fraud_status=fraud)
    response = client.post("/payments/notification", json=body)
    assert response.status_code in (200, 400)
    assert unchanged()


@FUZZ
@given(
    product_id=st.one_of(st.text(max_size=12), st.integers(min_value=-5, max_value=10**12).map(str)),
    quantity=st.one_of(st.text(max_size=12), st.integers(min_value=-(10**12), max_value=10**12).map(str)),
    htmx=st.booleans(),
)
def test_cart_survives_any_product_and_quantity(shopper, client, app, product_id, quantity, htmx):
    if db.session.execute(db.select(Product)).first() is None:
        make_product("Kopi Gayo", stock=10)
    response = shopper.post("/cart/add", {"product_id": product_id, "quantity": quantity}, htmx=htmx)
    assert response.status_code in (200, 303, 400, 422)  # 400: a NUL character (see input_guard.py)
    with client.session_transaction() as session:
        items = get_items(session)
    real = {p.id: p.stock for p in db.session.execute(db.select(Product)).scalars()}
    for pid, qty in items.items():
        assert pid in real and 1 <= qty <= min(real[pid], MAX_QUANTITY)


@FUZZ
@given(
    form=st.fixed_dictionaries(
        {
            name: st.one_of(st.text(max_size=300), st.just(""))
            for name in ["name", "email", "phone", "address", "city", "postal_code"]
        }
    )
)
def test_checkout_form_survives_any_text(shopper, app, form):
    product = db.session.execute(db.select(Product)).scalar_one_or_none() or make_product("Kopi Gayo", stock=10**6)
    shopper.add(product.id, 1)
    before = db.session.scalar(db.select(db.func.count(Order.id)))
    response = shopper.checkout(**form)
    assert response.status_code in (303, 400, 422)  # 400: a NUL character (see input_guard.py)
    db.session.rollback()
    after = db.session.scalar(db.select(db.func.count(Order.id)))
    if response.status_code in (400, 422):
        assert after == before
    else:
        order = db.session.execute(db.select(Order).order_by(Order.id.desc())).scalars().first()
        assert order.phone.startswith("+628") and len(order.postal_code) == 5 and order.postal_code.isdigit()
