"""The rate look-up happens before the order's transaction, never inside it: a slow provider keeps no write
lock and no other shopper waits for it; a rate or cart that changes between the look-up and the order is
shown to the shopper with nothing kept; provider answers are shared between workers through Redis."""

import os

import pytest
from sqlalchemy import create_engine, text, update

import storefront.checkout.views as checkout_views
from storefront.extensions import db
from storefront.models import Order, Product
from storefront.shipping_rates.models import ShippingRate, ShippingService
from storefront.shipping_rates.quotes import quotes_for
from tests.support.biteship_double import API_KEY, BiteshipDouble
from tests.support.helpers import VALID_CUSTOMER, Shopper, checkout_fields, gondomanan, make_product

REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture
def biteship():
    double = BiteshipDouble().start()
    yield double
    double.stop()


def provider_settings(biteship, **overrides):
    return {
        "SHIPPING_PROVIDER": "biteship",
        "BITESHIP_API_KEY": API_KEY,
        "BITESHIP_BASE_URL": biteship.url,
        "BITESHIP_COURIERS": "jne,sicepat",
        "SHIPPING_CONNECT_TIMEOUT": 1.0,
        "SHIPPING_READ_TIMEOUT": 1.0,
        **overrides,
    }


def orders():
    db.session.rollback()
    return db.session.execute(db.select(Order)).scalars().all()


def another_writer_can_update(url, product_id):
    """Whether another connection can write the product row at once (no wait): False while some
    transaction holds SQLite's write lock or the row's lock on PostgreSQL."""
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": 0} if sqlite else {})
    try:
        with engine.begin() as connection:
            if not sqlite:
                connection.execute(text("SET LOCAL lock_timeout = '200ms'"))
            connection.execute(
                text("UPDATE product_variants SET stock = stock WHERE product_id = :id"), {"id": product_id}
            )
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def test_the_provider_is_asked_once_per_checkout_and_never_while_the_order_holds_a_lock(make_app, biteship):
    # No cache: every look-up goes out, so the double sees each time the shop asks.
    with make_app(**provider_settings(biteship, SHIPPING_CACHE_SECONDS=0)) as app:
        product = make_product("Kopi Gayo", price=85000, stock=5, weight_g=1000)
        shopper = Shopper(app.test_client())
        shopper.add(product.id, 1)
        page = shopper.client.get("/checkout/").get_data(as_text=True)
        data = {**VALID_CUSTOMER, **checkout_fields(page)}
        data["totals_fingerprint"] = shopper.shown_fingerprint(data)
        seen = []
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        biteship.while_answering = lambda: seen.append(another_writer_can_update(url, product.id))
        biteship.requests.clear()

        response = shopper.post("/checkout/", data)

        assert response.status_code == 303
        assert len(biteship.requests) == 1  # the form's look-up; the order's transaction asks nobody
        assert seen == [True]  # meanwhile the shop held no lock another checkout would wait for
        [order] = orders()
        assert (order.shipping_code, order.shipping_idr, order.total_idr) == ("jne-reg", 21000, 106000)
        assert db.session.get(Product, product.id).stock == 4


def change_rate_just_before_the_order(monkeypatch, price_per_kg):
    """The merchant saves a new JNE REG price after the checkout looked the rate up, before the order."""
    real_place_order = checkout_views.place_order

    def place_order_after_the_change(*args, **kwargs):
        jne = db.session.execute(db.select(ShippingService.id).where(ShippingService.code == "jne-reg")).scalar()
        db.session.execute(
            update(ShippingRate).where(ShippingRate.service_id == jne).values(price_per_kg_idr=price_per_kg)
        )
        db.session.commit()
        return real_place_order(*args, **kwargs)

    monkeypatch.setattr(checkout_views, "place_order", place_order_after_the_change)


def test_a_rate_changed_between_look_up_and_order_is_shown_and_nothing_is_kept(shopper, monkeypatch):
    product = make_product("Kopi Gayo", price=85000, stock=5, weight_g=1000)
    shopper.add(product.id, 1)
    change_rate_just_before_the_order(monkeypatch, 26000)

    response = shopper.checkout()

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Prices in your order have changed" in html or "Harga dalam pesanan Anda berubah" in html
    assert 'id="summary-shipping">Rp26.000' in html and 'id="summary-total">Rp111.000' in html
    assert f'value="{VALID_CUSTOMER["address"]}"' in html  # nothing typed is lost
    assert orders() == []
    assert db.session.get(Product, product.id).stock == 5

    monkeypatch.undo()
    again = shopper.post("/checkout/", {**VALID_CUSTOMER, **checkout_fields(html)})
    assert again.status_code == 303
    [order] = orders()
    assert (order.shipping_idr, order.total_idr) == (26000, 111000)


def test_a_provider_price_for_another_weight_is_not_used_by_the_order(make_app, biteship, monkeypatch):
    with make_app(**provider_settings(biteship, SHIPPING_CACHE_SECONDS=300)) as app:
        product = make_product("Kopi Gayo", price=85000, stock=5, weight_g=1000)
        shopper = Shopper(app.test_client())
        shopper.add(product.id, 1)
        real_place_order = checkout_views.place_order

        def heavier_meanwhile(*args, **kwargs):
            db.session.get(Product, product.id).weight_g = 2500  # the merchant weighs the product again
            db.session.commit()
            return real_place_order(*args, **kwargs)

        monkeypatch.setattr(checkout_views, "place_order", heavier_meanwhile)
        response = shopper.checkout()

        assert response.status_code == 422
        assert orders() == []
        assert 'id="summary-shipping">Rp63.000' in response.get_data(as_text=True)  # 3 kg at the provider's price


def test_provider_answers_follow_the_merchant_switching_a_service_off(make_app, biteship):
    with make_app(**provider_settings(biteship, SHIPPING_CACHE_SECONDS=300)):
        assert {q.code for q in quotes_for(gondomanan(), "55213", 1000, 100000)} == {"jne-reg", "sicepat-reg"}
        db.session.execute(update(ShippingService).where(ShippingService.code == "sicepat-reg").values(active=False))
        db.session.commit()
        assert {q.code for q in quotes_for(gondomanan(), "55213", 1000, 100000)} == {"jne-reg"}
        assert len(biteship.requests) == 1  # the answer came from the cache, the merchant's choice did not


@pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL")  # CI always sets it
def test_two_workers_share_the_provider_answer_through_redis(make_app, biteship):
    settings = provider_settings(biteship, SHIPPING_CACHE_SECONDS=300, REDIS_URL=REDIS_URL)
    with make_app(**settings):
        first = quotes_for(gondomanan(), "55213", 1500, 100000)
    with make_app(**settings):  # another worker: its own process memory, the same Redis
        second = quotes_for(gondomanan(), "55213", 1500, 100000)
        assert second == first and {q.code: q.price_idr for q in second} == {"jne-reg": 42000, "sicepat-reg": 34000}
        assert len(biteship.requests) == 1
        quotes_for(gondomanan(), "55213", 2500, 100000)  # another weight is another question
        assert len(biteship.requests) == 2


def test_a_redis_that_is_down_costs_a_provider_call_not_a_checkout(make_app, biteship):
    from tests.support.helpers import closed_port_url

    redis_down = closed_port_url().replace("http://", "redis://")
    with make_app(**provider_settings(biteship, SHIPPING_CACHE_SECONDS=300, REDIS_URL=redis_down)):
        assert {q.code: q.price_idr for q in quotes_for(gondomanan(), "55213", 1000, 100000)} == {
            "jne-reg": 21000,
            "sicepat-reg": 17000,
        }
