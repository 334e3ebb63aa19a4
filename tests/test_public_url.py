"""One public address: every absolute URL that leaves the shop is built from PUBLIC_URL, never from the
Host or X-Forwarded-Host a client sent; outside debug and testing any other Host is refused."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from storefront import create_app
from storefront.config import ConfigError
from storefront.urls import public_url
from tests.support.helpers import Shopper, make_product, sandbox_transaction, the_order

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_HEADERS = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


def _hostile_shopper(app):
    shopper = Shopper(app.test_client())
    shopper.client.environ_base.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in HOSTILE_HEADERS.items()})
    return shopper


def test_snap_finish_and_notification_urls_come_from_public_url_whatever_the_host_header(make_app, sandbox):
    with make_app(PUBLIC_URL="https://toko.example", PROXY_COUNT=1) as app:
        product = make_product("Kopi Gayo", stock=5)
        shopper = _hostile_shopper(app)
        shopper.add(product.id, 1)
        assert shopper.checkout().status_code == 303
        sent = sandbox_transaction(sandbox, the_order().current_attempt.midtrans_order_id)
        assert sent["snap"]["finish_url"] == "https://toko.example/payments/finish"
        assert sent["snap"]["notification_urls"] == ["https://toko.example/payments/notification"]


def test_the_order_mail_links_to_public_url_whatever_the_host_header(make_app, caplog):
    with make_app(PUBLIC_URL="https://toko.example", PROXY_COUNT=1) as app:
        product = make_product("Kopi Gayo", stock=5)
        shopper = _hostile_shopper(app)
        shopper.add(product.id, 1)
        assert shopper.checkout().status_code == 303
        order = the_order()
        with caplog.at_level(logging.INFO, logger="storefront.mail.transport"):
            assert app.test_cli_runner().invoke(args=["mail", "retry"]).exit_code == 0
        mail = "\n".join(r.getMessage() for r in caplog.records if r.name == "storefront.mail.transport")
        assert "https://toko.example/orders/" + order.access_token[:4] in mail
        assert "evil.example" not in mail


def test_public_url_builds_absolute_links_without_a_request_and_under_a_path_prefix(make_app):
    with make_app(PUBLIC_URL="https://toko.example/shop/") as app:
        assert public_url("payments.notification") == "https://toko.example/shop/payments/notification"
        assert public_url("orders.show", token="abc", _anchor="status") == "https://toko.example/shop/orders/abc#status"
        with app.test_request_context("/", base_url="http://evil.example"):
            assert public_url("catalog.index", page=2) == "https://toko.example/shop/?page=2"


@pytest.fixture
def production(make_app):
    """The app as gunicorn runs it: not debug, not testing."""
    with make_app(
        TESTING=False, SECRET_KEY="p" * 40, PUBLIC_URL="https://toko.example", ALLOWED_HOSTS=["10.1.2.3"], PROXY_COUNT=1
    ) as app:
        yield app


def test_in_production_a_request_for_another_host_gets_400(production):
    client = production.test_client()
    assert client.get("/", base_url="https://evil.example").status_code == 400
    assert (
        client.get("/", headers={"X-Forwarded-Host": "evil.example"}, base_url="https://toko.example").status_code
        == 200
    )


def test_in_production_the_public_host_and_allowed_hosts_are_served_on_any_port(production):
    client = production.test_client()
    assert client.get("/", base_url="https://toko.example").status_code == 200
    assert client.get("/", base_url="http://10.1.2.3:8080").status_code == 200  # a PaaS health checker


def test_behind_the_router_the_forwarded_scheme_counts_but_never_the_forwarded_host(production):
    client = production.test_client()
    response = client.get(
        "/", base_url="http://toko.example", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    )
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers  # the request is known to be https
    assert "evil.example" not in response.get_data(as_text=True)


def test_production_refuses_to_start_without_public_url(tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_URL is not set"):
        create_app(
            {
                "TESTING": False,
                "SECRET_KEY": "x" * 40,
                "PUBLIC_URL": "",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            }
        )


@pytest.mark.parametrize("url", ["toko.example", "ftp://toko.example", "https://", "https://toko.example/?a=1"])
def test_a_public_url_that_is_not_an_address_is_refused(tmp_path, url):
    with pytest.raises(ConfigError, match="PUBLIC_URL must be an address"):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x" * 40,
                "PUBLIC_URL": url,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            }
        )


def test_gunicorn_entry_point_explains_that_public_url_is_missing(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "SECRET_KEY": "s" * 40,
        "MIDTRANS_SERVER_KEY": "SB-Mid-server-x",
        "PUBLIC_URL": "",
    }  # set, so a developer's .env cannot fill it
    result = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    assert "PUBLIC_URL is not set" in result.stderr and "https://toko.example.co.id" in result.stderr


def test_a_plain_http_public_url_is_allowed_with_a_warning(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="storefront.config"):
        with make_app(TESTING=False, SECRET_KEY="p" * 40, PUBLIC_URL="http://toko.example") as app:
            assert app.config["TRUSTED_HOSTS"] == ["toko.example"]
    assert any("not https" in r.getMessage() for r in caplog.records)


def test_debug_and_testing_default_to_the_make_run_address(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "PUBLIC_URL": "",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        }
    )
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert app.config["TRUSTED_HOSTS"] is None  # any Host in development
