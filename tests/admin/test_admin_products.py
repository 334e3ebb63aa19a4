"""Products, categories and stock: create, edit, deactivate, upload an image (checked by content),
adjust stock with a reason through one atomic UPDATE."""

import io
import re
import threading

import pytest
from PIL import Image

from storefront.admin.catalog import adjust_stock
from storefront.admin.models import AuditEntry
from storefront.extensions import db
from storefront.inventory import StockMovement
from storefront.models import Category, Product
from tests.support.helpers import make_category, make_product


def image_bytes(fmt, size=(640, 480)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 69, 42)).save(buffer, fmt)
    return buffer.getvalue()


PNG, JPEG, WEBP = image_bytes("PNG"), image_bytes("JPEG"), image_bytes("WEBP")


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def product_data(**overrides):
    data = {
        "name": "Teh Tarik Aceh",
        "slug": "",
        "category_id": "0",
        "description": "Teh hitam",
        "price_idr": "45000",
        "weight_g": "250",
        "active": "y",
        "stock": "12",
    }
    data.update(overrides)
    return data


def the_product(slug):
    db.session.rollback()
    return db.session.execute(db.select(Product).where(Product.slug == slug)).scalar_one()


def test_create_a_product_with_initial_stock(admin):
    category = make_category()
    response = admin.post("/admin/products/new", product_data(category_id=str(category.id)))
    assert response.status_code == 303 and response.headers["Location"] == "/admin/products/teh-tarik-aceh"
    product = the_product("teh-tarik-aceh")
    assert (product.price_idr, product.stock, product.active, product.category_id) == (45000, 12, True, category.id)
    assert product.weight_g == 250
    [movement] = db.session.execute(db.select(StockMovement)).scalars().all()
    assert (movement.delta, movement.reason, movement.stock_after) == (12, "initial", 12)
    assert "product_create" in [e.action for e in db.session.execute(db.select(AuditEntry)).scalars()]
    assert "Teh Tarik Aceh" in admin.get("/admin/products").get_data(as_text=True)


def test_edit_and_deactivate_a_product(admin, client):
    product = make_product("Kopi Toraja", price=90000, stock=4)
    response = admin.post(
        f"/admin/products/{product.slug}",
        product_data(name="Kopi Toraja Sapan", slug="kopi-toraja", price_idr="95000", active=""),
    )
    assert response.status_code == 303
    product = the_product("kopi-toraja")
    assert (product.name, product.price_idr, product.active, product.stock) == ("Kopi Toraja Sapan", 95000, False, 4)
    assert "Kopi Toraja" not in client.get("/").get_data(as_text=True)
    assert client.get("/products/kopi-toraja").status_code == 404


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "Enter a name."),
        ({"price_idr": "-1"}, "Enter a whole number of rupiah, 0 or more."),
        ({"weight_g": ""}, "Enter the weight in grams."),
        ({"weight_g": "0"}, "Enter a whole number of grams, from 1 to 100,000."),
        ({"slug": "Not A Slug"}, "Lower-case letters, digits and dashes only."),
        ({"slug": "kopi-gayo-250-g"}, "Another product already uses this address name."),
        ({"slug": "new"}, "Give the product another address name (slug)."),
    ],
)
def test_invalid_product_data_is_shown_with_422(admin, overrides, message):
    make_product()
    response = admin.post("/admin/products/new", product_data(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("content, extension", [(PNG, "png"), (JPEG, "jpg"), (WEBP, "webp")])
def test_upload_an_image_checked_by_its_content(admin, client, uploads, content, extension):
    product = make_product(stock=3)
    response = admin.post(
        f"/admin/products/{product.slug}",
        product_data(name=product.name, slug=product.slug),
        files={"image": (io.BytesIO(content), "photo.bin", "application/octet-stream")},
    )
    assert response.status_code == 303
    image = the_product(product.slug).image
    assert re.fullmatch(rf"uploads/products/[0-9a-f]{{32}}\.{extension}", image)
    assert (uploads / "products" / image.rsplit("/", 1)[1]).read_bytes() == content
    # The shop's pages show its raster renditions (never upscaled: 200 and 400 pixels of a 640-pixel
    # photo, not 800), the original stays available at its own address.
    url = "/" + image
    key = image.rsplit("/", 1)[1].split(".")[0]
    html = client.get("/").get_data(as_text=True)
    assert f'<img class="product-card__image" src="/media/{key}-400.jpg"' in html
    assert f"/media/{key}-200.webp 200w, /media/{key}-400.webp 400w" in html
    assert f"{key}-800" not in html
    with client.get(url) as served:
        assert served.status_code == 200 and served.data == content
        assert served.mimetype == {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}[extension]
        assert "immutable" in served.headers["Cache-Control"] or "max-age=31536000" in served.headers["Cache-Control"]


@pytest.mark.parametrize(
    "content, filename",
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "evil.png"),
        (b"GIF89a" + b"\x00" * 20, "anim.gif"),
        (b"%PDF-1.7", "doc.jpg"),
    ],
)
def test_other_files_are_refused_whatever_their_name(admin, uploads, content, filename):
    product = make_product()
    response = admin.post(
        f"/admin/products/{product.slug}",
        product_data(name=product.name, slug=product.slug),
        files={"image": (io.BytesIO(content), filename, "image/png")},
    )
    assert response.status_code == 422
    assert "Upload a PNG, JPEG or WebP image." in response.get_data(as_text=True)
    assert the_product(product.slug).image == "img/placeholder.svg"
    assert not (uploads / "products").exists() or not any((uploads / "products").iterdir())


