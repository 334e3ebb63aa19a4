"""Back-office fixtures: a staff account, a signed-in staff browser, and orders in every payment state,
made the way shoppers and Midtrans make them (checkout through the shop, the sandbox over real HTTP)."""

import flask_babel
import pytest
from flask import g

from storefront.admin.accounts import create_staff
from tests.support.admin import STAFF_EMAIL, STAFF_PASSWORD, StaffBrowser
from tests.support.helpers import make_product, the_order


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    """The `app` fixture keeps one app context (and one `g`) for the whole test, so the test client's
    requests share it. Forget what extensions cache on `g` per request, as a fresh context would: the
    locale (see tests/test_i18n.py) and the CSRF token (these tests use two browsers)."""

    def forget():
        flask_babel.refresh()
        g.pop("csrf_token", None)

    app.before_request(forget)


@pytest.fixture
def staff(app):
    return create_staff(STAFF_EMAIL, STAFF_PASSWORD)


@pytest.fixture
def admin(app, staff):
    browser = StaffBrowser(app.test_client())
    assert browser.sign_in().status_code == 303
    return browser


@pytest.fixture
def kopi(app):
    return make_product("Kopi Gayo", price=85000, stock=10)


@pytest.fixture
def placed(shopper, kopi):
    """An order of 2 x Rp85.000 + Rp20.000 shipping = Rp190.000, with a Snap page at the sandbox."""
    shopper.add(kopi.id, 2)
    assert shopper.checkout().status_code == 303
    return the_order()


@pytest.fixture
def smtp(app):
    """A mail server the app sends to (no TLS, no login), and the merchant's address set."""
    from tests.support.fake_smtp import FakeSMTPServer

    with FakeSMTPServer() as server:
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=server.port,
            MAIL_USE_TLS=False,
            MAIL_FROM="Toko Nusantara <toko@toko.example>",
            MERCHANT_EMAIL="owner@toko.example",
        )
        yield server
