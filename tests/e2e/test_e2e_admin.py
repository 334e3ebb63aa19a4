"""The back office in a real browser: a staff member signs in at /admin, finds orders (filter and search
update the list in place via htmx), works on an order a shopper paid through the Midtrans sandbox
(payment timeline, re-check, marking it shipped) and signs out.

The staff account is made the way a merchant makes one: `flask admin create <email>`, password typed twice.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.e2e import (
    add_from_grid,
    checkout_with_bad_phone_first,
    choose_method,
    expect_order_page,
    expect_status,
    go_to_cart,
    new_browser_context,
    search,
    stays_on_page,
)

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "staff@toko.example"
STAFF_PASSWORD = "kopi-gayo-dan-teh-tarik"
REFERENCE = re.compile(r"SF-[A-Z0-9]+")
ROWS = "#order-results tr[data-reference]"


# ---------------------------------------------------------------------------------------------------
# Fixtures: a staff account, and two orders placed by a shopper (one paid, one waiting for payment)
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def staff(shop):
    result = shop.flask("admin", "create", STAFF_EMAIL, input=f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n")
    assert result.returncode == 0, f"`flask admin create` failed:\n{result.stdout}\n{result.stderr}"
    assert f"Created staff account {STAFF_EMAIL}" in result.stdout
    return STAFF_EMAIL


def place_order(shop, page: Page, product: str, pay: bool) -> str:
    """The shopper buys `product` by BCA virtual account; pays it (or not). Returns the order reference."""
    search(shop, page, product)
    add_from_grid(page, product, expected_badge=1)
    go_to_cart(page)
    checkout_with_bad_phone_first(shop, page)
    choose_method(page, "bca_va")
    if pay:
        page.locator("#pay").click()
    else:
        page.locator("#back-to-merchant").click()
    expect_order_page(shop, page)
    expect_status(page, "paid" if pay else "awaiting_payment")
    return REFERENCE.search(page.locator("h1").inner_text()).group(0)


@pytest.fixture(scope="module")
def orders(shop, browser):
    """{"paid": reference, "awaiting": reference}, each from its own shopper (own cart). Products no other
    e2e test counts on: the shop (and its stock) is shared by the whole e2e package."""
    errors, references = [], {}
    for key, product, pay in (
        ("paid", "Emping Melinjo Pandeglang 250 g", True),
        ("awaiting", "Kerupuk Udang Sidoarjo 500 g", False),
    ):
        context = new_browser_context(browser, errors)
        try:
            references[key] = place_order(shop, context.new_page(), product, pay)
        finally:
            context.close()
    assert not errors, f"uncaught errors in the shopper's pages: {errors}"
    return references


# ---------------------------------------------------------------------------------------------------
# Staff steps
# ---------------------------------------------------------------------------------------------------


def open_sign_in_in_english(shop, page: Page):
    page.goto(shop.url + "/admin")
    page.wait_for_url(re.compile(re.escape(shop.url) + r"/admin/login(\?.*)?$"))
    page.locator(".lang-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Staff sign-in")


def submit_sign_in(page: Page, email: str, password: str):
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator(".admin-login button[type=submit]").click()


def sign_in(shop, page: Page, email=STAFF_EMAIL, password=STAFF_PASSWORD):
    open_sign_in_in_english(shop, page)
    submit_sign_in(page, email, password)
    to_orders_from_home(shop, page)


def to_orders_from_home(shop, page: Page):
    """Signed in from /admin: the back office's home (the overview), then its Orders tab."""
    page.wait_for_url(f"{shop.url}/admin/")
    expect(page.locator("h1")).to_have_text("Overview")
    page.locator(".admin-nav").get_by_role("link", name="Orders").click()
    page.wait_for_url(f"{shop.url}/admin/orders")
    expect(page.locator("h1")).to_have_text("Orders")


def row(page: Page, reference: str):
    return page.locator(f"{ROWS}[data-reference='{reference}']")


# ---------------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------------


