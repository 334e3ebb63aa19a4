"""The back office manages options and variants: add options, generate the combinations, then edit each
variant's SKU, price, weight, stock and sale flag; stock is adjusted, and its history kept, per variant."""

from storefront.extensions import db
from storefront.inventory import StockMovement
from storefront.models import Variant
from tests.support.helpers import make_product

VARIANTS = "product-variants"


def variants_of(product_id):
    db.session.rollback()
    rows = db.session.execute(
        db.select(Variant).where(Variant.product_id == product_id).order_by(Variant.position, Variant.id)
    ).scalars()
    return [(v.label, v.sku, v.price_idr, v.weight_g, v.stock, v.active) for v in rows]


def add_option(admin, product, name, values, htmx=True):
    return admin.post(
        f"/admin/products/{product.slug}/options",
        {"name": name, "values": values},
        htmx_target=VARIANTS if htmx else None,
    )


def generate(admin, product):
    return admin.post(f"/admin/products/{product.slug}/variants/generate", {}, htmx_target=VARIANTS)


def test_options_then_generate_make_one_variant_per_combination_and_retire_the_implicit_one(admin):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    response = add_option(admin, batik, "Ukuran", "S, M, m, L")
    assert response.status_code == 200 and 'id="product-variants"' in response.get_data(as_text=True)
    add_option(admin, batik, "Warna", "Merah, Biru")
    response = generate(admin, batik)
    assert response.status_code == 200
    assert variants_of(batik.id) == [
        ("", None, None, None, 0, False),
        ("S / Merah", None, None, None, 0, True),
        ("S / Biru", None, None, None, 0, True),
        ("M / Merah", None, None, None, 0, True),
        ("M / Biru", None, None, None, 0, True),
        ("L / Merah", None, None, None, 0, True),
        ("L / Biru", None, None, None, 0, True),
    ]
    # Generating again adds only what is missing: a new value's combinations.
    add_option(admin, batik, "Ukuran", "XL")
    generate(admin, batik)
    assert [v[0] for v in variants_of(batik.id)][-2:] == ["XL / Merah", "XL / Biru"]


def test_an_option_without_values_is_refused_beside_the_field(admin):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    response = add_option(admin, batik, "Ukuran", " , ,")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="values-error"' in html
    assert variants_of(batik.id) == [("", None, None, None, 0, True)]


def _row_data(product_id):
    """The variants table as the page shows it (and the browser would send it back unchanged)."""
    data = {}
    for variant in db.session.execute(db.select(Variant).where(Variant.product_id == product_id)).scalars():
        prefix = f"v{variant.id}-"
        row = {
            "sku": variant.sku or "",
            "price_idr": "" if variant.price_idr is None else str(variant.price_idr),
            "weight_g": "" if variant.weight_g is None else str(variant.weight_g),
            "stock": str(variant.stock),
            "stock_seen": str(variant.stock),
        }
        if variant.active:
            row["active"] = "y"
        data.update({prefix + key: value for key, value in row.items() if value is not None})
    return data


def test_each_row_sets_its_own_sku_price_weight_and_stock_and_the_stock_is_recorded(admin):
    kopi = make_product("Kopi Gayo", price=85000, stock=0, weight_g=300)
    add_option(admin, kopi, "Berat", "250 g, 500 g, 1 kg")
    generate(admin, kopi)
    db.session.rollback()
    small, medium, large = db.session.execute(
        db.select(Variant).where(Variant.product_id == kopi.id, Variant.label != "").order_by(Variant.position)
    ).scalars()
    data = _row_data(kopi.id)
    data.update({f"v{large.id}-sku": "GAYO-1KG", f"v{large.id}-price_idr": "290000", f"v{large.id}-weight_g": "1100"})
    data.update({f"v{large.id}-stock": "12", f"v{small.id}-stock": "30"})
    response = admin.post(f"/admin/products/{kopi.slug}/variants", data, htmx_target=VARIANTS)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert variants_of(kopi.id)[1:] == [
        ("250 g", None, None, None, 30, True),
        ("500 g", None, None, None, 0, True),
        ("1 kg", "GAYO-1KG", 290000, 1100, 12, True),
    ]
    movements = db.session.execute(db.select(StockMovement).order_by(StockMovement.variant_id)).scalars().all()
    assert [(m.variant_id, m.delta, m.reason, m.stock_after) for m in movements] == [
        (small.id, 30, "correction", 30),
        (large.id, 12, "correction", 12),
    ]
    assert medium.id not in {m.variant_id for m in movements}


