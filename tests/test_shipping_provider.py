"""The provider path, against a Biteship double over real HTTP: prices from the provider for the services
the merchant offers, connect/read timeouts, answers cached for a few minutes, and the merchant's table
whenever the provider is down, slow or talks nonsense (the shopper never sees an error page)."""

import time

import pytest

from storefront.shipping_rates.quotes import quotes_for
from tests.support.biteship_double import API_KEY, BiteshipDouble
from tests.support.helpers import VALID_CUSTOMER, closed_port_url, gondomanan, make_product, the_order


@pytest.fixture
def biteship():
    double = BiteshipDouble().start()
    yield double
    double.stop()


@pytest.fixture
def provider_app(make_app, biteship):
    with make_app(
        SHIPPING_PROVIDER="biteship",
        BITESHIP_API_KEY=API_KEY,
        BITESHIP_BASE_URL=biteship.url,
        BITESHIP_COURIERS="jne,sicepat",
        SHIPPING_CONNECT_TIMEOUT=0.5,
        SHIPPING_READ_TIMEOUT=0.5,
        SHIPPING_CACHE_SECONDS=300,
    ) as app:
        yield app


def prices(weight_g=1000):
    return {q.code: q.price_idr for q in quotes_for(gondomanan(), "55213", weight_g, 100000)}


def test_prices_come_from_the_provider_in_its_documented_format(provider_app, biteship):
    assert prices(1500) == {"jne-reg": 42000, "sicepat-reg": 34000}
    [sent] = biteship.requests
    assert sent["origin_postal_code"] == 55213 and sent["destination_postal_code"] == 55213
    assert sent["couriers"] == "jne,sicepat"
    assert sent["items"] == [{"name": "Paket", "value": 100000, "weight": 1500, "quantity": 1}]


def test_provider_answers_are_cached_so_the_same_question_goes_out_once(provider_app, biteship):
    assert prices() == prices() == {"jne-reg": 21000, "sicepat-reg": 17000}
    assert len(biteship.requests) == 1
    prices(2500)  # another weight is another question
    assert len(biteship.requests) == 2


def test_a_provider_service_the_merchant_does_not_offer_is_left_out(provider_app, biteship):
    biteship.services.append(("pos", "kilat", "Pos Indonesia", 9000, "3 - 5"))
    from flask import current_app

    current_app.config["BITESHIP_COURIERS"] = "jne,sicepat,pos"  # asked, but pos-kilat is inactive in the shop
    assert set(prices()) == {"jne-reg", "sicepat-reg"}


@pytest.mark.parametrize("mode", ["500", "garbage"])
def test_a_failing_provider_falls_back_to_the_merchant_table(provider_app, biteship, mode):
    biteship.mode = mode
    assert prices() == {"jne-reg": 20000, "sicepat-reg": 18000}


def test_a_slow_provider_is_given_up_after_the_read_timeout_and_the_table_answers(provider_app, biteship):
    biteship.mode = "hang"
    started = time.monotonic()
    assert prices() == {"jne-reg": 20000, "sicepat-reg": 18000}
    assert time.monotonic() - started < 1.5  # read timeout 0.5 s, not the provider's 2 s
    assert len(biteship.requests) == 1


def test_an_unreachable_provider_falls_back_to_the_merchant_table(make_app):
    with make_app(
        SHIPPING_PROVIDER="biteship",
        BITESHIP_API_KEY=API_KEY,
        BITESHIP_BASE_URL=closed_port_url(),
        SHIPPING_CONNECT_TIMEOUT=0.5,
        SHIPPING_READ_TIMEOUT=0.5,
    ):
        assert prices() == {"jne-reg": 20000, "sicepat-reg": 18000}


def test_checkout_with_a_hanging_provider_still_places_the_order_at_the_table_price(provider_app, biteship):
    from tests.support.helpers import Shopper

    biteship.mode = "hang"
    client = provider_app.test_client()
    shopper = Shopper(client)
    product = make_product("Kopi Gayo", price=85000, stock=5)
    shopper.add(product.id, 1)
    assert client.get("/checkout/").status_code == 200
    response = shopper.checkout(**VALID_CUSTOMER)
    assert response.status_code == 303
    order = the_order()
    assert (order.shipping_code, order.shipping_idr, order.total_idr) == ("jne-reg", 20000, 105000)
