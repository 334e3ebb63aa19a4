"""One order in the back office: items, customer, every payment attempt with its timeline of events."""

from tests.support.admin import choose_method, settle
from tests.support.helpers import signed_notification, the_order


def test_order_page_shows_items_customer_and_attempts(admin, placed):
    html = admin.order_page(placed.reference)
    assert 'id="order-detail"' in html and 'data-order-status="awaiting_payment"' in html
    assert "Kopi Gayo" in html and "Rp190.000" in html
    assert "siti@example.co.id" in html and "+6281234567890" in html and "Jl. Malioboro No. 12" in html
    assert placed.current_attempt.midtrans_order_id in html
    assert "Nothing received from Midtrans for this attempt yet." in html


def test_unknown_reference_is_404(admin):
    assert admin.get("/admin/orders/SF-NOPE").status_code == 404


def test_timeline_shows_each_event_with_its_source_signature_and_outcome(client, admin, sandbox, placed):
    midtrans_order_id = placed.current_attempt.midtrans_order_id
    settle(sandbox, placed)
    assert (
        client.post(
            "/payments/notification", json=signed_notification(midtrans_order_id, "settlement", "190000.00")
        ).status_code
        == 200
    )
    forged = signed_notification(midtrans_order_id, "settlement", "1000.00")
    client.post("/payments/notification", json=forged)  # amount mismatch: recorded, not applied
    html = admin.order_page(placed.reference)
    assert html.count('class="admin-timeline__event') == 3
    assert html.count('data-source="notification"') == 2 and html.count('data-source="status"') == 1
    assert "admin-timeline__event--applied" in html
    assert "Order: Awaiting payment → Paid" in html
    assert "Rejected: the amount does not match the order" in html
    assert "not signed (our call)" in html and ">valid<" in html
    assert "signature_key" not in html


def test_timeline_lists_every_attempt_newest_first(client, admin, sandbox, placed, shopper):
    from tests.support.admin import force_sandbox_state

    choose_method(sandbox, placed)
    force_sandbox_state(sandbox, placed.current_attempt.midtrans_order_id, "expire")
    admin.act(placed.reference, "recheck", confirm=False)
    assert the_order().payment_status == "expired"
    shopper.post(f"/orders/{placed.access_token}/pay")
    order = the_order()
    assert order.attempt_count == 2
    html = admin.order_page(order.reference)
    assert html.index('id="attempt-2"') < html.index('id="attempt-1"')
