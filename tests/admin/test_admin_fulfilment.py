"""Fulfilment is its own state: shipped and delivered by staff, never changing money, and still possible
after part of the order was refunded. The shopper's page and e-mails follow it."""

import re

import pytest

from storefront.extensions import db
from storefront.order_status import FULFILMENT_TRANSITIONS, FulfilmentStatus, can_move_fulfilment
from storefront.shipping import Shipment
from tests.support.admin import settle
from tests.support.helpers import the_order

F = FulfilmentStatus


def paid_order(admin, sandbox, order, payment_type):
    settle(sandbox, order, payment_type)
    admin.act(order.reference, "recheck", confirm=False)
    assert the_order().payment_status == "paid"
    return the_order()


def manual_refund(admin, order, amount):
    data = {
        "amount_idr": amount,
        "bank_name": "BCA",
        "account_number": "1234567890",
        "account_holder": "Siti Rahmawati",
        "paid_out_by": "Dewi (finance)",
        "reason": "Satu barang rusak",
        "request_token": admin.form_value(order.reference, "manual-request_token"),
    }
    return admin.act(order.reference, "manual-refund", data, prefix="manual")


def shopper_page(client, order):
    return client.get(f"/orders/{order.access_token}").get_data(as_text=True)


@pytest.mark.parametrize(("current", "new"), [(c, n) for c in F for n in F])
def test_fulfilment_moves_only_as_the_table_allows(current, new):
    assert can_move_fulfilment(current, new) == (new in FULFILMENT_TRANSITIONS[current])
    # Nothing ever goes back to "not shipped".
    assert not can_move_fulfilment(current, F.UNFULFILLED)


def test_a_partially_refunded_va_order_can_still_be_shipped_and_delivered(admin, sandbox, placed, client):
    order = paid_order(admin, sandbox, placed, "bank_transfer")
    assert manual_refund(admin, order, 50000).status_code == 200
    order = the_order()
    assert order.payment_status == "partially_refunded"
    assert "Mark as shipped" in admin.order_page(order.reference)

    response = admin.act(order.reference, "ship", {"carrier": "JNE REG", "tracking_number": "JN0012345678"})
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    assert 'data-order-status="partially_refunded"' in html and 'data-fulfilment-status="shipped"' in html
    order = the_order()
    # Shipping never changes money.
    assert (order.payment_status, order.fulfilment_status) == ("partially_refunded", "shipped")
    page = shopper_page(client, order)
    assert 'data-order-status="partially_refunded"' in page and 'data-fulfilment-status="shipped"' in page

    assert "Mark as delivered" in admin.order_page(order.reference)
    response = admin.act(order.reference, "deliver")
    assert response.status_code == 200
    order = the_order()
    assert order.fulfilment_status == "delivered"
    assert db.session.execute(db.select(Shipment)).scalar_one().delivered_at is not None
    page = shopper_page(client, order)
    assert 'data-fulfilment-status="delivered"' in page
    assert "Mark as delivered" not in admin.order_page(order.reference)
    # The shopper's timeline: every step reached, in order, the refund with its amount, the courier's link.
    assert steps(page) == [("placed", True), ("paid", True), ("refund", True), ("shipped", True), ("delivered", True)]
    assert "Rp50.000" in timeline(page)
    assert 'href="https://www.jne.co.id/id/tracking/trace/JN0012345678"' in timeline(page)


def timeline(page):
    return page[page.index('id="order-timeline"') : page.index("</section>", page.index('id="order-timeline"'))]


def steps(page):
    return [
        (kind, "timeline__step--done" in classes)
        for classes, kind in re.findall(r'class="(timeline__step[^"]*)" data-step="(\w+)"', timeline(page))
    ]


def test_the_timeline_shows_what_comes_next_while_the_order_is_under_way(admin, sandbox, placed, client):
    assert steps(shopper_page(client, placed)) == [
        ("placed", True),
        ("paid", False),
        ("shipped", False),
        ("delivered", False),
    ]
    order = paid_order(admin, sandbox, placed, "gopay")
    admin.act(order.reference, "ship", {"carrier": "Kurir toko", "tracking_number": "TK-77"})
    page = shopper_page(client, the_order())
    assert steps(page) == [("placed", True), ("paid", True), ("shipped", True), ("delivered", False)]
    # An unknown carrier is plain text: its name and the number, no link.
    assert "Kurir toko" in timeline(page) and "TK-77" in timeline(page) and "data-courier-link" not in timeline(page)


