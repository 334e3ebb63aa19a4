"""The shop on a phone (390 × 844, Chromium): nothing scrolls sideways but the category chips, which say
so with a fade; button labels stay on one line; the total is read before the button that pays it."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.e2e import MOBILE, add_from_grid, fill_checkout, go_to_cart, open_product, search

pytestmark = pytest.mark.e2e

PAGE_SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"

# Each visible button's label: how many lines it takes (a Range's client rects, one per line box) and
# whether it stays inside the button's padding (a one-line label may not spill over its edges either).
BUTTON_LABELS = """() => [...document.querySelectorAll('.btn')]
  .filter(b => b.offsetParent !== null && b.textContent.trim())
  .map(b => {
    const range = document.createRange();
    range.selectNodeContents(b);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    const text = range.getBoundingClientRect(), box = b.getBoundingClientRect(), style = getComputedStyle(b);
    const inside = text.left >= box.left + parseFloat(style.paddingLeft) / 2 - 1
      && text.right <= box.right - parseFloat(style.paddingRight) / 2 + 1;
    return [b.textContent.trim(), tops.size, inside];
  })"""


@pytest.fixture
def phone(new_context):
    return new_context(viewport=MOBILE, is_mobile=True, has_touch=True).new_page()


def assert_fits_the_screen(page: Page, where: str):
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS), f"{where}: the page scrolls sideways on a phone"
    labels = page.evaluate(BUTTON_LABELS)
    wrapped = [label for label, lines, _inside in labels if lines > 1]
    assert not wrapped, f"{where}: button labels wrap onto two lines: {wrapped}"
    spilled = [label for label, _lines, inside in labels if not inside]
    assert not spilled, f"{where}: button labels spill over the button's edges: {spilled}"


def top_of(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not visible"
    return box["y"]


def test_catalog_chips_scroll_sideways_with_a_visible_hint_and_nothing_else_does(shop, phone):
    phone.goto(shop.url + "/")
    assert_fits_the_screen(phone, "catalog")
    chips = phone.locator(".category-filter")
    assert chips.evaluate("el => el.scrollWidth > el.clientWidth"), "the chips fit: nothing to hint at"
    assert chips.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    hint = phone.locator(".chip-scroller").evaluate(
        "el => { const s = getComputedStyle(el, '::after'); return [s.content, s.backgroundImage, s.width]; }"
    )
    assert hint[0] != "none" and "gradient" in hint[1] and float(hint[2].rstrip("px")) > 16, hint
    # The last chip can be scrolled fully into view, out from under the fade.
    last = phone.locator(".category-filter .chip").last
    last.scroll_into_view_if_needed()
    chips.evaluate("el => el.scrollTo({left: el.scrollWidth})")
    box, screen = last.bounding_box(), phone.viewport_size
    assert box["x"] + box["width"] <= screen["width"] - 16
    assert not phone.evaluate(PAGE_SCROLLS_SIDEWAYS)


# Products no other browser test counts the stock of (the e2e database is shared by the package).
CART_ONLY = "Songket Palembang Benang Emas"
ORDERED = "Wayang Kulit Mini Arjuna"


def test_product_page_and_cart_fit_a_phone(shop, phone):
    search(shop, phone, CART_ONLY)
    open_product(phone, CART_ONLY)
    assert_fits_the_screen(phone, "product page")
    search(shop, phone, CART_ONLY)
    add_from_grid(phone, CART_ONLY, expected_badge=1)
    go_to_cart(phone)
    assert_fits_the_screen(phone, "cart")


def test_the_total_comes_before_the_pay_buttons_on_checkout_and_the_order_page(shop, phone):
    search(shop, phone, ORDERED)
    add_from_grid(phone, ORDERED, expected_badge=1)
    phone.goto(shop.url + "/checkout/")
    assert_fits_the_screen(phone, "checkout")
    assert top_of(phone, ".order-summary .summary-row--total") < top_of(phone, "#checkout-form button[type=submit]")

    fill_checkout(phone)
    phone.locator("#checkout-form button[type=submit]").click()
    phone.wait_for_url(f"{shop.sandbox_url}/snap/**")
    # Back from Midtrans's page without paying: the order page, with its "continue payment" button.
    phone.goto(shop.url + "/payments/unfinish")
    expect(phone.locator("#order-status")).to_have_attribute("data-order-status", "awaiting_payment")
    assert_fits_the_screen(phone, "order page")
    total = phone.locator("#order-status .status-panel__total")
    expect(total).to_contain_text("Rp")
    assert top_of(phone, "#order-status .status-panel__total") < top_of(phone, "#order-status .actions .btn")
