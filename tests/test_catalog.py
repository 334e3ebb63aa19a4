from storefront.commands import seed_demo_data
from storefront.demo_data import PRODUCTS
from storefront.extensions import db
from storefront.models import Product
from tests.support.helpers import make_category, make_product


def test_home_lists_active_products_with_price_and_stock_badges(client, app):
    make_product("Kopi Gayo 250 g", price=85000, stock=10)
    make_product("Sambal Bawang", price=35000, stock=0)
    make_product("Teh Melati", price=20000, stock=2)
    make_product("Barang Lama", price=1000, stock=5, active=False)
    html = client.get("/").get_data(as_text=True)
    assert "Kopi Gayo 250 g" in html and "Rp85.000" in html
    assert "Barang Lama" not in html
    assert "stock-badge--out" in html  # sambal is sold out
    assert "stock-badge--low" in html  # only 2 teh left


def test_sold_out_product_cannot_be_added_from_the_grid(client, app):
    make_product("Sambal Bawang", stock=0)
    html = client.get("/").get_data(as_text=True)
    form = html[html.index('id="add-form-') :]
    assert "disabled" in form[: form.index("</form>")]


def test_category_filter_shows_only_that_category(client, app):
    kopi = make_category("Kopi & Teh", "kopi-teh")
    kain = make_category("Kain & Batik", "kain-batik")
    make_product("Kopi Toraja", category=kopi)
    make_product("Batik Tulis Pekalongan", category=kain)
    html = client.get("/?category=kain-batik").get_data(as_text=True)
    assert "Batik Tulis Pekalongan" in html and "Kopi Toraja" not in html


def test_search_matches_name_and_description_case_insensitively(client, app):
    make_product("Kopi Toraja")
    make_product("Dodol Garut")
    html = client.get("/?q=toRAJA").get_data(as_text=True)
    assert "Kopi Toraja" in html and "Dodol Garut" not in html


def test_active_search_returns_only_the_results_fragment_to_htmx(client, app):
    make_product("Kopi Toraja")
    response = client.get("/?q=kopi", headers={"HX-Request": "true", "HX-Target": "product-results"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="product-results"')
    assert "<html" not in html and "Kopi Toraja" in html
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_or_history_restore_requests_get_the_full_page(client, app):
    make_product("Kopi Toraja")
    restore = {"HX-Request": "true", "HX-Target": "product-results", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get("/?q=kopi", headers=restore).get_data(as_text=True)
    assert "<html" in client.get("/?q=kopi", headers={"HX-Request": "true"}).get_data(as_text=True)


def test_search_treats_wildcards_and_sql_as_plain_text(client, app):
    make_product("Kopi Toraja")
    for hostile in ["%", "_", "' OR 1=1 --", "\\"]:
        response = client.get("/", query_string={"q": hostile})
        assert response.status_code == 200
        assert "Kopi Toraja" not in response.get_data(as_text=True)


def test_pagination_splits_products_into_pages(client, app):
    for i in range(15):
        make_product(f"Produk {i:02d}")
    first = client.get("/").get_data(as_text=True)
    second = client.get("/?page=2").get_data(as_text=True)
    assert "Produk 00" in first and "Produk 12" not in first
    assert "Produk 12" in second and "Produk 00" not in second
    assert 'rel="next"' in first
    assert client.get("/?page=99").status_code == 200


def test_product_page_shows_details_and_exposes_stock(client, app):
    product = make_product("Madu Hutan Sumbawa", price=125000, stock=7)
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "Madu Hutan Sumbawa" in html and "Rp125.000" in html
    assert 'data-stock="7"' in html


def test_unknown_or_inactive_product_is_404(client, app):
    hidden = make_product("Barang Lama", active=False)
    assert client.get("/products/tidak-ada").status_code == 404
    assert client.get(f"/products/{hidden.slug}").status_code == 404


def test_seed_is_idempotent_and_loads_the_demo_catalog(app):
    assert seed_demo_data() == len(PRODUCTS) >= 12
    assert seed_demo_data() == 0
    assert db.session.scalar(db.select(db.func.count(Product.id))) == len(PRODUCTS)
    assert all(isinstance(p["price_idr"], int) for p in PRODUCTS)


def test_demo_images_ship_with_the_shop(app):
    import os

    for product in PRODUCTS:
        assert os.path.exists(os.path.join(app.static_folder, product["image"])), product["image"]
