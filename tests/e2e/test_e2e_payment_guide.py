"""Paying a VA in a real browser: after choosing BCA VA the order page shows the bank's steps and a
copy button that puts the number on the clipboard; without JavaScript the button is not there (the
number is still shown to select by hand)."""

import pytest
from playwright.sync_api import expect

from tests.support.e2e import (
    add_from_grid,
    choose_method,
    expect_order_page,
    expect_sandbox_page,
    fill_checkout,
    search,
    submit_checkout,
)

pytestmark = pytest.mark.e2e


def order_waiting_for_a_bca_transfer(shop, page):
    # A product no other browser test counts the stock of (the e2e database is shared by the package).
    search(shop, page, "Tas Anyaman")
    add_from_grid(page, "Tas Anyaman Rotan Bulat Bali", expected_badge=1)
    page.goto(shop.url + "/checkout/")
    fill_checkout(page)
    submit_checkout(page)
    expect_sandbox_page(shop, page)
    choose_method(page, "bca_va")
    va_number = page.locator("#va-number").inner_text()
    page.locator("#back-to-merchant").click()
    expect_order_page(shop, page)
    expect(page.locator("#order-status .va-number")).to_have_text(va_number)
    return va_number


def test_the_copy_button_copies_the_va_number_and_the_steps_are_shown(shop, new_context):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    va_number = order_waiting_for_a_bca_transfer(shop, page)

    atm = page.locator("#order-status details[data-channel=atm]")
    expect(atm).to_have_attribute("open", "")
    expect(atm.locator("li").nth(2)).to_contain_text(va_number)
    page.locator("#order-status details[data-channel=mobile] summary").click()
    expect(page.locator("#order-status details[data-channel=mobile] li").first).to_be_visible()

    copy = page.locator("#order-status button[data-copy]")
    expect(copy).to_be_visible()
    copy.click()
    expect(copy).to_have_text("Tersalin")
    assert page.evaluate("navigator.clipboard.readText()") == va_number
    expect(copy).to_have_text("Salin", timeout=5000)


def test_without_javascript_there_is_no_copy_button_but_the_number_and_steps(shop, new_context):
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    va_number = order_waiting_for_a_bca_transfer(shop, page)
    order_url = page.url.split("?")[0]

    no_js = new_context(java_script_enabled=False).new_page()
    no_js.goto(order_url)
    expect(no_js.locator("#order-status .va-number")).to_have_text(va_number)
    expect(no_js.locator("#order-status button[data-copy]")).to_be_hidden()
    expect(no_js.locator("#order-status details[data-channel=atm] li").first).to_be_visible()
