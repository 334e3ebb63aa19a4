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


# In front of Flask (storefront/repeat_answers.py; the poll's route: orders/poll_answers.py) a repeated poll is
# answered from the one row it reads: the 304, or the fragment, Flask gave for the same ETag. What a browser
# sees must be what Flask would send.


def flask_handled(app):
    """Counts the requests that reached Flask (an answer given again starts none)."""
    from flask import request_started

    seen = []
    request_started.connect(lambda sender, **extra: seen.append(1), app, weak=False)
    return seen


def test_a_repeated_poll_gets_exactly_what_flask_drew_for_the_same_state(app, client, order):
    reached_flask = flask_handled(app)
    drawn = poll(client, order)
    again = poll(client, order)
    assert len(reached_flask) == 1  # the second answer was given again, in front of Flask
    assert (again.status, again.data) == (drawn.status, drawn.data)
    assert again.headers.to_wsgi_list() == drawn.headers.to_wsgi_list()


def test_a_repeated_304_is_the_one_flask_gave(app, client, order):
    etag = poll(client, order).headers["ETag"]
    reached_flask = flask_handled(app)
    by_flask, given_again = poll(client, order, etag), poll(client, order, etag)
    assert len(reached_flask) == 1
    assert by_flask.status_code == given_again.status_code == 304
    assert given_again.headers.to_wsgi_list() == by_flask.headers.to_wsgi_list()
    assert given_again.headers["ETag"] == etag and given_again.data == b""


def test_a_compressed_fragment_is_given_only_to_browsers_that_accept_it(app, client, order):
    gzip = {"HX-Request": "true", "Accept-Encoding": "gzip"}
    url = f"/orders/{order.access_token}/status"
    compressed = [client.get(url, headers=gzip) for _ in range(2)]
    plain = [client.get(url, headers={"HX-Request": "true"}) for _ in range(2)]
    assert [r.headers.get("Content-Encoding") for r in compressed + plain] == ["gzip", "gzip", None, None]
    assert compressed[1].data == compressed[0].data and plain[1].data == plain[0].data
    assert b'id="order-status"' in plain[1].data


def test_a_fragment_with_a_pay_form_is_drawn_for_each_browser_with_its_own_token(app, client, order):
    """Once the time to pay has passed the fragment offers "Pay now", a form with the session's CSRF token:
    a second browser polling the same order must get its own token, never the first one's."""
    from datetime import timedelta

    from flask import g

    from storefront.extensions import db
    from storefront.models import utcnow

    order.current_attempt.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    other_browser = app.test_client()
    tokens = []
    for browser in (client, other_browser, client):
        g.pop("csrf_token", None)  # the test's app context outlives requests: forget the last one's token
        html = poll(browser, order).get_data(as_text=True)
        assert f'action="/orders/{order.access_token}/pay"' in html
        tokens.append(html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0])
    assert tokens[0] != tokens[1]  # each browser's own session
    g.pop("csrf_token", None)
    assert other_browser.post(f"/orders/{order.access_token}/pay", data={"csrf_token": tokens[0]}).status_code == 400


def test_each_language_gets_its_own_fragment_and_etag(app, client, order):
    import flask_babel

    reached_flask = flask_handled(app)
    indonesian = poll(client, order)
    client.set_cookie("lang", "en")
    flask_babel.refresh()  # the test's app context outlives requests: forget the last one's language
    english = poll(client, order)
    assert len(reached_flask) == 2
    assert english.headers["ETag"] != indonesian.headers["ETag"]
    assert "Please pay before" in english.get_data(as_text=True)
    assert "Please pay before" not in indonesian.get_data(as_text=True)
    assert poll(client, order, indonesian.headers["ETag"]).status_code == 200  # not the English page's 304
    client.set_cookie("lang", "xx")  # anything else is the default language
    assert poll(client, order, indonesian.headers["ETag"]).status_code == 304


def order_placed_in(app):
    """An order placed through this app's checkout (for tests that build the app with other settings)."""
    from tests.support.helpers import Shopper, make_product

    shopper = Shopper(app.test_client())
    shopper.add(make_product("Kopi Gayo", price=85000, stock=10).id, 2)
    assert shopper.checkout().status_code == 303
    return shopper.client, the_order()


def test_in_front_of_flask_what_flask_refuses_is_still_refused(make_app):
    with make_app(TESTING=False, SECRET_KEY="p" * 40, PUBLIC_URL="http://localhost") as app:
        browser, order = order_placed_in(app)
        url = f"/orders/{order.access_token}/status"
        assert poll(browser, order).status_code == 200  # remembered
        assert browser.get(url, headers={"Host": "evil.example"}).status_code == 400  # not the shop's address
        assert poll(browser, order).status_code == 200
        assert browser.get("/orders/no-such-order/status").status_code == 404
        assert browser.head(url).status_code == 200


def test_over_https_an_answer_given_again_carries_hsts_as_flasks_does(make_app):
    with make_app(PROXY_COUNT=1) as app:
        browser, order = order_placed_in(app)
        https = {"HX-Request": "true", "X-Forwarded-Proto": "https"}
        url = f"/orders/{order.access_token}/status"
        drawn = browser.get(url, headers=https)
        again = browser.get(url, headers=https)
        plain = browser.get(url, headers={"HX-Request": "true"})
    assert "Strict-Transport-Security" in drawn.headers
    assert again.headers.to_wsgi_list() == drawn.headers.to_wsgi_list()
    assert "Strict-Transport-Security" not in plain.headers
