"""Catalog and product pages show what the database holds now, whatever the shop caches to be fast.

Between two views of a page, a change of stock, price, the product's active flag or a variant must show
at the second view: with or without the first view's ETag (a conditional GET must not answer 304 for a
page that changed), in the same process and across two gunicorn workers, on SQLite and PostgreSQL.

The changes are plain SQL UPDATEs and INSERTs, the way checkout takes stock (a conditional UPDATE, no
ORM object) and the way another worker or instance changes a row: a cache that only hears about changes
made through this process's ORM would be caught here.
"""

import os
import re

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from storefront.config import normalise_database_url
from storefront.extensions import db
from storefront.products import Product, add_variants
from storefront.sandbox import SANDBOX_SERVER_KEY
from tests.support.helpers import forget_per_request_state, gunicorn_shop

PG_URL = os.environ.get("TEST_DATABASE_URL")

# Sorts before every demo product (digits before letters in every collation), so it is on the first page.
NAME = "0000 Kopi Segar"
SLUG = "kopi-segar-uji"
PRODUCT_PATH = f"/products/{SLUG}"


def make_fresh_product(session, slug=SLUG, name=NAME):
    """Kopi Segar in two sizes: S Rp85.000 and M Rp95.000, 10 units each."""
    product = Product(name=name, slug=slug, description="Kopi uji kesegaran", price_idr=85_000, weight_g=300)
    session.add(product)
    session.add_all(add_variants(product, "Ukuran", [("S", None, 10, None), ("M", 95_000, 10, None)]))
    session.commit()
    return product.id


def variant_id(conn, product_id, label):
    return conn.execute(
        text("SELECT id FROM product_variants WHERE product_id = :p AND label = :l"), {"p": product_id, "l": label}
    ).scalar_one()


# Each change as plain SQL on a connection, and what a shopper then sees: on the catalog's card (None: no
# card at all) and on the product page (None: 404).
def sell_down(conn, product_id):
    # As checkout reserves stock: a conditional UPDATE of the variant's row.
    conn.execute(text("UPDATE product_variants SET stock = 3 WHERE id = :v"), {"v": variant_id(conn, product_id, "S")})
    conn.execute(text("UPDATE product_variants SET stock = 0 WHERE id = :v"), {"v": variant_id(conn, product_id, "M")})


def sell_out(conn, product_id):
    conn.execute(text("UPDATE product_variants SET stock = 0 WHERE product_id = :p"), {"p": product_id})


def reprice(conn, product_id):
    # S has no price of its own: the product's price is its price.
    conn.execute(text("UPDATE products SET price_idr = 80000 WHERE id = :p"), {"p": product_id})


def deactivate(conn, product_id):
    conn.execute(text("UPDATE products SET active = :f WHERE id = :p"), {"p": product_id, "f": False})


def variant_off_sale(conn, product_id):
    conn.execute(
        text("UPDATE product_variants SET active = :f WHERE id = :v"),
        {"v": variant_id(conn, product_id, "M"), "f": False},
    )


def new_variant(conn, product_id):
    option_id = conn.execute(
        text("SELECT id FROM product_options WHERE product_id = :p"), {"p": product_id}
    ).scalar_one()
    value_id = conn.execute(
        text("INSERT INTO option_values (option_id, value, position) VALUES (:o, 'L', 2) RETURNING id"),
        {"o": option_id},
    ).scalar_one()
    new_id = conn.execute(
        text(
            "INSERT INTO product_variants (product_id, label, price_idr, stock, active, position) "
            "VALUES (:p, 'L', 120000, 7, :t, 2) RETURNING id"
        ),
        {"p": product_id, "t": True},
    ).scalar_one()
    conn.execute(
        text("INSERT INTO variant_option_values (variant_id, value_id) VALUES (:v, :x)"), {"v": new_id, "x": value_id}
    )


def rename(conn, product_id):
    conn.execute(text("UPDATE products SET name = '0000 Kopi Baru' WHERE id = :p"), {"p": product_id})


