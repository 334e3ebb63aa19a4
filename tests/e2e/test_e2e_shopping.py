"""Browsing and the cart in a real browser: htmx search, category filter, adding from the grid and from
the product page, changing and removing cart lines, invalid quantities: all in place, no page load."""

import pytest
from playwright.sync_api import expect

from tests.support.e2e import (
    add_from_detail,
    add_from_grid,
    assert_error_announced,
    assert_htmx_from_local_copy,
    go_to_cart,
    open_product,
    product_card,
    stays_on_page,
)

pytestmark = pytest.mark.e2e


def test_browse_search_filter_and_add_two_products_in_place(shop, page, shots):
    page.goto(shop.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert_htmx_from_local_copy(page)
    cards = page.locator("#product-results li.product-card")
    expect(cards).to_have_count(12)  # first page of the 23 demo products
    expect(page.locator("#cart-badge")).to_have_text("0")
    shots(page, "catalog")

    # Active search: typing filters the grid in place (htmx) and pushes the query into the address bar.
    with stays_on_page(page):
        page.locator("#search-q").press_sequentially("kopi", delay=20)
        # Names and descriptions: the three coffees, and the palm sugar "for coffee".
        expect(cards.locator("a.product-card__name")).to_have_text(
            ["Gula Aren Cair 500 ml", "Kopi Gayo Arabika 250 g", "Kopi Gayo Wine Process", "Kopi Toraja Sapan 250 g"]
        )
        expect(page).to_have_url(f"{shop.url}/?q=kopi")
    shots(page, "search")

    with stays_on_page(page):
        page.locator("#search-q").fill("tidak-ada-produk-ini")
        expect(page.locator("#product-results .empty-state")).to_be_visible()
        expect(cards).to_have_count(0)

    # Category filter (plain links).
    page.goto(shop.url + "/")
    page.locator(".category-filter a.chip", has_text="Camilan").click()
    expect(page).to_have_url(f"{shop.url}/?category=camilan")
    expect(page.locator(".category-filter a[aria-current=page]")).to_have_text("Camilan")
    expect(cards).to_have_count(4)
    shots(page, "category")

    # Add one product from the grid: the card's form and the header badge change, the page stays.
    add_from_grid(page, "Keripik Tempe Malang 250 g", expected_badge=1)
    shots(page, "added-from-grid")

    # ... and one from its product page, with a quantity.
    open_product(page, "Dodol Garut Aneka Rasa 500 g")
    shots(page, "product")
    add_from_detail(page, quantity=2, expected_badge=3)
    shots(page, "added-from-product")

    go_to_cart(page)
    expect(page.locator("#cart .cart-line")).to_have_count(2)
    expect(page.locator("#cart-total")).to_have_text("Rp108.000")  # 28.000 + 2 × 40.000, shipping is chosen at checkout
    shots(page, "cart")


def test_cart_quantity_change_remove_and_invalid_quantities(shop, page, shots):
    page.goto(shop.url + "/?category=kopi-teh")
    kopi = add_from_grid(page, "Kopi Gayo Arabika 250 g", expected_badge=1)
    teh = add_from_grid(page, "Teh Melati Tegal 100 g", expected_badge=2)
    go_to_cart(page)
    cart = page.locator("#cart")
    kopi_qty = page.locator(f"#qty-line-{kopi}")
    kopi_total = page.locator(f"#cart-line-{kopi} .cart-line__total")
    expect(kopi_total).to_have_text("Rp85.000")

    with stays_on_page(page):
        # Change a quantity: line total, cart total and header badge follow.
        kopi_qty.fill("3")
        page.locator(f"#update-button-{kopi}").click()
        expect(kopi_total).to_have_text("Rp255.000")
        expect(page.locator("#cart-total")).to_have_text("Rp277.000")  # 255.000 + 22.000, before shipping
        expect(page.locator("#cart-badge")).to_have_text("4")
        expect(page.locator(f"#update-button-{kopi}")).to_be_focused()  # focus kept across the swap

        # Invalid quantities: the shop's message appears next to the field, which keeps what was typed.
        for typed in ("0", "1.5", "1000"):
            kopi_qty.fill("")
            kopi_qty.press_sequentially(typed)
            page.locator(f"#update-button-{kopi}").click()
            expect(page.locator(f"#qty-error-{kopi}")).to_be_visible()
            expect(page.locator(f"#qty-error-{kopi}")).to_contain_text("24")  # 1 to 24: the stock
            expect(kopi_qty).to_have_value(typed)
            assert_error_announced(page, f"#qty-line-{kopi}", f"#qty-error-{kopi}")
            expect(kopi_qty).to_be_focused()  # back on the field to correct
            if typed == "1.5":
                shots(page, "cart-invalid-quantity")
        # Nothing changed in the cart.
        expect(kopi_total).to_have_text("Rp255.000")
        expect(page.locator("#cart-badge")).to_have_text("4")

        # Correcting it clears the message.
        kopi_qty.fill("2")
        kopi_qty.press("Enter")
        expect(kopi_total).to_have_text("Rp170.000")
        expect(page.locator(f"#qty-error-{kopi}")).to_have_count(0)
        expect(kopi_qty).not_to_have_attribute("aria-invalid", "true")

        # Remove a line.
        page.locator(f"#cart-line-{teh} button.btn--link").click()
        expect(page.locator(f"#cart-line-{teh}")).to_have_count(0)
        expect(page.locator("#cart-badge")).to_have_text("2")
        expect(page.locator("#cart-total")).to_have_text("Rp170.000")

        # And the last one: the empty cart says so.
        page.locator(f"#cart-line-{kopi} button.btn--link").click()
        expect(cart.locator(".empty-state")).to_be_visible()
        expect(page.locator("#cart-badge")).to_have_text("0")
    shots(page, "cart-empty")


def test_invalid_quantity_on_the_product_page(shop, page):
    page.goto(shop.url + "/?category=makanan-bumbu")
    product_id = open_product(page, "Rendang Daging Sapi Kemasan 250 g")  # 2 in stock
    qty = page.locator(f"#qty-{product_id}")
    with stays_on_page(page):
        for typed in ("0", "1.5", "3"):
            qty.fill("")
            qty.press_sequentially(typed)
            page.locator(f"#add-button-{product_id}").click()
            expect(page.locator(f"#add-result-{product_id} .field__error")).to_contain_text("2")
            expect(qty).to_have_value(typed)
            assert_error_announced(page, f"#qty-{product_id}", f"#add-result-{product_id}")
        expect(page.locator("#cart-badge")).to_have_text("0")
        qty.fill("2")
        qty.press("Enter")
        expect(page.locator(f"#add-result-{product_id}")).to_contain_text("Rendang")
        expect(page.locator("#cart-badge")).to_have_text("2")
    # A sold-out product cannot be added at all.
    page.goto(shop.url + "/?category=kain-batik")
    expect(product_card(page, "Kain Tenun Ikat Sumba Timur").locator("button[type=submit]")).to_be_disabled()


def test_the_in_place_check_notices_a_page_load(shop, new_context):
    """Guards the guard: with htmx gone (its file blocked), adding to the cart falls back to a plain form
    post and a new page, which `stays_on_page` must report."""
    page = new_context(
        expected_console_errors=[r"^Failed to load resource: net::ERR_FAILED \S+/static/vendor/htmx-"]
    ).new_page()
    page.route("**/static/vendor/htmx-*", lambda route: route.abort())
    page.goto(shop.url + "/?category=camilan")
    assert page.evaluate("() => typeof window.htmx") == "undefined"
    with pytest.raises(AssertionError, match="loaded again|marker lost"):
        with stays_on_page(page):
            product_card(page, "Keripik Tempe Malang 250 g").locator("button[type=submit]").click()
            expect(page).to_have_url(f"{shop.url}/cart/")  # the shop still works, the plain way
    expect(page.locator("#cart-badge")).to_have_text("1")
