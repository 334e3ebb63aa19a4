"""Variants in a real browser: the catalog card asks to choose, the product page swaps price, stock and
the add button in place as a size is chosen, and the paid order names the size. Uses the seeded
"Kemeja Batik Parang Solo" (sizes S, M, L, XL), which no other browser test touches."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.e2e import (
    expect_sandbox_page,
    expect_status,
    fill_checkout,
    go_to_cart,
    pay_on_sandbox,
    product_card,
    product_id_of,
    search,
    stays_on_page,
    submit_checkout,
)

pytestmark = pytest.mark.e2e

SHIRT = "Kemeja Batik Parang Solo"


def choose(page, size):
    page.locator("#variant-choice label", has_text=re.compile(rf"^\s*{size}\s*$")).click()


def test_choose_a_batik_size_pay_and_see_the_size_on_the_order_page(shop, page, shots):
    search(shop, page, "Kemeja Batik")
    card = product_card(page, SHIRT)
    expect(card.locator(".product-card__price")).to_have_text("Rp325.000 – Rp345.000")
    expect(card.locator("form.add-form")).to_have_count(0)
    card.get_by_role("link", name=re.compile("Pilih varian")).click()

    expect(page.locator("h1")).to_have_text(SHIRT)
    product_id = product_id_of(page)
    button = page.locator(f"#add-button-{product_id}")
    expect(button).to_be_disabled()
    expect(page.locator("#variant-message")).to_contain_text("Ukuran")
    shots(page, "product-variants")

    with stays_on_page(page):
        choose(page, "XL")
        expect(page.locator("#variant-panel .product-detail__price")).to_have_text("Rp345.000")
        expect(page.locator("#variant-panel .product-detail__stock")).to_have_attribute("data-stock", "2")
        choose(page, "M")
        expect(page.locator("#variant-panel .product-detail__price")).to_have_text("Rp325.000")
        expect(button).to_be_enabled()
        expect(page).to_have_url(re.compile(r"option-\d+=\d+"))  # the choice has its own address
        button.click()
        expect(page.locator(f"#add-result-{product_id}")).to_contain_text(f"{SHIRT} — M")
        expect(page.locator("#cart-badge")).to_have_text("1")

    go_to_cart(page)
    expect(page.locator("#cart .cart-line__name")).to_have_text(f"{SHIRT} — M")
    page.locator("#cart a[href$='/checkout/']").click()
    fill_checkout(page)
    expect(page.locator("#order-summary")).to_contain_text(f"{SHIRT} — M")
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    pay_on_sandbox(shop, page, "bca_va")
    expect_status(page, "paid")
    expect(page.locator("main")).to_contain_text(f"{SHIRT} — M")
    shots(page, "order-paid-variant")


def test_without_javascript_the_choice_is_shown_by_a_submit(shop, new_context):
    page = new_context(java_script_enabled=False).new_page()
    search(shop, page, "Kemeja Batik")
    product_card(page, SHIRT).get_by_role("link", name=re.compile("Pilih varian")).click()
    page.locator("#variant-choice label", has_text=re.compile(r"^\s*L\s*$")).click()
    page.locator("#variant-choice-button").click()
    expect(page).to_have_url(re.compile(r"option-\d+=\d+"))
    expect(page.locator("#variant-panel .product-detail__stock")).to_have_attribute("data-stock", "4")
    expect(page.locator(f"#add-button-{product_id_of(page)}")).to_be_enabled()