BEFORE_CARD = ("Rp85.000 – Rp95.000", "In stock")
CHANGES = {
    # change: (its SQL, what the catalog's card then shows (None: no card), what the product page shows (None: 404))
    "stock": (sell_down, ("Only 3 left",), ("Only 3 left", "3 in stock", "Sold out")),
    "sold out": (sell_out, ("Sold out", "product-card--soldout"), ("Sold out",)),
    "price": (reprice, ("Rp80.000 – Rp95.000",), ("Rp80.000 – Rp95.000",)),
    "active flag": (deactivate, None, None),
    "variant off sale": (variant_off_sale, ("Rp85.000</p>", "Add to cart"), ("Rp85.000</p>", "20")),
    "new variant": (new_variant, ("Rp85.000 – Rp120.000",), ("Rp85.000 – Rp120.000", ">L<")),
    "name": (rename, ("0000 Kopi Baru",), ("0000 Kopi Baru",)),
}


def product_card(html, slug=SLUG):
    """The catalog's card of the test product, or None."""
    for card in re.findall(r'<li class="product-card.*?</li>', html, re.S):
        if f"/products/{slug}" in card:
            return card
    return None


def assert_shows(html, expected, where):
    for piece in expected:
        assert piece in html, f"{where}: {piece!r} missing in\n{html}"


def check_before(catalog_html, product_status, product_html, slug=SLUG):
    card = product_card(catalog_html, slug)
    assert card is not None
    assert_shows(card, BEFORE_CARD, "catalog card before the change")
    assert product_status == 200
    assert_shows(product_html, ("Rp85.000 – Rp95.000", "20 in stock"), "product page before the change")


def check_after(change, catalog_html, product_status, product_html, slug=SLUG):
    _sql, on_card, on_page = CHANGES[change]
    card = product_card(catalog_html, slug)
    if on_card is None:
        assert card is None, "a deactivated product is still on the catalog"
    else:
        assert card is not None
        assert_shows(card, on_card, f"catalog card after the {change} change")
    if on_page is None:
        assert product_status == 404
    else:
        assert product_status == 200
        assert_shows(product_html, on_page, f"product page after the {change} change")


# ---------------------------------------------------------------------------------------------------
# One process (the test client), SQLite and PostgreSQL
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("conditional", [False, True], ids=["plain GET", "with the first view's ETag"])
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_between_two_views_shows_at_the_second(app, client, change, conditional):
    forget_per_request_state(app)
    client.set_cookie("lang", "en")
    product_id = make_fresh_product(db.session)
    client.get("/")  # a shopper who has been here before: the pages they get carry an ETag
    first_catalog, first_product = client.get("/"), client.get(PRODUCT_PATH)
    check_before(first_catalog.get_data(as_text=True), first_product.status_code, first_product.get_data(as_text=True))

    with db.engine.begin() as conn:
        CHANGES[change][0](conn, product_id)
    db.session.remove()  # the test's own session must not answer from its identity map

    def view(path, first):
        return client.get(path, headers={"If-None-Match": first.headers["ETag"]} if conditional else {})

    catalog, product = view("/", first_catalog), view(PRODUCT_PATH, first_product)
    assert catalog.status_code == 200
    check_after(change, catalog.get_data(as_text=True), product.status_code, product.get_data(as_text=True))


# ---------------------------------------------------------------------------------------------------
# Two gunicorn workers, SQLite and PostgreSQL
# ---------------------------------------------------------------------------------------------------

WORKER_DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


