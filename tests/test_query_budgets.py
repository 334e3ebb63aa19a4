"""Query budgets: what a request costs the database must not grow with the size of the catalog or the cart.

Every SQL statement a request sends through the engine is counted (transaction control and SQLite PRAGMAs
are not: they are bookkeeping, not questions). The budgets are exact on purpose: a change that adds a
query to a page should be a decision, visible in this file, not a surprise in production.

The order status endpoint is polled every 2 s by every open order page, so it gets the strictest budget:
one indexed query, and no template at all when nothing changed (304).
"""

import re
from contextlib import contextmanager

import pytest
from flask import template_rendered
from sqlalchemy import event, insert

from storefront.extensions import db
from storefront.models import OptionValue, Order, Product, ProductOption, Variant
from storefront.products import variant_option_values
from tests.support.helpers import make_category, make_product, poll

# Statements that are transaction control or connection set-up, not queries.
NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")

# The budgets. Raise one only on purpose, and say why in the commit.
CATALOG_PAGE_QUERIES = 4  # one page of products + their variants (one IN query) + the total count + the chips
PRODUCT_PAGE_QUERIES = 1  # the product with its category, variants and options
CART_PAGE_QUERIES = 1  # every product in the cart at once
CART_ADD_QUERIES = 1  # the product being added
STATUS_POLL_QUERIES = 1  # the order with its current payment attempt
ORDER_PAGE_QUERIES = 4  # the order, its items (one IN query), the status box, its voucher discount