def test_a_checkout_between_showing_and_saving_the_table_is_not_overwritten(admin, app):
    kopi = make_product("Kopi Gayo", price=85000, stock=10)
    variant_id = kopi.variants[0].id
    data = _row_data(kopi.id)  # the merchant sees 10 ...
    db.session.execute(db.update(Variant).where(Variant.id == variant_id).values(stock=Variant.stock - 3))
    db.session.commit()  # ... a shopper's checkout takes 3 ...
    data[f"v{variant_id}-stock"] = "15"  # ... and the merchant adds 5 to what they saw
    assert admin.post(f"/admin/products/{kopi.slug}/variants", data, htmx_target=VARIANTS).status_code == 200
    assert variants_of(kopi.id)[0][4] == 12


def test_a_bad_row_is_marked_and_nothing_is_saved(admin):
    kopi = make_product("Kopi Gayo", price=85000, stock=10)
    variant_id = kopi.variants[0].id
    data = _row_data(kopi.id)
    data.update({f"v{variant_id}-price_idr": "-5", f"v{variant_id}-sku": "NEW-SKU"})
    response = admin.post(f"/admin/products/{kopi.slug}/variants", data, htmx_target=VARIANTS)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="v{variant_id}-price_idr-error"' in html
    assert 'value="NEW-SKU"' in html  # what was typed is kept
    assert variants_of(kopi.id) == [("", None, None, None, 10, True)]


def test_a_sku_used_by_another_variant_is_refused(admin):
    first = make_product("Kopi Gayo", price=85000, stock=1)
    first.variants[0].sku = "GAYO"
    db.session.commit()
    second = make_product("Kopi Toraja", price=95000, stock=1)
    data = _row_data(second.id)
    data[f"v{second.variants[0].id}-sku"] = "GAYO"
    response = admin.post(f"/admin/products/{second.slug}/variants", data, htmx_target=VARIANTS)
    assert response.status_code == 422
    assert variants_of(second.id)[0][1] is None


def test_stock_is_adjusted_per_variant_and_the_history_names_it(admin):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    add_option(admin, batik, "Ukuran", "S, M")
    generate(admin, batik)
    db.session.rollback()
    medium = db.session.execute(db.select(Variant).where(Variant.label == "M")).scalar_one()
    response = admin.post(
        f"/admin/products/{batik.slug}/stock",
        {"variant_id": medium.id, "delta": "6", "reason": "received"},
        htmx_target="product-stock",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<td>M</td>" in html
    assert [v[4] for v in variants_of(batik.id)] == [0, 0, 6]


def test_stock_of_another_products_variant_cannot_be_adjusted_here(admin):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=5)
    kopi = make_product("Kopi Gayo", price=85000, stock=5)
    response = admin.post(
        f"/admin/products/{batik.slug}/stock",
        {"variant_id": kopi.variants[0].id, "delta": "6", "reason": "received"},
        htmx_target="product-stock",
    )
    assert response.status_code == 422
    assert variants_of(kopi.id)[0][4] == 5


def test_the_product_page_shows_the_variants_section(admin):
    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    add_option(admin, batik, "Ukuran", "S, M", htmx=False)
    html = admin.get(f"/admin/products/{batik.slug}").get_data(as_text=True)
    assert 'id="product-variants"' in html and "Ukuran" in html and "S, M" in html


def test_the_products_list_costs_the_same_queries_for_3_or_30_products(admin):
    from sqlalchemy import event

    def count(url):
        statements = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        db.session.remove()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert admin.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    for n in range(3):
        make_product(f"Kopi {n}", stock=n)
    few = count("/admin/products")
    for n in range(3, 30):
        make_product(f"Kopi {n}", stock=n)
    assert count("/admin/products") == few


def test_the_back_office_order_shows_the_variant_and_its_sku(admin, shopper):
    from tests.support.helpers import make_variants, the_order

    batik = make_product("Batik Tulis Lasem", price=250000, stock=0)
    _small, large = make_variants(batik, [("S", None, 4), ("XL", 290000, 3)])
    large.sku = "BTL-XL"
    db.session.commit()
    shopper.add_variant(large.id)
    assert shopper.checkout().status_code == 303
    html = admin.get(f"/admin/orders/{the_order().reference}").get_data(as_text=True)
    assert "Batik Tulis Lasem — XL" in html and "BTL-XL" in html