def empty_public_schema(url):
    """`flask db upgrade` needs an empty schema; the other tests rebuild theirs with create_all when they
    find the tables gone."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=WORKER_DATABASES)
def two_workers(request, tmp_path, sandbox):
    """The shop under two gunicorn workers, with one Kopi Segar per change, and an engine on its database."""
    postgres = request.param == "postgresql"
    url = normalise_database_url(PG_URL) if postgres else f"sqlite:///{tmp_path}/shop.sqlite3"
    env = {
        **os.environ,
        "SECRET_KEY": "f" * 40,
        "DATABASE_URL": url,
        "MIDTRANS_SERVER_KEY": SANDBOX_SERVER_KEY,
        "MIDTRANS_SNAP_BASE_URL": sandbox.base_url + "/snap/v1",
        "MIDTRANS_API_BASE_URL": sandbox.base_url,
        "SESSION_COOKIE_SECURE": "false",
        "REDIS_URL": "",
        "HTMX_CDN_URL": "",
    }
    if postgres:
        empty_public_schema(url)
    engine = create_engine(url)
    try:
        with gunicorn_shop(env, workers=2) as shop_url:
            with Session(engine) as session:
                products = {
                    change: (make_fresh_product(session, f"kopi-segar-{n}", f"0000 Kopi Segar {n}"), f"kopi-segar-{n}")
                    for n, change in enumerate(CHANGES)
                }
            yield shop_url, engine, products
    finally:
        engine.dispose()
        if postgres:
            empty_public_schema(url)


# Enough requests, each on its own connection, that both workers answer some of them (and so have
# filled whatever they cache before the change).
VIEWS = 6


def views(http, url, paths, etags):
    """VIEWS rounds of views of `paths`, each sending the ETag in `etags` (if any): [{path: response}]."""
    answers = []
    for _ in range(VIEWS):
        round_ = {}
        for path in paths:
            headers = {"Connection": "close"}
            if etags.get(path):
                headers["If-None-Match"] = etags[path]
            round_[path] = http.get(url + path, headers=headers, timeout=10)
        answers.append(round_)
    return answers


def test_every_worker_shows_every_change_at_once(two_workers):
    """Each change of CHANGES made to its own product, all between two views: every worker shows each."""
    url, engine, products = two_workers
    paths = ["/"] + [f"/products/{slug}" for _id, slug in products.values()]
    http = requests.Session()
    http.cookies.set("lang", "en")
    http.get(url + "/", timeout=10)  # a shopper who has been here before: the pages they get carry an ETag
    first = {path: http.get(url + path, timeout=10) for path in paths}
    for _id, slug in products.values():
        check_before(first["/"].text, first[f"/products/{slug}"].status_code, first[f"/products/{slug}"].text, slug)
    etags = {path: response.headers["ETag"] for path, response in first.items()}
    for round_ in views(http, url, paths, {}):  # both workers draw the pages (and remember them)
        assert all(response.status_code == 200 for response in round_.values())
    for round_ in views(http, url, paths, etags):  # and both know the browser's copies are current
        assert all(response.status_code == 304 for response in round_.values())

    with engine.begin() as conn:
        for change, (product_id, _slug) in products.items():
            CHANGES[change][0](conn, product_id)

    # The browser still holds the pages of before: every worker answers with the changed pages, never a 304;
    # and without the tags too.
    for round_ in views(http, url, paths, etags) + views(http, url, paths, {}):
        assert round_["/"].status_code == 200
        for change, (_id, slug) in products.items():
            page = round_[f"/products/{slug}"]
            check_after(change, round_["/"].text, page.status_code, page.text, slug)


def test_pictures_made_after_a_page_view_show_at_the_next(app, client):
    """`flask seed` (or an upload) makes an image's renditions while the shop serves: the next card has them."""
    from storefront.admin.images import rendition_folder
    from storefront.commands import make_missing_renditions

    product_id = make_fresh_product(db.session)
    db.session.get(Product, product_id).image = "img/products/kopi-gayo-arabika-250g.svg"
    db.session.commit()
    folder = rendition_folder()
    os.makedirs(folder, exist_ok=True)
    os.utime(folder, (1_600_000_000, 1_600_000_000))  # a folder nobody has written to for a while
    for _ in range(2):  # the second view answers from whatever the first one remembered
        card = product_card(client.get("/").get_data(as_text=True))
        assert "kopi-gayo-arabika-250g" in card and "/media/" not in card

    make_missing_renditions()

    card = product_card(client.get("/").get_data(as_text=True))
    assert 'type="image/webp"' in card and "/media/" in card