class QueryLog:
    def __init__(self):
        self.statements = []

    def __len__(self):
        return len(self.statements)

    def __repr__(self):
        return "\n".join(f"{n}. {s}" for n, s in enumerate(self.statements, 1)) or "(no queries)"

    def record(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip().split(None, 1)[0].upper() not in NOT_QUERIES:
            self.statements.append(" ".join(statement.split()))


@contextmanager
def counting_queries():
    """Count the SQL statements sent while the block runs.

    The session is discarded first: the test client shares the test's app context (and so its session),
    and objects left in its identity map would answer some lookups without a query, as a fresh request
    in production never could.
    """
    db.session.remove()
    log = QueryLog()
    event.listen(db.engine, "before_cursor_execute", log.record)
    try:
        yield log
    finally:
        event.remove(db.engine, "before_cursor_execute", log.record)
        db.session.remove()


@contextmanager
def recording_templates(app):
    rendered = []

    def record(_sender, template, context, **_extra):
        rendered.append(template.name)

    with template_rendered.connected_to(record, app):
        yield rendered


SIZES = ("S", "M", "L", "XL")


def add_products(count, category_id=None, start=0):
    """Bulk-insert `count` active products, each sold in four sizes (one option, four values, four variants
    with their own price and stock), in a few statements."""
    rows = [
        {
            "name": f"Produk {n:04d}",
            "slug": f"produk-{n:04d}",
            "description": f"Deskripsi produk {n}",
            "price_idr": 10000 + n * 100,
            "weight_g": 200,
            "category_id": category_id,
            "active": True,
        }
        for n in range(start, start + count)
    ]
    ids = db.session.execute(insert(Product).returning(Product.id, sort_by_parameter_order=True), rows).scalars().all()
    options = (
        db.session.execute(
            insert(ProductOption).returning(ProductOption.id, sort_by_parameter_order=True),
            [{"product_id": pid, "name": "Ukuran", "position": 0} for pid in ids],
        )
        .scalars()
        .all()
    )
    value_rows = [{"option_id": oid, "value": size, "position": i} for oid in options for i, size in enumerate(SIZES)]
    values = (
        db.session.execute(insert(OptionValue).returning(OptionValue.id, sort_by_parameter_order=True), value_rows)
        .scalars()
        .all()
    )
    variant_rows = [
        {"product_id": pid, "label": size, "price_idr": 10000 + i * 5000, "stock": 50, "active": True, "position": i}
        for pid in ids
        for i, size in enumerate(SIZES)
    ]
    variants = (
        db.session.execute(insert(Variant).returning(Variant.id, sort_by_parameter_order=True), variant_rows)
        .scalars()
        .all()
    )
    db.session.execute(
        insert(variant_option_values),
        [{"variant_id": vid, "value_id": value_id} for vid, value_id in zip(variants, values, strict=True)],
    )
    db.session.commit()


def first_variants():
    """The first size of every product, in product order."""
    return (
        db.session.execute(db.select(Variant.id).where(Variant.label == SIZES[0]).order_by(Variant.product_id))
        .scalars()
        .all()
    )


def grow_catalog_to(total, category_id):
    have = db.session.execute(db.select(db.func.count(Product.id))).scalar_one()
    add_products(total - have, category_id, start=have)


def queries_for(client, url, **kwargs):
    with counting_queries() as log:
        response = client.get(url, **kwargs)
    assert response.status_code in (200, 304), (url, response.status_code)
    return log, response


# ---------------------------------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def category_id(app):
    make_category("Kopi & Teh", "kopi-teh")
    return make_category("Kain & Batik", "kain-batik").id


def test_catalog_page_costs_the_same_few_queries_with_10_or_500_products(client, category_id):
    grow_catalog_to(10, category_id)
    small, response = queries_for(client, "/")
    assert response.get_data(as_text=True).count('<li class="product-card') == 10

    grow_catalog_to(500, category_id)
    large, response = queries_for(client, "/")
    html = response.get_data(as_text=True)
    assert html.count('<li class="product-card') == 12  # one page
    assert html.count("Rp10.000 – Rp25.000") == 12  # each card's price range, from its four variants

    assert len(small) == len(large) == CATALOG_PAGE_QUERIES, (small, large)


def test_catalog_search_fragment_and_category_filter_stay_within_the_catalog_budget(client, category_id):
    grow_catalog_to(500, category_id)
    htmx = {"HX-Request": "true", "HX-Target": "product-results"}
    fragment, response = queries_for(client, "/?q=produk&page=3", headers=htmx)
    assert "<html" not in response.get_data(as_text=True)
    filtered, _ = queries_for(client, "/?category=kain-batik&page=2")
    assert len(fragment) == len(filtered) == CATALOG_PAGE_QUERIES, (fragment, filtered)


def test_product_page_is_one_query_with_10_or_500_products(client, category_id):
    grow_catalog_to(10, category_id)
    small, response = queries_for(client, "/products/produk-0003")
    assert "Kain &amp; Batik" in response.get_data(as_text=True)  # the breadcrumb shows the category

    grow_catalog_to(500, category_id)
    large, response = queries_for(client, "/products/produk-0444")
    assert "Produk 0444" in response.get_data(as_text=True)

    assert len(small) == len(large) == PRODUCT_PAGE_QUERIES, (small, large)


def test_choosing_a_size_costs_the_same_one_query_as_the_page(client, category_id):
    grow_catalog_to(500, category_id)
    product = db.session.execute(db.select(Product).where(Product.slug == "produk-0444")).scalar_one()
    large = next(v for v in product.variants if v.label == "L")
    option_id, value_id = large.values[0].option_id, large.values[0].id
    url = f"/products/produk-0444?option-{option_id}={value_id}"
    page, response = queries_for(client, url)
    assert f'name="variant_id" value="{large.id}"' in response.get_data(as_text=True)
    panel, response = queries_for(client, url, headers={"HX-Request": "true", "HX-Target": "variant-panel"})
    assert response.get_data(as_text=True).lstrip().startswith('<div id="variant-panel"')
    assert len(page) == len(panel) == PRODUCT_PAGE_QUERIES, (page, panel)


def test_product_without_a_category_is_also_one_query(client, app):
    product = make_product("Kopi Gayo 250 g")
    log, response = queries_for(client, f"/products/{product.slug}")
    assert "Kopi Gayo 250 g" in response.get_data(as_text=True)
    assert len(log) == PRODUCT_PAGE_QUERIES, log


# ---------------------------------------------------------------------------------------------------
# Cart
# ---------------------------------------------------------------------------------------------------


def test_cart_page_costs_one_query_whether_it_holds_1_or_10_lines(shopper, client, category_id):
    grow_catalog_to(20, category_id)
    ids = first_variants()

    shopper.add_variant(ids[0])
    one, response = queries_for(client, "/cart/")
    assert response.get_data(as_text=True).count('id="cart-line-') == 1

    for variant_id in ids[1:10]:
        shopper.add_variant(variant_id)
    ten, response = queries_for(client, "/cart/")
    assert response.get_data(as_text=True).count('id="cart-line-') == 10

    assert len(one) == len(ten) == CART_PAGE_QUERIES, (one, ten)


def test_adding_to_a_full_cart_costs_no_more_than_adding_to_an_empty_one(shopper, category_id):
    grow_catalog_to(20, category_id)
    ids = first_variants()
    assert shopper.token  # fetch the CSRF token outside the measurement

    with counting_queries() as first:
        assert shopper.add_variant(ids[0], htmx=True).status_code == 200
    for variant_id in ids[1:10]:
        shopper.add_variant(variant_id)
    with counting_queries() as eleventh:
        assert shopper.add_variant(ids[10], htmx=True).status_code == 200

    assert len(first) == len(eleventh) == CART_ADD_QUERIES, (first, eleventh)


# ---------------------------------------------------------------------------------------------------
# The 2-second status poll
# ---------------------------------------------------------------------------------------------------


def test_status_poll_is_exactly_one_query(app, client, order):
    with counting_queries() as log, recording_templates(app) as rendered:
        response = poll(client, order)
    assert response.status_code == 200 and response.headers["ETag"]
    assert rendered == ["orders/_status_update.html"]
    assert len(log) == STATUS_POLL_QUERIES, log
    # ... and that one query is the indexed lookup by the order's access token.
    assert re.search(r"\bWHERE orders\.access_token = ", log.statements[0]), log


def test_unchanged_status_answers_304_with_one_query_and_no_template(app, client, order):
    etag = poll(client, order).headers["ETag"]
    with counting_queries() as log, recording_templates(app) as rendered:
        response = poll(client, order, etag)
    assert response.status_code == 304 and response.data == b""
    assert rendered == []
    assert len(log) == STATUS_POLL_QUERIES, log


def test_order_page_costs_the_same_with_1_or_5_items(shopper, client, category_id):
    grow_catalog_to(5, category_id)
    ids = first_variants()
    logs = []
    for lines in (1, 5):
        for variant_id in ids[:lines]:
            shopper.add_variant(variant_id)
        assert shopper.checkout().status_code == 303
        db.session.rollback()
        token = db.session.execute(db.select(Order.access_token).order_by(Order.id.desc())).scalars().first()
        log, response = queries_for(client, f"/orders/{token}")
        assert response.get_data(as_text=True).count("<tr><td>") == lines
        logs.append(log)
    assert len(logs[0]) == len(logs[1]) == ORDER_PAGE_QUERIES, logs


def test_status_poll_by_a_stranger_without_cookie_is_also_one_query(app, order):
    stranger = app.test_client()
    with counting_queries() as log:
        response = poll(stranger, order)
    assert response.status_code == 200
    assert len(log) == STATUS_POLL_QUERIES, log
