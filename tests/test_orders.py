import re

import pytest

from storefront.extensions import db
from storefront.models import Order
from tests.support.helpers import make_product


@pytest.fixture
def placed(shopper, app):
    product = make_product("Kopi Gayo", price=85000, stock=10)
    shopper.add(product.id, 2)
    shopper.checkout()
    return db.session.execute(db.select(Order)).scalar_one()


def test_order_page_shows_items_totals_shipping_and_status(client, placed):
    html = client.get(f"/orders/{placed.access_token}").get_data(as_text=True)
    assert placed.reference in html
    assert "Kopi Gayo" in html and "Rp170.000" in html and "Rp190.000" in html
    assert "Jl. Malioboro No. 12" in html and "55213" in html
    assert 'data-order-status="awaiting_payment"' in html


def test_order_page_is_private_and_not_cached(client, placed):
    response = client.get(f"/orders/{placed.access_token}")
    assert response.headers["Cache-Control"] == "no-store"


def test_access_token_is_long_random_and_separate_from_the_reference(placed):
    token = placed.access_token
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", token)  # >= 192 bits from token_urlsafe(24)
    assert placed.reference not in token
    assert re.fullmatch(r"SF-[2-9A-HJ-NP-Z]{10}", placed.reference)


@pytest.mark.parametrize(
    "mutate", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "1", lambda t: "SF-ABC"]
)
def test_unknown_or_altered_token_is_404(client, placed, mutate):
    assert client.get(f"/orders/{mutate(placed.access_token)}").status_code == 404
    assert client.get(f"/orders/{mutate(placed.access_token)}/status").status_code == 404


def test_order_id_or_reference_is_not_accepted_in_the_url(client, placed):
    assert client.get(f"/orders/{placed.id}").status_code == 404
    assert client.get(f"/orders/{placed.reference}").status_code == 404