def test_sign_in_then_filter_and_search_orders_in_place(shop, page, shots, staff, orders):
    open_sign_in_in_english(shop, page)

    # A wrong password: one generic message (it must not tell whether the account exists), password cleared.
    submit_sign_in(page, staff, "not-the-password")
    error = page.locator(".admin-login .notice--error[role=alert]")
    expect(error).to_have_text("E-mail or password is incorrect.")
    expect(page.locator("#email")).to_have_value(staff)
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator(".admin-nav")).to_have_count(0)
    shots(page, "sign-in-error")

    submit_sign_in(page, staff, STAFF_PASSWORD)
    to_orders_from_home(shop, page)
    expect(page.locator(".admin-nav__user")).to_have_text(staff)
    expect(row(page, orders["paid"])).to_have_count(1)
    expect(row(page, orders["awaiting"])).to_have_count(1)
    shots(page, "orders")

    # Filter by status: the list (not the page) is replaced, and the filter goes into the address bar.
    with stays_on_page(page):
        page.locator("#status").select_option("paid")
        expect(page).to_have_url(re.compile(r"/admin/orders\?.*status=paid"))
        expect(row(page, orders["awaiting"])).to_have_count(0)
        expect(row(page, orders["paid"])).to_have_count(1)
        for status_badge in page.locator(f"{ROWS} .status-badge").all():
            expect(status_badge).to_have_class(re.compile(r"status-badge--paid"))
        expect(page.locator("#order-results .chip[aria-current=page]")).to_have_attribute("data-status", "paid")
    shots(page, "orders-paid")

    # Search by reference (all statuses again): only that order is left.
    with stays_on_page(page):
        page.locator("#status").select_option("")
        expect(row(page, orders["awaiting"])).to_have_count(1)
        page.locator("#q").fill(orders["awaiting"])
        expect(page.locator(ROWS)).to_have_count(1)
        expect(row(page, orders["awaiting"])).to_have_count(1)
        expect(row(page, orders["awaiting"])).to_contain_text("Siti Rahmawati")

        page.locator("#q").fill("SF-NOSUCHORDER")
        expect(page.locator("#order-results .empty-state")).to_be_visible()
        expect(page.locator(ROWS)).to_have_count(0)
    shots(page, "orders-search")


def test_paid_order_timeline_recheck_and_ship(shop, page, shots, staff, orders):
    reference = orders["paid"]
    sign_in(shop, page)
    page.locator("#q").fill(reference)
    expect(page.locator(ROWS)).to_have_count(1)
    row(page, reference).locator("a").click()
    page.wait_for_url(f"{shop.url}/admin/orders/{reference}")

    detail = page.locator("#order-detail")
    expect(detail).to_have_attribute("data-order-status", "paid")
    expect(page.locator("h1")).to_have_text(f"Order {reference}")
    expect(detail.locator(".order-items tbody tr")).to_have_count(1)
    expect(detail.locator(".order-items tbody")).to_contain_text("Emping Melinjo Pandeglang 250 g")

    # The payment timeline: the sandbox's signed notification, applied.
    attempt = detail.locator("#attempt-1")
    events = attempt.locator("tr.admin-timeline__event")
    notification = events.filter(has=page.locator("td", has_text="Notification")).first
    expect(notification).to_be_visible()
    expect(notification).to_contain_text("settlement")
    expect(notification).to_contain_text("valid")
    expect(attempt.locator("tr.admin-timeline__event--applied")).not_to_have_count(0)
    before = events.count()
    shots(page, "order-detail")

    # Re-check with Midtrans: the fragment is re-rendered in place with a notice and one more event.
    with stays_on_page(page):
        attempt.get_by_role("button", name="Re-check with Midtrans").click()
        expect(detail.locator(".notice[role=status]")).to_contain_text("Midtrans was asked")
        expect(events).to_have_count(before + 1)
        expect(attempt.locator("tr[data-source=recheck]")).to_have_count(1)
        expect(attempt.locator("tr[data-source=recheck]")).to_contain_text("settlement")
        expect(detail).to_have_attribute("data-order-status", "paid")
    page.locator("#order-detail #attempt-1").scroll_into_view_if_needed()
    shots(page, "order-timeline")

    # Mark as shipped: carrier, tracking number and the "Yes, I am sure" box.
    ship = detail.locator("form.admin-action[action$='/ship']")
    with stays_on_page(page):
        ship.get_by_label("Carrier").fill("JNE")
        ship.get_by_label("Tracking number").fill("JNE0012345678")
        ship.get_by_label("Yes, I am sure").check()
        ship.get_by_role("button", name="Mark as shipped").click()
        expect(detail.locator(".notice[role=status]")).to_have_text("Marked as shipped.")
        expect(detail.locator(".admin-shipment")).to_contain_text("JNE")
        expect(detail.locator(".admin-shipment strong")).to_have_text("JNE0012345678")
        expect(detail.locator("form.admin-action[action$='/ship']")).to_have_count(0)  # cannot ship twice
        expect(detail.locator(".admin-audit")).to_contain_text("Shipped")
        expect(detail.locator(".admin-audit")).to_contain_text(staff)
    page.locator("#order-detail .admin-actions").scroll_into_view_if_needed()
    shots(page, "order-shipped")

    # Still shipped after a full reload (it was stored, not only shown).
    page.reload()
    expect(page.locator("#order-detail .admin-shipment strong")).to_have_text("JNE0012345678")


def test_sign_out_then_admin_asks_to_sign_in(shop, page, shots, staff):
    sign_in(shop, page)
    page.locator(".admin-nav").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(shop.url) + r"/admin/login(\?.*)?$"))
    expect(page.locator("body")).to_contain_text("You are signed out.")
    expect(page.locator(".admin-nav")).to_have_count(0)
    shots(page, "signed-out")

    for url in ("/admin", "/admin/orders"):
        page.goto(shop.url + url)
        page.wait_for_url(re.compile(re.escape(shop.url) + r"/admin/login\?next="))
        expect(page.locator("h1")).to_have_text("Staff sign-in")
        expect(page.locator("#email")).to_be_visible()