def test_a_file_that_only_starts_like_an_image_is_refused_and_not_kept(admin, uploads):
    product = make_product()
    response = admin.post(
        f"/admin/products/{product.slug}",
        product_data(name=product.name, slug=product.slug),
        files={"image": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "photo.png", "image/png")},
    )
    assert response.status_code == 422
    assert "This image could not be read." in response.get_data(as_text=True)
    assert the_product(product.slug).image == "img/placeholder.svg"
    assert not (uploads / "products").exists() or not any((uploads / "products").iterdir())


def test_images_over_2_mb_are_refused(admin, uploads):
    product = make_product()
    big = PNG + b"\x00" * (2 * 1024 * 1024)
    response = admin.post(
        f"/admin/products/{product.slug}",
        product_data(name=product.name, slug=product.slug),
        files={"image": (io.BytesIO(big), "big.png", "image/png")},
    )
    assert response.status_code == 422
    assert "larger than 2 MB" in response.get_data(as_text=True)


def test_a_far_larger_request_is_refused_before_it_is_read(admin):
    product = make_product()
    huge = PNG + b"\x00" * (3 * 1024 * 1024)
    response = admin.post(
        f"/admin/products/{product.slug}",
        product_data(name=product.name, slug=product.slug),
        files={"image": (io.BytesIO(huge), "huge.png", "image/png")},
    )
    assert response.status_code == 413


def test_shipped_images_under_static_still_show(client):
    make_product()
    html = client.get("/").get_data(as_text=True)
    # Until `flask seed` has made its renditions, the shipped SVG itself (by its content-hashed name).
    assert re.search(r'src="/static/img/placeholder-[0-9a-f]{32}\.svg"', html)


def test_only_stored_names_are_served(client, uploads):
    (uploads / "products").mkdir(parents=True)
    (uploads / "secret.txt").write_text("no")
    assert client.get("/uploads/products/..%2Fsecret.txt").status_code == 404
    assert client.get("/uploads/products/notahash.png").status_code == 404


# ---------------------------------------------------------------------------------------------------
# Stock
# ---------------------------------------------------------------------------------------------------


def test_adjust_stock_with_a_reason(admin):
    product = make_product(stock=5)
    response = admin.post(
        f"/admin/products/{product.slug}/stock",
        {"delta": "7", "reason": "received", "note": "PO-17", "variant_id": product.variants[0].id},
    )
    assert response.status_code == 303
    assert the_product(product.slug).stock == 12
    response = admin.post(
        f"/admin/products/{product.slug}/stock",
        {"delta": "-2", "reason": "damaged", "variant_id": product.variants[0].id},
        htmx_target="product-stock",
    )
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 200
        and html.lstrip().startswith('<section id="product-stock"')
        and 'data-stock="10"' in html
    )
    movements = db.session.execute(db.select(StockMovement).order_by(StockMovement.id)).scalars().all()
    assert [(m.delta, m.reason, m.note, m.stock_after, m.staff.email) for m in movements] == [
        (7, "received", "PO-17", 12, "staff@toko.example"),
        (-2, "damaged", "", 10, "staff@toko.example"),
    ]


def test_stock_never_goes_below_zero(admin):
    product = make_product(stock=3)
    response = admin.post(
        f"/admin/products/{product.slug}/stock",
        {"delta": "-4", "reason": "correction", "variant_id": product.variants[0].id},
        htmx_target="product-stock",
    )
    assert response.status_code == 422
    assert "Not enough units in stock" in response.get_data(as_text=True)
    assert the_product(product.slug).stock == 3
    assert db.session.execute(db.select(StockMovement)).first() is None


def test_a_change_of_zero_is_refused(admin):
    product = make_product(stock=3)
    response = admin.post(
        f"/admin/products/{product.slug}/stock",
        {"delta": "0", "reason": "correction", "variant_id": product.variants[0].id},
    )
    assert response.status_code == 422


def test_concurrent_adjustments_are_all_counted(app, db_kind):
    """The adjustment is one conditional UPDATE: no read-then-write, so no lost update."""
    product = make_product(stock=100)
    product_id, variant_id = product.id, product.variants[0].id
    errors = []

    def remove_ten():
        with app.app_context():
            try:
                for _ in range(5):
                    adjust_stock(variant_id, -2, "correction", "", None)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=remove_ten) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.rollback()
    assert db.session.get(Product, product_id).stock == 60
    assert db.session.execute(db.select(db.func.count(StockMovement.id))).scalar_one() == 20


# ---------------------------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------------------------


def test_create_edit_and_delete_a_category(admin):
    assert admin.post("/admin/categories", {"name": "Batik", "slug": "", "position": "2"}).status_code == 303
    category = db.session.execute(db.select(Category)).scalar_one()
    assert (category.slug, category.position) == ("batik", 2)
    assert (
        admin.post(
            "/admin/categories/batik", {"name": "Batik Tulis", "slug": "batik-tulis", "position": "1"}
        ).status_code
        == 303
    )
    db.session.rollback()
    assert db.session.execute(db.select(Category.name)).scalar_one() == "Batik Tulis"
    assert admin.post("/admin/categories/batik-tulis/delete").status_code == 303
    assert db.session.execute(db.select(Category)).first() is None


def test_a_category_with_products_cannot_be_deleted(admin):
    category = make_category()
    make_product(category=category)
    admin.post(f"/admin/categories/{category.slug}/delete")
    assert "still has products" in admin.get("/admin/categories").get_data(as_text=True)
    assert db.session.execute(db.select(Category)).scalar_one()


def test_product_search_answers_htmx_with_the_results_fragment(admin):
    make_product("Kopi Gayo")
    make_product("Teh Tarik")
    response = admin.get("/admin/products?q=teh", htmx_target="product-admin-results")
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="product-admin-results"')
    assert "Teh Tarik" in html and "Kopi Gayo" not in html
