"""Shipping in a real browser: the address picked from chained lists (htmx, and without JavaScript by the
`step` buttons), two or more courier services with prices, the chosen one paid for in the sandbox and
shown on the order page."""

import pytest
from playwright.sync_api import expect

from tests.support.e2e import (
    ADDRESS,
    CUSTOMER,
    add_from_grid,
    choose_address,
    expect_order_page,
    expect_sandbox_page,
    pay_on_sandbox,
    search,
    stays_on_page,
    submit_checkout,
)

pytestmark = pytest.mark.e2e

# A product no other browser test counts the stock of (the e2e database is shared by the package).
PRODUCT = "Vanili Bourbon Papua 10 Batang"  # Rp175.000, 100 g: 1 kg billed


def test_address_lists_load_with_htmx_and_the_chosen_service_is_paid_and_shown(shop, page, shots):
    search(shop, page, "Vanili")
    add_from_grid(page, PRODUCT, expected_badge=1)
    page.goto(shop.url + "/checkout/")
    for field, value in CUSTOMER.items():
        page.locator(f"#{field}").fill(value)
    with stays_on_page(page):
        choose_address(page)
        services = page.locator("#shipping-services label.shipping-option")
        assert services.count() >= 2
        expect(services.filter(has_text="JNE REG")).to_contain_text("Rp20.000")
        expect(services.filter(has_text="J&T EZ")).to_contain_text("Rp18.000")
        expect(page.locator("#summary-shipping")).to_have_text("Pilih layanan")
        page.locator("#shipping-services input[value='jnt-ez']").check()
        expect(page.locator("#summary-shipping")).to_have_text("Rp18.000")
        expect(page.locator("#summary-total")).to_have_text("Rp193.000")
    shots(page, "checkout-shipping")
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    expect(page.locator("#amount")).to_have_text("Rp193.000")
    pay_on_sandbox(shop, page, "bca_va")
    expect_order_page(shop, page)
    expect(page.locator("#order-shipping")).to_contain_text("J&T EZ")
    expect(page.locator(".order-meta")).to_contain_text("Gondomanan")
    expect(page.locator(".order-meta")).to_contain_text("Kurir: J&T EZ")


def test_without_javascript_the_same_purchase_works_in_steps(shop, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(shop.url + "/?q=Vanili")
    page.locator("#product-results form.add-form button[type=submit]").first.click()
    page.goto(shop.url + "/checkout/")
    for field, value in CUSTOMER.items():
        page.locator(f"#{field}").fill(value)
    # Each step button posts the form; the page comes back with the next list and what was typed.
    page.locator("#province").select_option(ADDRESS["province"])
    page.locator("button[name=step][value=province]").click()
    expect(page.locator("#name")).to_have_value(CUSTOMER["name"])
    expect(page.locator("#province")).to_have_value(ADDRESS["province"])
    page.locator("#city").select_option(ADDRESS["city"])
    page.locator("button[name=step][value=city]").click()
    page.locator("#district").select_option(ADDRESS["district"])
    page.locator("button[name=step][value=district]").click()
    services = page.locator("#shipping-services label.shipping-option")
    expect(services.filter(has_text="JNE REG")).to_contain_text("Rp20.000")
    assert services.count() >= 2
    page.locator("#shipping-services input[value='jne-reg']").check()
    page.locator("button[name=step][value=service]").click()
    expect(page.locator("#summary-total")).to_have_text("Rp195.000")
    page.locator("#checkout-form .form-actions button[type=submit]").click()
    expect_sandbox_page(shop, page)
    expect(page.locator("#amount")).to_have_text("Rp195.000")
    pay_on_sandbox(shop, page, "bca_va")
    expect_order_page(shop, page)
    expect(page.locator("#order-shipping")).to_contain_text("JNE REG")
