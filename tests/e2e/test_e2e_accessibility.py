"""Accessibility in a real browser: axe-core on every shop page (no serious or critical violation), every
input labelled, errors announced, a visible focus ring at every Tab stop, and a purchase made with the
keyboard alone. The sandbox's pages stand in for Midtrans's and are not judged here."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.e2e import (
    ADDRESS,
    BAD_PHONE,
    CUSTOMER,
    SERVICE,
    add_from_grid,
    assert_error_announced,
    assert_every_input_labelled,
    assert_no_serious_axe_violations,
    choose_method,
    expect_order_page,
    expect_sandbox_page,
    expect_status,
    fill_checkout,
    focus_problems,
    focused,
    go_to_cart,
    htmx_settles,
    open_product,
    product_id_of,
    search,
    submit_checkout,
    tab_to,
    variant_id_of,
    wait_for_htmx,
)

NEXT_LIST = {"province": "city", "city": "district"}

pytestmark = pytest.mark.e2e


@pytest.fixture
def a11y_page(new_context):
    """axe is injected as an inline script, which the shop's Content-Security-Policy (rightly) forbids:
    this context ignores the CSP so the checker can run. Nothing else differs."""
    # The walk ends on a page that does not exist: its 404 is the point, not an error of the page.
    context = new_context(bypass_csp=True, expected_console_errors=[r"status of 404 .*/no-such-page$"])
    return context.new_page()


def check_page(page, name):
    assert_no_serious_axe_violations(page, name)
    assert_every_input_labelled(page)


def test_axe_finds_no_serious_problem_on_any_shop_page(shop, a11y_page):
    page = a11y_page
    page.goto(shop.url + "/")
    check_page(page, "catalog")
    search(shop, page, "kopi")
    check_page(page, "catalog-search")
    page.goto(shop.url + "/?q=tidak-ada")
    check_page(page, "catalog-empty")

    page.goto(shop.url + "/?category=kerajinan")
    open_product(page, "Cobek & Ulekan Batu Merapi 20 cm")
    check_page(page, "product")
    product_id, line_id = product_id_of(page), variant_id_of(page)
    page.locator(f"#qty-{product_id}").fill("0")
    page.locator(f"#add-button-{product_id}").click()
    assert_error_announced(page, f"#qty-{product_id}", f"#add-result-{product_id}")
    check_page(page, "product-invalid-quantity")
    page.locator(f"#qty-{product_id}").fill("1")
    page.locator(f"#add-button-{product_id}").click()
    expect(page.locator("#cart-badge")).to_have_text("1")
    check_page(page, "product-added")

    page.goto(shop.url + "/cart/")
    check_page(page, "cart")
    page.locator(f"#qty-line-{line_id}").fill("1000")
    page.locator(f"#update-button-{line_id}").click()
    assert_error_announced(page, f"#qty-line-{line_id}", f"#qty-error-{line_id}")
    check_page(page, "cart-invalid-quantity")

    page.goto(shop.url + "/checkout/")
    check_page(page, "checkout")
    fill_checkout(page, phone=BAD_PHONE, postal_code="123")
    submit_checkout(page)
    assert_error_announced(page, "#phone", "#checkout-form .form-errors")
    assert_error_announced(page, "#postal_code", "#checkout-form .form-errors")
    check_page(page, "checkout-errors")

    page.locator("#phone").fill(CUSTOMER["phone"])
    page.locator("#postal_code").fill(CUSTOMER["postal_code"])
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    choose_method(page, "bca_va")
    page.locator("#back-to-merchant").click()
    expect_order_page(shop, page)
    expect(page.locator("#order-status .va-number")).to_be_visible()
    check_page(page, "order-awaiting-payment")
    page.locator("#order-status a.btn--primary").click()
    page.locator("#pay").click()
    expect_order_page(shop, page)
    expect_status(page, "paid")
    check_page(page, "order-paid")

    page.goto(shop.url + "/cart/")
    check_page(page, "cart-empty")
    page.goto(shop.url + "/no-such-page")
    check_page(page, "not-found")


def test_focus_is_visible_at_every_tab_stop(shop, page):
    page.goto(shop.url + "/")
    assert focus_problems(page) == [], "catalog"

    page.goto(shop.url + "/?category=perawatan-diri")
    add_from_grid(page, "Sabun Sereh Wangi Alami 100 g", expected_badge=1)
    page.goto(shop.url + "/?category=perawatan-diri")
    open_product(page, "Sabun Sereh Wangi Alami 100 g")
    assert focus_problems(page) == [], "product"

    go_to_cart(page)
    assert focus_problems(page) == [], "cart"

    page.goto(shop.url + "/checkout/")
    fill_checkout(page, phone=BAD_PHONE)
    submit_checkout(page)
    expect(page.locator("#phone")).to_be_focused()
    assert focus_problems(page) == [], "checkout with errors"

    page.locator("#phone").fill(CUSTOMER["phone"])
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    choose_method(page, "bca_va")
    page.locator("#back-to-merchant").click()
    expect_order_page(shop, page)
    assert focus_problems(page) == [], "order page"


def test_purchase_with_the_keyboard_alone(shop, page, shots):
    """Tab, Shift+Tab, Enter and typing only: no click anywhere, the sandbox's payment page included."""
    keyboard = page.keyboard
    page.goto(shop.url + "/")

    # The first Tab stop is the skip link, shown when focused; it jumps over the header.
    keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    shots(page, "skip-link")
    keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # Search by typing, then add the product with Enter; focus stays on the button after the swap.
    tab_to(page, "#search-q")
    keyboard.type("toraja")
    cards = page.locator("#product-results li.product-card")
    expect(cards).to_have_count(1)
    tab_to(page, "#product-results button[id^=add-button-]")
    keyboard.press("Enter")
    expect(page.locator("#cart-badge")).to_have_text("1")
    expect(page.locator("#product-results .add-result")).to_contain_text("Kopi Toraja")
    expect(page.locator("#product-results button[id^=add-button-]")).to_be_focused()
    shots(page, "added")

    # The result offers the way to the cart, right after the button.
    keyboard.press("Tab")
    assert focused(page, "#product-results .add-result a"), "the 'view cart' link follows the button"
    keyboard.press("Enter")
    expect(page.locator("#cart .cart-line")).to_have_count(1)

    # One more, typed into the quantity field and confirmed with Enter (no navigation needed).
    tab_to(page, "#cart input[id^=qty-line-]")
    keyboard.press("Control+A")
    keyboard.type("2")
    keyboard.press("Enter")
    expect(page.locator("#cart-badge")).to_have_text("2")
    expect(page.locator("#cart input[id^=qty-line-]")).to_be_focused()

    tab_to(page, "#cart a[href$='/checkout/']")
    keyboard.press("Enter")
    expect(page.locator("#checkout-form")).to_be_visible()

    # The form, field by field with Tab; a wrong phone number first.
    tab_to(page, "#name")
    values = {**CUSTOMER, "phone": BAD_PHONE}
    for index, field in enumerate(["name", "email", "phone"]):
        if index:
            keyboard.press("Tab")
        assert focused(page, f"#{field}"), f"Tab should lead from field to field, at #{field}"
        keyboard.type(values[field])
    # The address lists by keyboard: each choice loads the next list, which Tab then reaches.
    wait_for_htmx(page)
    for field, value in ADDRESS.items():
        keyboard.press("Tab")
        assert focused(page, f"#{field}"), f"Tab should lead to the #{field} list"
        with htmx_settles(page):
            page.locator(f"#{field}").select_option(value)  # what arrow keys on a focused list do
        if field in NEXT_LIST:
            expect(page.locator(f"#{NEXT_LIST[field]} option").nth(1)).to_be_attached()
    expect(page.locator("#shipping-services input[name=shipping_service]").first).to_be_visible()
    for field in ("postal_code", "address"):
        tab_to(page, f"#{field}")
        keyboard.type(values[field])
    tab_to(page, f"#shipping-services input[value='{SERVICE}']")
    keyboard.press("Space")
    expect(page.locator("#order-summary")).to_contain_text("JNE REG")
    tab_to(page, "#checkout-form button[type=submit]")
    keyboard.press("Enter")
    # The error summary is announced and the focus lands on the field to fix.
    expect(page.locator("#checkout-form .form-errors")).to_be_visible()
    expect(page.locator("#phone")).to_be_focused()
    keyboard.press("Control+A")
    keyboard.type(CUSTOMER["phone"])
    tab_to(page, "#checkout-form button[type=submit]")
    keyboard.press("Enter")

    # Midtrans's page (the sandbox), by keyboard too.
    expect_sandbox_page(shop, page)
    tab_to(page, "button[name=method][value=bca_va]")
    keyboard.press("Enter")
    expect(page.locator("#instructions")).to_be_visible()
    tab_to(page, "#pay")
    keyboard.press("Enter")

    expect_order_page(shop, page)
    expect_status(page, "paid")
    expect(page).to_have_url(re.compile(r"/orders/"))
    shots(page, "paid")
