"""The order page polls its status fragment every 2 s: 200 with an ETag, 304 while unchanged, 286 when final."""

from tests.support.helpers import force_sandbox_state, poll, signed_notification, the_order


def html_fragment(html, element_id):
    """The element with this id (a top-level section of the poll's answer), as text."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


def test_awaiting_order_polls_every_two_seconds(client, order):
    response = poll(client, order)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="order-status"')
    assert 'hx-trigger="every 2s"' in html and 'data-order-status="awaiting_payment"' in html
    assert response.headers["ETag"]
    assert response.headers["Cache-Control"] == "no-cache, private"


def test_unchanged_status_answers_304_with_no_body(client, order):
    etag = poll(client, order).headers["ETag"]
    response = poll(client, order, etag)
    assert response.status_code == 304
    assert response.data == b""


def test_paid_order_answers_286_with_the_final_fragment_and_no_trigger(client, sandbox, order):
    etag = poll(client, order).headers["ETag"]
    midtrans_order_id = order.current_attempt.midtrans_order_id
    force_sandbox_state(sandbox, midtrans_order_id, "settlement", "bank_transfer")
    client.post("/payments/notification", json=signed_notification(midtrans_order_id, "settlement", "190000.00"))
    response = poll(client, order, etag)
    html = response.get_data(as_text=True)
    assert response.status_code == 286
    assert 'data-order-status="paid"' in html and "hx-trigger" not in html
    assert response.headers["ETag"] != etag


def test_the_poll_brings_the_timeline_up_to_date_out_of_band(client, sandbox, order):
    """The page drew "paid" as a step still to come; the answer that says paid redraws the history too."""
    waiting = poll(client, order).get_data(as_text=True)
    timeline = html_fragment(waiting, "order-timeline")
    assert 'hx-swap-oob="true"' in timeline
    assert 'class="timeline__step" data-step="paid"' in timeline  # not done yet
    midtrans_order_id = order.current_attempt.midtrans_order_id
    force_sandbox_state(sandbox, midtrans_order_id, "settlement", "bank_transfer")
    client.post("/payments/notification", json=signed_notification(midtrans_order_id, "settlement", "190000.00"))
    paid = html_fragment(poll(client, order).get_data(as_text=True), "order-timeline")
    assert 'class="timeline__step timeline__step--done" data-step="paid"' in paid
    assert 'class="timeline__step" data-step="shipped"' in paid  # what comes next is still listed


def test_pending_instructions_change_the_etag(client, sandbox, order):
    etag = poll(client, order).headers["ETag"]
    midtrans_order_id = order.current_attempt.midtrans_order_id
    force_sandbox_state(sandbox, midtrans_order_id, "pending", "bank_transfer")
    client.post("/payments/notification", json=signed_notification(midtrans_order_id, "pending", "190000.00"))
    response = poll(client, order, etag)
    assert response.status_code == 200
    assert "va-number" in response.get_data(as_text=True)


def test_full_order_page_includes_the_same_polling_fragment(client, order):
    html = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert 'id="order-status"' in html and f'hx-get="/orders/{order.access_token}/status"' in html


def test_final_order_page_does_not_poll(client, sandbox, order):
    midtrans_order_id = order.current_attempt.midtrans_order_id
    force_sandbox_state(sandbox, midtrans_order_id, "settlement", "bank_transfer")
    client.post("/payments/notification", json=signed_notification(midtrans_order_id, "settlement", "190000.00"))
    html = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert 'data-order-status="paid"' in html and "every 2s" not in html


def test_forged_finish_redirect_changes_nothing(client, order):
    midtrans_order_id = order.current_attempt.midtrans_order_id
    response = client.get(
        f"/payments/finish?order_id={midtrans_order_id}&status_code=200&transaction_status=settlement"
    )
    assert response.status_code == 303  # this browser placed the order: back to its page
    assert the_order().payment_status == "awaiting_payment"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-order-status="awaiting_payment"' in page


def test_finish_redirect_from_another_browser_reveals_nothing(app, order):
    stranger = app.test_client()
    midtrans_order_id = order.current_attempt.midtrans_order_id
    response = stranger.get(
        f"/payments/finish?order_id={midtrans_order_id}&status_code=200&transaction_status=settlement"
    )
    assert response.status_code == 200
    assert order.access_token not in response.get_data(as_text=True)
    assert the_order().payment_status == "awaiting_payment"


def test_finish_without_parameters_returns_to_the_latest_order(client, order):
    # ShopeePay sends the shopper back with no query string at all.
    response = client.get("/payments/finish")
    assert response.status_code == 303 and order.access_token in response.headers["Location"]


def test_after_the_window_passes_the_page_offers_pay_now_which_starts_a_new_attempt(shopper, client, sandbox, order):
    from datetime import timedelta

    from storefront.extensions import db
    from storefront.models import utcnow

    etag = poll(client, order).headers["ETag"]
    attempt = order.current_attempt
    attempt.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = poll(client, order, etag)
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # the ETag changed with the window
    assert attempt.redirect_url not in html and f'action="/orders/{order.access_token}/pay"' in html

    again = shopper.post(f"/orders/{order.access_token}/pay")
    assert again.status_code == 303 and again.headers["Location"].startswith(sandbox.base_url)
    order = the_order()
    assert order.payment_status == "awaiting_payment" and order.attempt_count == 2 and order.stock_reserved
