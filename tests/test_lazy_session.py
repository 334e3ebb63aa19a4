"""The session cookie is verified and decoded only by requests that use the session.

The status poll (every 2 s per open order page) and Midtrans's notifications never read it, so they
must not pay for opening it; every request that does use it must still see and keep its contents.
"""

import pytest

from storefront.lazy_session import LazySessionInterface
from tests.support.helpers import poll, signed_notification


class CountingSessionInterface(LazySessionInterface):
    def __init__(self):
        self.opened = 0

    def decode_session(self, app, request):
        self.opened += 1
        return super().decode_session(app, request)


@pytest.fixture
def opened(app):
    interface = CountingSessionInterface()
    app.session_interface = interface
    return interface


def test_status_poll_and_notifications_never_open_the_session(client, order, opened):
    etag = poll(client, order).headers["ETag"]
    assert poll(client, order, etag).status_code == 304
    attempt = order.current_attempt
    duplicate = signed_notification(attempt.midtrans_order_id, "pending", "190000.00")
    client.post("/payments/notification", json=duplicate)
    assert opened.opened == 0


def test_pages_that_use_the_session_open_it_once_and_keep_what_it_holds(shopper, product, opened):
    shopper.add(product.id, 2)
    page = shopper.client.get("/cart/")
    assert product.name in page.get_data(as_text=True)
    assert 'value="2"' in page.get_data(as_text=True)
    before = opened.opened
    shopper.client.get("/cart/")
    assert opened.opened == before + 1


def test_a_request_that_never_read_the_session_leaves_the_cookie_alone(client, order, opened):
    response = poll(client, order)
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.vary