def test_delivered_needs_a_shipment_and_a_ticked_box(admin, sandbox, placed):
    order = paid_order(admin, sandbox, placed, "gopay")
    assert "Mark as delivered" not in admin.order_page(order.reference)
    assert admin.act(order.reference, "deliver").status_code == 422
    assert the_order().fulfilment_status == "unfulfilled"
    admin.act(order.reference, "ship", {"tracking_number": "SCP123"})
    assert admin.act(order.reference, "deliver", confirm=False).status_code == 422
    assert the_order().fulfilment_status == "shipped"


def test_an_unpaid_order_is_neither_shipped_nor_delivered(admin, placed, client):
    assert admin.act(placed.reference, "ship", {"tracking_number": "JNE1"}).status_code == 422
    assert admin.act(placed.reference, "deliver").status_code == 422
    assert the_order().fulfilment_status == "unfulfilled"
    assert 'data-fulfilment-status="unfulfilled"' in shopper_page(client, placed)


def test_shipped_and_delivered_e_mails_link_to_the_order_page(admin, sandbox, placed, app):
    from storefront.mail.models import OutboxMessage

    order = paid_order(admin, sandbox, placed, "gopay")
    admin.act(order.reference, "ship", {"carrier": "J&T EZ", "tracking_number": "JT998877"})
    admin.act(order.reference, "deliver")
    db.session.rollback()
    kinds = [m.kind for m in db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()]
    assert kinds[-2:] == ["shipped", "delivered"]
    from storefront.mail.messages import render

    for message in db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.kind.in_(["shipped", "delivered"]))
    ).scalars():
        with app.test_request_context():
            _subject, body = render(message)
        assert f"/orders/{order.access_token}" in body


def test_a_shipped_or_delivered_parcel_can_be_marked_returned_once(admin, sandbox, placed, kopi):
    from tests.support.admin import stock_of

    order = paid_order(admin, sandbox, placed, "gopay")
    assert "Mark as returned" not in admin.order_page(order.reference)
    assert admin.act(order.reference, "return").status_code == 422
    admin.act(order.reference, "ship", {"tracking_number": "SCP123"})
    admin.act(order.reference, "deliver")
    stock = stock_of(kopi.id)
    response = admin.act(order.reference, "return")
    assert response.status_code == 200
    assert 'data-fulfilment-status="returned"' in response.get_data(as_text=True)
    order = the_order()
    # Money and stock stay as they were: staff refund and restock with the refund form.
    assert (order.payment_status, order.fulfilment_status) == ("paid", "returned")
    assert stock_of(kopi.id) == stock
    assert admin.act(order.reference, "return").status_code == 422
    assert "Mark as returned" not in admin.order_page(order.reference)


def test_a_return_has_its_time_on_the_shoppers_timeline_and_in_the_back_office(admin, sandbox, placed, client):
    order = paid_order(admin, sandbox, placed, "qris")
    admin.act(order.reference, "ship", {"carrier": "JNE REG", "tracking_number": "JN0099"})
    admin.act(order.reference, "deliver")
    assert admin.act(order.reference, "return").status_code == 200
    shipment = db.session.execute(db.select(Shipment)).scalar_one()
    assert shipment.returned_at is not None and shipment.returned_at >= shipment.delivered_at
    # The delivery stays in the history; the return comes after it, and nothing is "still to come".
    page = shopper_page(client, the_order())
    assert steps(page) == [("placed", True), ("paid", True), ("shipped", True), ("delivered", True), ("returned", True)]
    returned = timeline(page)[timeline(page).index('data-step="returned"') :]
    assert "Dikembalikan" in returned and "Paket sudah kembali ke toko." in returned
    assert "WIB" in returned  # its time, in the store's zone
    assert re.search(r"Returned \d+ \w+ \d{4}, \d{2}:\d{2} WIB", admin.order_page(order.reference))


def test_a_parcel_returned_before_delivery_shows_no_delivery_to_come(admin, sandbox, placed, client):
    order = paid_order(admin, sandbox, placed, "gopay")
    admin.act(order.reference, "ship", {"tracking_number": "SCP404"})
    assert admin.act(order.reference, "return").status_code == 200
    assert steps(shopper_page(client, the_order())) == [
        ("placed", True),
        ("paid", True),
        ("shipped", True),
        ("returned", True),
    ]


def test_a_return_recorded_before_its_time_was_kept_shows_without_a_made_up_time(admin, sandbox, placed, client):
    order = paid_order(admin, sandbox, placed, "gopay")
    admin.act(order.reference, "ship", {"tracking_number": "SCP405"})
    admin.act(order.reference, "return")
    shipment = db.session.execute(db.select(Shipment)).scalar_one()
    shipment.returned_at = None  # as the migration leaves a return marked before the column existed
    db.session.commit()
    page = shopper_page(client, the_order())
    assert steps(page)[-1] == ("returned", True)
    returned = timeline(page)[timeline(page).index('data-step="returned"') :]
    assert "timeline__when" not in returned
