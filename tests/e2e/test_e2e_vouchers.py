"""A voucher in a real browser: typed in the cart (htmx), shown in the checkout summary, paid for in the
sandbox and shown on the paid order page. Uses the seeded HEMAT10 (10 %, at most Rp25.000, once per
customer) and "Batik Tulis Pekalongan Motif Jlamprang", which no other browser test touches."""

import pytest
from playwright.sync_api import expect

from tests.support.e2e import (
    add_from_detail,
    expect_sandbox_page,
    expect_status,
    fill_checkout,
    go_to_cart,
    open_product,
    pay_on_sandbox,
    search,
    stays_on_page,
    submit_checkout,
)

pytestmark = pytest.mark.e2e

BATIK = "Batik Tulis Pekalongan Motif Jlamprang"  # Rp850.000: 10 % capped at Rp25.000


def test_apply_a_voucher_pay_and_see_the_discounted_total_on_the_order_page(shop, page, shots):
    search(shop, page, "Jlamprang")
    open_product(page, BATIK)
    add_from_detail(page, 1, 1)
    go_to_cart(page)
    with stays_on_page(page):
        page.locator("#voucher-code").fill("hemat-99")
        page.locator("#apply-voucher").click()
        expect(page.locator("#voucher-error")).to_contain_text("tidak kami kenal")
        page.locator("#voucher-code").fill("hemat10")
        page.locator("#apply-voucher").click()
        expect(page.locator("#cart-discount")).to_have_text("−Rp25.000")
        expect(page.locator("#cart-total")).to_have_text("Rp825.000")
    shots(page, "cart-voucher")
    page.locator("#cart a[href$='/checkout/']").click()
    fill_checkout(page)
    expect(page.locator("#summary-discount")).to_have_text("−Rp25.000")
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    pay_on_sandbox(shop, page, "bca_va")
    expect_status(page, "paid")
    expect(page.locator("#order-discount")).to_have_text("−Rp25.000")
    expect(page.locator("main")).to_contain_text("Voucher HEMAT10")
