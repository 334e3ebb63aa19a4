"""Variants: the migration gives every product its implicit variant, carts from before variants keep
working, and a variant's own price, stock, weight and name reach the cart, the order and Midtrans."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from storefront.extensions import db
from storefront.models import Order, Variant
from storefront.payments.snap import snap_item_name
from tests.support.helpers import make_product, make_variants

BEFORE_VARIANTS = "7173692d08fe"


def _rebuild_schema(db_kind):
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.create_all()
    if db_kind == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_the_migration_moves_each_products_stock_and_order_lines_to_its_implicit_variant(app, db_kind):
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(revision=BEFORE_VARIANTS)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO products (id, slug, name, description, price_idr, stock, image, active, weight_g,"
                " created_at, updated_at) VALUES"
                " (7, 'kopi-gayo', 'Kopi Gayo', '', 85000, 12, 'x.svg', true, 250, '2026-11-01', '2026-11-01'),"
                " (9, 'teh-melati', 'Teh Melati', '', 30000, 0, 'x.svg', true, 100, '2026-11-01', '2026-11-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO orders (id, reference, access_token, customer_name, email, phone, address, city,"
                " postal_code, locale, status, subtotal_idr, shipping_idr, total_idr, stock_reserved, reserved_until,"
                " attempt_count, status_version, created_at, updated_at) VALUES (1, 'SF-A', 'tok', 'Sari', 's@x.id',"
                " '0812', 'Jl. 1', 'Yogyakarta', '55122', 'id', 'awaiting_payment', 170000, 0, 170000, true,"
                " '2026-11-01', 0, 1, '2026-11-01', '2026-11-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO order_items (order_id, product_id, product_name, unit_price_idr, quantity, line_total_idr)"
                " VALUES (1, 7, 'Kopi Gayo', 85000, 2, 170000)"
            )
        )
    upgrade()
    with db.engine.connect() as connection:
        variants = connection.execute(
            text(
                "SELECT product_id, label, stock, active, price_idr, weight_g FROM product_variants ORDER BY product_id"
            )
        ).all()
        line = connection.execute(
            text(
                "SELECT v.product_id, i.variant_label FROM order_items i JOIN product_variants v ON v.id = i.variant_id"
            )
        ).one()
    # Price and weight stay the product's (None), so a later change of the product's price applies.
    assert [tuple(v) for v in variants] == [(7, "", 12, True, None, None), (9, "", 0, True, None, None)]
    assert tuple(line) == (7, "")
    _rebuild_schema(db_kind)


def test_a_cart_cookie_from_before_variants_shows_its_lines_and_is_rewritten_by_variant(shopper, client, app):
    kopi = make_product("Kopi Gayo", stock=10)
    teh = make_product("Teh Melati", price=30000, stock=10)
    with client.session_transaction() as session:
        session["cart"] = {str(kopi.id): 2, str(teh.id): 1}
    page = client.get("/cart/").get_data(as_text=True)
    assert f'id="cart-line-{kopi.variants[0].id}"' in page and f'id="cart-line-{teh.variants[0].id}"' in page
    assert "Rp200.000" in page  # 2 × 85.000 + 30.000
    shopper.add_variant(kopi.variants[0].id, 1)
    with client.session_transaction() as session:
        assert "cart" not in session
        assert session["lines"] == {str(kopi.variants[0].id): 3, str(teh.variants[0].id): 1}


def test_each_variant_is_its_own_cart_line_with_its_own_price(shopper, client, app):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    small, large = make_variants(batik, [("S", None, 4), ("XL", 290000, 2)])
    shopper.add_variant(small.id, 2)
    shopper.add_variant(large.id, 1)
    page = client.get("/cart/").get_data(as_text=True)
    assert "Batik Tulis Lasem — S" in page and "Batik Tulis Lasem — XL" in page
    assert "Rp790.000" in page  # 2 × 250.000 + 290.000


def test_more_than_a_variant_has_is_refused_beside_the_field(shopper, client, app):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    small, large = make_variants(batik, [("S", None, 4), ("XL", None, 1)])
    response = shopper.add_variant(large.id, 2, htmx=True)
    assert response.status_code == 422
    assert "field__error" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert not session.get("lines")


def test_a_product_that_needs_a_choice_cannot_be_added_by_product(shopper, client, app):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    make_variants(batik, [("S", None, 4), ("M", None, 4)])
    response = shopper.add(batik.id, htmx=True)
    assert response.status_code == 422
    with client.session_transaction() as session:
        assert not session.get("lines")


def test_an_inactive_variant_cannot_be_added(shopper, client, app):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    small, _medium = make_variants(batik, [("S", None, 4), ("M", None, 4)])
    small.active = False
    db.session.commit()
    assert shopper.add_variant(small.id, htmx=True).status_code == 422


def test_the_order_keeps_the_variant_its_price_and_weight(shopper, client, app):
    kopi = make_product("Kopi Gayo", price=85000, stock=0, weight_g=300)
    _small, big = make_variants(kopi, [("250 g", None, 5), ("1 kg", 290000, 5)], option="Berat")
    big.weight_g = 1100
    big.sku = "KG-1000"
    db.session.commit()
    shopper.add_variant(big.id, 2)
    assert shopper.checkout().status_code == 303
    db.session.rollback()
    order = db.session.execute(db.select(Order)).scalar_one()
    (item,) = order.items
    assert (item.variant_id, item.name, item.sku, item.unit_price_idr) == (
        big.id,
        "Kopi Gayo — 1 kg",
        "KG-1000",
        290000,
    )
    assert order.weight_g == 2200
    assert db.session.get(Variant, big.id).stock == 3
    page = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert "Kopi Gayo — 1 kg" in page


def test_midtrans_and_the_email_name_the_variant(shopper, client, app, sandbox):
    from storefront.mail.messages import render
    from storefront.mail.models import OutboxMessage
    from tests.support.helpers import sandbox_transaction

    kopi = make_product("Kopi Gayo", price=85000, stock=0, weight_g=300)
    small, big = make_variants(kopi, [("250 g", None, 5), ("1 kg", 290000, 5)], option="Berat")
    big.sku = "KG-1000"
    db.session.commit()
    shopper.add_variant(small.id, 1)
    shopper.add_variant(big.id, 1)
    assert shopper.checkout().status_code == 303
    db.session.rollback()
    order = db.session.execute(db.select(Order)).scalar_one()
    items = sandbox_transaction(sandbox, f"{order.reference}-1")["snap"]["item_details"]
    lines = [(i["id"], i["name"], i["price"], i["quantity"]) for i in items if i["id"] != "shipping"]
    assert lines == [
        (f"{kopi.id}-{small.id}", "Kopi Gayo — 250 g", 85000, 1),
        ("KG-1000", "Kopi Gayo — 1 kg", 290000, 1),
    ]
    assert sum(i["price"] * i["quantity"] for i in items) == order.total_idr
    message = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.kind == "order_placed")).scalar_one()
    _subject, body = render(message)
    assert "1 × Kopi Gayo — 250 g" in body and "1 × Kopi Gayo — 1 kg" in body


def test_the_product_page_of_a_product_with_sizes_offers_the_range_to_search_engines(client, batik):
    import json
    import re

    product, _variants = batik
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    offer = data["offers"]
    assert (offer["@type"], offer["lowPrice"], offer["highPrice"], offer["offerCount"]) == (
        "AggregateOffer",
        "250000",
        "290000",
        3,
    )


def test_a_cart_line_links_to_its_variant_on_the_product_page(shopper, client, batik):
    product, (_small, _medium, large) = batik
    shopper.add_variant(large.id)
    cart = client.get("/cart/").get_data(as_text=True)
    link = f"/products/{product.slug}?variant={large.id}"
    assert f'href="{link}"' in cart
    page = client.get(link).get_data(as_text=True)
    assert f'name="variant_id" value="{large.id}"' in page and "Rp290.000" in page


def test_an_order_of_two_variants_gives_each_its_units_back_exactly_once(app):
    from flask import current_app

    from storefront.checkout.orders import place_order
    from storefront.inventory import release_stock
    from tests.support.helpers import DIRECT_CUSTOMER, gondomanan_offer

    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    small, large = make_variants(batik, [("S", None, 4), ("XL", 290000, 3)])
    with current_app.test_request_context():
        order, _created = place_order(
            {large.id: 2, small.id: 1}, DIRECT_CUSTOMER, "k", "id", gondomanan_offer(), "jne-reg"
        )
    db.session.commit()
    assert (db.session.get(Variant, small.id).stock, db.session.get(Variant, large.id).stock) == (3, 1)
    assert release_stock(order) is True
    assert release_stock(order) is False  # the second release finds nothing held
    db.session.commit()
    db.session.expire_all()
    assert (db.session.get(Variant, small.id).stock, db.session.get(Variant, large.id).stock) == (4, 3)


class _Line:
    def __init__(self, product_name, variant_label):
        from storefront.products import variant_name

        self.product_name, self.variant_label = product_name, variant_label
        self.name = variant_name(product_name, variant_label)


@pytest.mark.parametrize(
    "product_name, label, expected",
    [
        ("Kopi Gayo", "500 g", "Kopi Gayo — 500 g"),
        (
            "Kain Batik Tulis Lasem Motif Sekar Jagad Premium",
            "XL",
            "Kain Batik Tulis Lasem Motif Sekar Jagad Pre… — XL",
        ),
        (
            "Kain Batik Tulis Lasem Motif Sekar Jagad Premium Asli",
            "",
            "Kain Batik Tulis Lasem Motif Sekar Jagad Premium…",
        ),
    ],
)
def test_snap_item_names_keep_the_variant_within_50_characters(product_name, label, expected):
    name = snap_item_name(_Line(product_name, label))
    assert name == expected and len(name) <= 50


# ---------------------------------------------------------------------------------------------------
# Product page and catalog card
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def batik(app):
    product = make_product("Batik Tulis Lasem", price=250000, stock=0)
    variants = make_variants(product, [("S", None, 3), ("M", None, 0), ("XL", 290000, 8)])
    return product, variants


def _choose(client, product, value_id, htmx=False):
    option_id = product.options[0].id
    headers = {"HX-Request": "true", "HX-Target": "variant-panel"} if htmx else {}
    return client.get(f"/products/{product.slug}?option-{option_id}={value_id}", headers=headers)


def test_a_product_with_variants_asks_for_a_choice_before_it_can_be_added(client, batik):
    product, _variants = batik
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert 'id="variant-choice"' in page and 'method="get"' in page
    assert "Rp250.000 – Rp290.000" in page
    assert 'name="variant_id"' not in page
    assert 'id="add-button-%d" class="btn btn--primary" type="submit"\n          disabled' % product.id in page


def test_choosing_without_javascript_shows_the_chosen_variant_ready_to_add(client, batik):
    product, (_small, _medium, large) = batik
    page = _choose(client, product, large.values[0].id).get_data(as_text=True)
    assert "<html" in page
    assert f'name="variant_id" value="{large.id}"' in page
    assert "Rp290.000" in page and "Rp250.000 –" not in page
    assert "checked" in page


def test_choosing_with_htmx_answers_only_the_panel_with_price_stock_and_button(client, batik):
    product, (small, _medium, _large) = batik
    response = _choose(client, product, small.values[0].id, htmx=True)
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<div id="variant-panel"')
    assert response.headers["Vary"] and "HX-Request" in response.headers["Vary"]
    assert f'name="variant_id" value="{small.id}"' in html and 'data-stock="3"' in html
    assert "Rp250.000" in html


def test_a_size_sold_out_is_marked_beside_it_in_the_choice(client, batik):
    product, (small, medium, _large) = batik
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    marked = page[page.index(f'value="{medium.values[0].id}"') :][:300]
    assert "variant-choice__sold-out" in marked  # M has no stock
    not_marked = page[page.index(f'value="{small.values[0].id}"') :][:200]
    assert "variant-choice__sold-out" not in not_marked.split("</label>")[0]


def test_a_sold_out_variant_says_so_and_cannot_be_added(client, batik):
    product, (_small, medium, _large) = batik
    html = _choose(client, product, medium.values[0].id, htmx=True).get_data(as_text=True)
    assert 'data-stock="0"' in html and "stock-badge--out" in html
    assert " disabled" in html


def test_a_combination_without_a_variant_on_sale_says_it_is_not_available(client, batik):
    product, (small, _medium, _large) = batik
    small.active = False
    db.session.commit()
    html = _choose(client, product, small.values[0].id, htmx=True).get_data(as_text=True)
    assert 'id="variant-message"' in html
    assert 'name="variant_id"' not in html


def test_the_catalog_card_shows_the_price_range_and_asks_to_choose(client, batik):
    product, _variants = batik
    make_product("Kopi Gayo", price=85000, stock=5)
    page = client.get("/").get_data(as_text=True)
    card = page[page.index("Batik Tulis Lasem") :][:1500]
    assert "Rp250.000 – Rp290.000" in card and "Pilih varian" in card
    assert f'href="/products/{product.slug}"' in card and "add-button-" not in card.split("</li>")[0]
    kopi = page[page.index("Kopi Gayo") :][:1500]
    assert "Rp85.000" in kopi and "add-button-" in kopi


def test_flask_seed_adds_a_batik_in_sizes_and_a_coffee_in_three_weights(app, client):
    from storefront.commands import seed_demo_data
    from storefront.models import Product

    seed_demo_data()
    shirt = db.session.execute(db.select(Product).where(Product.slug == "kemeja-batik-parang-solo")).scalar_one()
    coffee = db.session.execute(db.select(Product).where(Product.slug == "kopi-gayo-wine-process")).scalar_one()
    assert [(v.label, v.price, v.stock) for v in shirt.active_variants] == [
        ("S", 325000, 6),
        ("M", 325000, 9),
        ("L", 325000, 4),
        ("XL", 345000, 2),
    ]
    assert [(v.label, v.price, v.shipping_weight_g) for v in coffee.active_variants] == [
        ("250 g", 85000, 300),
        ("500 g", 160000, 560),
        ("1 kg", 290000, 1100),
    ]
    assert [o.name for o in shirt.options] == ["Ukuran"] and [o.name for o in coffee.options] == ["Berat"]
    catalog = client.get("/?category=kopi-teh").get_data(as_text=True)
    assert "Rp85.000 – Rp290.000" in catalog
