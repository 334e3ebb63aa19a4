"""Refunds by line: a quantity of each item, priced from the order's own lines (never from the form),
optionally putting exactly those units back on sale; the amount field starts empty; the amount is shown
in rupiah beside the confirmation and in the result."""

import re

import pytest

from storefront.extensions import db
from storefront.inventory import StockMovement
from storefront.payments.models import Refund, RefundLine
from tests.support.admin import settle, stock_of
from tests.support.helpers import make_product, sandbox_transaction, the_order


@pytest.fixture
def teh(app):
    return make_product("Teh Tarik", price=30000, stock=5)


@pytest.fixture
def two_lines(shopper, kopi, teh, admin, sandbox):
    """2 x Kopi Gayo (Rp85.000) + 1 x Teh Tarik (Rp30.000), paid with QRIS (refundable through Midtrans)."""
    shopper.add(kopi.id, 2)
    shopper.add(teh.id, 1)
    assert shopper.checkout().status_code == 303
    order = the_order()
    settle(sandbox, order, "qris")
    admin.act(order.reference, "recheck", confirm=False)
    assert the_order().payment_status == "paid"
    return the_order()


def line_id(order, name):
    return next(item.id for item in order.items if item.product_name == name)


def line_refund(admin, order, quantities, *, restock=False, confirm=True, amount=""):
    data = {f"line_{line_id(order, name)}": qty for name, qty in quantities.items()}
    data |= {
        "amount_idr": amount,
        "reason": "",
        "request_token": admin.form_value(order.reference, "refund-request_token"),
    }
    if restock:
        data["restock"] = "y"
    return admin.act(order.reference, "refund", data, confirm=confirm)


def input_value(html, name):
    [tag] = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else ""


def test_the_refund_amount_starts_empty_and_each_item_has_a_quantity(admin, two_lines):
    html = admin.order_page(two_lines.reference)
    assert input_value(html, "refund-amount_idr") == ""
    assert input_value(html, f"refund-line_{line_id(two_lines, 'Kopi Gayo')}") == ""
    assert "2 of 2 can be refunded, Rp85.000 each" in html


def test_one_unit_of_one_line_is_refunded_at_its_price_and_exactly_that_unit_restocked(
    admin, sandbox, two_lines, kopi, teh
):
    kopi_before, teh_before = stock_of(kopi.id), stock_of(teh.id)
    response = line_refund(admin, two_lines, {"Kopi Gayo": 1}, restock=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Refund of Rp85.000 made through Midtrans." in response.get_data(as_text=True)
    [refund] = db.session.execute(db.select(Refund)).scalars().all()
    assert refund.amount_idr == 85000 and refund.status == "succeeded"
    assert [(line.item.product_name, line.quantity) for line in refund.lines] == [("Kopi Gayo", 1)]
    assert sandbox_transaction(sandbox, two_lines.current_attempt.midtrans_order_id)["refund_amount"] == "85000.00"
    assert (stock_of(kopi.id), stock_of(teh.id)) == (kopi_before + 1, teh_before)
    [movement] = db.session.execute(db.select(StockMovement)).scalars().all()
    assert (movement.product_id, movement.delta, movement.reason) == (kopi.id, 1, "refund")
    assert the_order().payment_status == "partially_refunded"
    # What is left: 1 Kopi, 1 Teh.
    html = admin.order_page(two_lines.reference)
    assert "1 of 2 can be refunded, Rp85.000 each" in html


def test_more_units_than_are_left_are_refused_beside_the_field(admin, two_lines):
    response = line_refund(admin, two_lines, {"Teh Tarik": 2})
    assert response.status_code == 422
    assert "From 0 to 1." in response.get_data(as_text=True)
    assert db.session.execute(db.select(Refund)).first() is None


def test_an_unticked_confirmation_shows_the_amount_in_rupiah_and_keeps_the_quantities(admin, two_lines):
    response = line_refund(admin, two_lines, {"Kopi Gayo": 2, "Teh Tarik": 1}, confirm=False)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This refund: Rp200.000" in html and "Tick the box to confirm." in html
    assert input_value(html, f"refund-line_{line_id(two_lines, 'Kopi Gayo')}") == "2"


def test_lines_and_an_amount_together_are_refused(admin, two_lines):
    response = line_refund(admin, two_lines, {"Kopi Gayo": 1}, amount="5000")
    assert response.status_code == 422
    assert "Leave the amount empty when refunding items" in response.get_data(as_text=True)


def test_neither_lines_nor_an_amount_asks_for_one(admin, two_lines):
    response = line_refund(admin, two_lines, {})
    assert response.status_code == 422
    assert "Enter the amount, or how many of an item to refund." in response.get_data(as_text=True)


def test_a_refund_of_an_amount_with_restock_puts_back_only_units_not_restocked_yet(admin, two_lines, kopi, teh):
    kopi_before, teh_before = stock_of(kopi.id), stock_of(teh.id)
    assert line_refund(admin, two_lines, {"Kopi Gayo": 1}, restock=True).status_code == 200
    token = admin.form_value(two_lines.reference, "refund-request_token")
    data = {"amount_idr": 10000, "reason": "Ongkir", "request_token": token, "restock": "y"}
    assert admin.act(two_lines.reference, "refund", data).status_code == 200
    # 1 Kopi went back with the line refund; the rest (1 Kopi, 1 Teh) with the second, never twice.
    assert (stock_of(kopi.id), stock_of(teh.id)) == (kopi_before + 2, teh_before + 1)
    assert db.session.execute(db.select(db.func.count(RefundLine.id))).scalar_one() == 1
