"""The whole purchase in a real browser: cart -> checkout -> the Midtrans sandbox's payment page -> back to
the order page, which turns to paid by itself (htmx polling) once the sandbox's notification is confirmed.

Nothing here marks an order paid but the shop's /payments/notification handling of the sandbox's
signed notification: if that stopped working, every `expect_status(page, "paid")` would time out.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.support.e2e import (
    CUSTOMER,
    add_from_detail,
    add_from_grid,
    checkout_with_bad_phone_first,
    choose_method,
    expect_order_page,
    expect_sandbox_page,
    expect_status,
    fill_checkout,
    go_to_cart,
    open_product,
    order_status,
    order_url,
    pay_on_sandbox,
    reload_until_status,
    search,
    stays_on_page,
    submit_checkout,
)

pytestmark = pytest.mark.e2e


def cart_with(shop, page, name):
    search(shop, page, name)
    add_from_grid(page, name, expected_badge=1)
    go_to_cart(page)


def test_purchase_by_bca_va_order_page_turns_paid_by_itself(shop, page, context, shots):
    # Two products: one from the grid, one (×2) from its product page.
    search(shop, page, "Keripik Tempe")
    add_from_grid(page, "Keripik Tempe Malang 250 g", expected_badge=1)
    search(shop, page, "Sambal")
    open_product(page, "Sambal Bawang Pedas 200 g")
    add_from_detail(page, quantity=2, expected_badge=3)
    go_to_cart(page)
    shots(page, "cart")

    checkout_with_bad_phone_first(shop, page, shots)
    expect(page.locator("#amount")).to_have_text("Rp118.000")  # 28.000 + 2 × 35.000 + 20.000 shipping
    shots(page, "sandbox-methods")

    # BCA virtual account: the sandbox shows the number to transfer to. The shopper goes back to the
    # shop first, where the order waits for the money with the same number on it...
    choose_method(page, "bca_va")
    va_number = page.locator("#va-number").inner_text()
    shots(page, "sandbox-bca-va")
    page.locator("#back-to-merchant").click()
    expect_order_page(shop, page)
    expect_status(page, "awaiting_payment")
    expect(page.locator("#order-status .va-number")).to_have_text(va_number)
    shots(page, "order-awaiting-payment")

    # ... and pays "from the bank app" (a second tab on the sandbox page) while the order page stays
    # open: the order page must turn to paid by polling, without a reload.
    snap_url = page.locator("#order-status a.btn--primary").get_attribute("href")  # "Continue payment"
    bank = context.new_page()
    with stays_on_page(page):
        bank.goto(snap_url)
        bank.locator("#pay").click()
        expect_order_page(shop, bank)  # the sandbox sends that tab back to the shop too
        expect_status(page, "paid")
        expect(page.locator("#order-status .status-panel__message")).to_be_visible()
        # The history below the status box is redrawn by the same answer: paid is a step done.
        expect(page.locator("#order-timeline [data-step=paid]")).to_have_class(re.compile(r"timeline__step--done"))
    expect_status(bank, "paid")
    bank.close()
    shots(page, "order-paid")
    # Final: the page stops polling (the attribute is gone from the swapped-in panel).
    expect(order_status(page)).not_to_have_attribute("hx-trigger", "every 2s")


@pytest.mark.parametrize("method", ["qris", "gopay", "credit_card"])
def test_purchase_by_qris_gopay_and_card(shop, page, shots, method):
    cart_with(shop, page, {"qris": "Gula Aren", "gopay": "Madu Hutan", "credit_card": "Sabun Sereh"}[method])
    checkout_with_bad_phone_first(shop, page)
    choose_method(page, method)
    if method == "credit_card":
        shots(page, "sandbox-card")
    else:
        expect(page.locator("#qr")).to_be_visible()
        shots(page, "sandbox-qr")
    # Back in the shop right after paying: awaiting or already paid, it ends paid without a reload.
    if method == "credit_card":
        page.locator("input[name=card_number]").fill("4811 1111 1111 1114")
        page.locator("#pay-card").click()
    else:
        page.locator("#pay").click()
    expect_order_page(shop, page)
    with stays_on_page(page):
        expect_status(page, "paid")
    shots(page, "order-paid")


def test_expired_payment_then_pay_again(shop, page, shots):
    cart_with(shop, page, "Minyak Kayu Putih")
    checkout_with_bad_phone_first(shop, page)
    choose_method(page, "bca_va")
    page.locator("#expire").click()
    expect_order_page(shop, page)
    with stays_on_page(page):
        expect_status(page, "expired")
    shots(page, "order-expired")

    # "Pay again" reserves the items again and opens a new payment page.
    page.locator("#order-status button[type=submit]").click()
    expect_sandbox_page(shop, page)
    expect(page.locator("#order-id")).to_have_text(re.compile(r"-2$"))  # the order's second attempt
    pay_on_sandbox(shop, page, "bca_va")
    with stays_on_page(page):
        expect_status(page, "paid")


def test_continue_payment_from_the_order_page(shop, page, shots):
    cart_with(shop, page, "Lulur Mandi Rempah")
    checkout_with_bad_phone_first(shop, page)
    sandbox_page_url = page.url
    choose_method(page, "bni_va")
    # The shopper leaves the payment page and comes back to the order later, from its private link.
    page.locator("#back-to-merchant").click()
    expect_order_page(shop, page)
    link = order_url(page)
    page.goto(shop.url + "/")
    page.goto(link)
    expect_status(page, "awaiting_payment")
    continue_payment = page.locator("#order-status a.btn--primary")
    expect(continue_payment).to_have_attribute("href", sandbox_page_url)
    shots(page, "order-continue-payment")
    continue_payment.click()
    expect_sandbox_page(shop, page)
    expect(page.locator("#instructions")).to_be_visible()  # the method chosen before is still there
    page.locator("#pay").click()
    expect_order_page(shop, page)
    with stays_on_page(page):
        expect_status(page, "paid")


def test_purchase_without_javascript(shop, new_context, shots):
    """Plain forms and redirects: the shop works with JavaScript off; the order page needs a reload."""
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    search(shop, page, "Emping")
    page.locator("#product-results form.add-form button[type=submit]").click()
    # Without htmx the form posts and the server redirects to the cart, with a message.
    expect(page).to_have_url(f"{shop.url}/cart/")
    expect(page.locator(".flash--success")).to_contain_text("Emping")
    expect(page.locator("#cart-badge")).to_have_text("1")
    line = page.locator("#cart .cart-line")
    expect(line).to_have_count(1)
    line.locator("input[name=quantity]").fill("2")
    line.locator("button[id^=update-button-]").click()
    expect(page.locator("#cart-badge")).to_have_text("2")
    shots(page, "cart")

    page.locator("#cart a[href$='/checkout/']").click()
    fill_checkout(page, phone="0812")
    submit_checkout(page)
    expect(page.locator("#phone-error")).to_be_visible()
    expect(page.locator("#name")).to_have_value(CUSTOMER["name"])
    page.locator("#phone").fill(CUSTOMER["phone"])
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    expect(page.locator("#amount")).to_have_text("Rp130.000")  # 2 × 55.000 + 20.000
    pay_on_sandbox(shop, page, "bca_va")
    reload_until_status(page, "paid")
    shots(page, "order-paid")


def test_shop_in_english_after_the_footer_switch(shop, page, shots):
    page.goto(shop.url + "/?category=kopi-teh")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("h1")).to_have_text("Produk lokal dari seluruh Indonesia")
    page.locator(".site-footer button[name=lang][value=en]").click()
    # Back on the same page, now in English.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{shop.url}/?category=kopi-teh")
    expect(page.locator("h1")).to_have_text("Local goods from across Indonesia")
    expect(page.locator(".site-footer button[aria-current=true]")).to_have_text("English")
    shots(page, "catalog-english")
    # htmx fragments speak English too.
    name = "Teh Melati Tegal 100 g"
    add_from_grid(page, name, expected_badge=1)
    expect(page.locator("#product-results li.product-card", has_text=name).locator(".add-result")).to_contain_text(
        "added to your cart"
    )
    go_to_cart(page)
    expect(page.locator("h1")).to_have_text("Your cart")
    page.locator("#cart a[href$='/checkout/']").click()
    fill_checkout(page, phone="0812")
    submit_checkout(page)
    expect(page.locator("#phone-error")).to_contain_text("Indonesian mobile number")
    shots(page, "checkout-error-english")


def test_without_javascript_the_return_page_offers_a_check_status_link_instead_of_updating_itself(shop, new_context):
    page = new_context(java_script_enabled=False).new_page()
    search(shop, page, "Emping")
    page.locator("#product-results form.add-form button[type=submit]").click()
    page.locator("#cart a[href$='/checkout/']").click()
    fill_checkout(page)
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    snap_url = page.url
    page.goto(shop.url + "/payments/unfinish")  # back from Midtrans before paying
    expect_order_page(shop, page)
    expect(page.locator(".status-panel__message.js-only")).to_be_hidden()  # "updates by itself": not here
    check = page.locator("#check-status")
    expect(check).to_be_visible()
    expect(check).to_have_text("Cek status")
    expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)
    here = page.url

    page.goto(snap_url)
    pay_on_sandbox(shop, page, "bca_va")
    page.goto(here)
    for _ in range(30):  # bounded: the notification takes a moment
        if order_status(page).get_attribute("data-order-status") == "paid":
            break
        page.locator("#check-status").click()
        page.wait_for_load_state()
    expect_status(page, "paid", timeout=500)
    expect(page.locator("#check-status")).to_have_count(0)  # final: nothing left to check


def test_with_javascript_the_return_page_says_it_updates_itself_and_shows_no_link(shop, page):
    search(shop, page, "Emping")
    add_from_grid(page, "Emping Melinjo Pandeglang 250 g", expected_badge=1)  # the add is done before we leave
    go_to_cart(page)
    page.locator("#cart a[href$='/checkout/']").click()
    fill_checkout(page)
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    page.goto(shop.url + "/payments/unfinish")
    expect_order_page(shop, page)
    expect(page.locator(".status-panel__message.js-only")).to_be_visible()
    expect(page.locator("#check-status")).to_be_hidden()
