"""Web security promises: CSRF everywhere but the webhook, headers and CSP, cookies, proxies, rate limits,
order-link secrecy and error pages that leak nothing."""

import re

import pytest
from flask import g

from storefront import create_app
from storefront.config import DEFAULT_HTMX_CDN_URL
from tests.support.helpers import SHIPPING_FRAGMENT, Shopper, make_product, the_order


def test_every_state_changing_route_requires_a_csrf_token(app, client):
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint != "payments.notification"]
    assert posts, "no POST routes found"
    for rule in posts:
        # A number where the route takes one (an int converter answers 404 to "x" before CSRF is checked).
        url = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", "1", rule.rule))
        assert client.post(url, data={}).status_code == 400, rule.rule


def test_htmx_requests_carry_the_token_in_a_header(client, product):
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)
    response = client.post(
        "/cart/add",
        data={"product_id": product.id, "quantity": 1},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_html_responses_carry_security_headers_and_a_strict_csp(client, product):
    for url in ["/", f"/products/{product.slug}", "/cart/", "/nope"]:
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]:
            assert directive in csp, (url, directive)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_csp_allows_htmx_cdn_and_the_snap_origin_for_the_checkout_redirect(make_app, sandbox):
    with make_app(HTMX_CDN_URL=DEFAULT_HTMX_CDN_URL) as app:
        csp = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' https://cdn.jsdelivr.net;" in csp
    assert f"form-action 'self' {sandbox.base_url}" in csp


def test_hsts_only_over_https(client, app):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://shop.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_external_scripts_are_pinned_with_subresource_integrity(client):
    html = client.get("/").get_data(as_text=True)
    for tag in re.findall(r"<script[^>]*>", html):
        src = re.search(r'src="([^"]+)"', tag)
        if src and src.group(1).startswith("http"):
            assert 'integrity="sha384-' in tag and 'crossorigin="anonymous"' in tag, tag


def test_htmx_fallback_copy_matches_the_pinned_integrity(make_app):
    import base64
    import hashlib
    import os

    with make_app(HTMX_CDN_URL=DEFAULT_HTMX_CDN_URL) as app:
        html = app.test_client().get("/").get_data(as_text=True)
    integrity = re.search(r'data-integrity="sha384-([^"]+)"', html).group(1)
    local = re.search(r'data-local="([^"]+)"', html).group(1)
    with open(os.path.join(app.static_folder, local.removeprefix("/static/")), "rb") as f:
        assert base64.b64encode(hashlib.sha384(f.read()).digest()).decode() == integrity


def test_session_cookie_is_secure_httponly_and_lax_in_production(make_app):
    with make_app(
        TESTING=False, SESSION_COOKIE_SECURE=True, SECRET_KEY="p" * 40, PUBLIC_URL="https://shop.example"
    ) as production:
        product = make_product()
        client = production.test_client()
        page = client.get("/", base_url="https://shop.example").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = client.post(
            "/cart/add",
            data={"csrf_token": token, "product_id": product.id, "quantity": 1},
            base_url="https://shop.example",
            headers={"Referer": "https://shop.example/"},
        )
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def limited_app(make_app):
    with make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_CART="3/minute",
        RATELIMIT_CHECKOUT="2/minute",
        RATELIMIT_NOTIFICATION="2/minute",
    ) as app:
        yield app


def test_rate_limits_answer_429_on_cart_checkout_and_notifications(limited_app):
    product = make_product("Kopi Gayo", stock=50)
    shopper = Shopper(limited_app.test_client())
    assert [shopper.add(product.id, 1).status_code for _ in range(4)] == [303, 303, 303, 429]
    notification = [shopper.client.post("/payments/notification", data=b"{}") for _ in range(3)]
    assert [answer.status_code for answer in notification] == [400, 400, 429]
    assert notification[-1].headers["Retry-After"] == "60"  # the limit's window: a minute
    codes = [shopper.post("/checkout/", {}).status_code for _ in range(3)]
    assert codes[-1] == 429


def _browsers_of_their_own(app):
    """Several test clients in one app context: forget the CSRF token Flask-WTF caches on `g`, as a
    fresh request context would, so each client gets the one of its own session."""

    @app.before_request
    def forget_csrf_token():
        g.pop("csrf_token", None)


def test_shoppers_behind_one_carrier_nat_ip_each_get_their_own_cart_and_checkout_limits(make_app):
    with make_app(RATELIMIT_ENABLED=True, RATELIMIT_CART="2/minute", RATELIMIT_CHECKOUT="1/minute") as app:
        _browsers_of_their_own(app)
        product = make_product("Kopi Gayo", stock=50)
        shoppers = [Shopper(app.test_client()) for _ in range(5)]  # all from 127.0.0.1
        assert [s.add(product.id, 1).status_code for s in shoppers for _ in range(2)] == [303] * 10
        assert all(s.checkout().status_code == 303 for s in shoppers)
        assert shoppers[0].add(product.id, 1).status_code == 429  # each session's own limit still holds
        assert shoppers[0].post("/checkout/", {}).status_code == 429


def test_a_client_replaying_its_first_cookie_is_still_one_session(limited_app):
    """A client that never keeps the cookie an answer sets (it replays the one it had) is still one session:
    its per-session limit holds, as it does for a browser."""
    product = make_product("Kopi Gayo", stock=50)
    browser = limited_app.test_client()
    page = browser.get("/")
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    replayer = limited_app.test_client(use_cookies=False)
    codes = [
        replayer.post(
            "/cart/add", data={"csrf_token": token, "product_id": product.id}, headers={"Cookie": cookie}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [303, 303, 303, 429]


def test_a_client_that_drops_its_cookie_meets_the_per_ip_ceiling(make_app):
    with make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_CART_PER_IP="4/minute", RATELIMIT_CHECKOUT_PER_IP="1/minute"
    ) as app:
        _browsers_of_their_own(app)
        product = make_product("Kopi Gayo", stock=50)
        codes = [Shopper(app.test_client()).add(product.id, 1).status_code for _ in range(5)]
        assert codes == [303, 303, 303, 303, 429]
        assert [Shopper(app.test_client()).post("/checkout/", {}).status_code for _ in range(2)][-1] == 429


def test_an_app_wide_rate_limit_is_refused_at_start_up(app_config):
    # Only limits declared on views are enforced (storefront/__init__.py): a default limit would be
    # silently ignored, so the app refuses to start with one.
    with pytest.raises(RuntimeError, match="limiter.limit"):
        create_app({**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "100/minute"})


def test_rate_limits_never_touch_status_polling(limited_app):
    product = make_product("Kopi Gayo", stock=50)
    shopper = Shopper(limited_app.test_client())
    shopper.add(product.id, 1)
    shopper.checkout()
    token = the_order().access_token
    codes = {shopper.client.get(f"/orders/{token}/status").status_code for _ in range(40)}
    assert codes == {200}


def test_unknown_order_token_gives_the_ordinary_404_page(client, app):
    make_product()
    unknown = client.get("/orders/" + "A" * 32)
    nowhere = client.get("/no/such/page")
    assert unknown.status_code == nowhere.status_code == 404

    def without_own_path(response):  # the language switch returns to the current path
        return re.sub(r'name="next" value="[^"]*"', "", response.get_data(as_text=True))

    assert without_own_path(unknown) == without_own_path(nowhere)


def test_production_errors_show_a_generic_page_without_internals(make_app):
    with make_app(TESTING=False, SECRET_KEY="p" * 40) as app:
        app.view_functions["catalog.index"] = _explode
        response = app.test_client().get("/")
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Traceback" not in body and "SELECT" not in body and "SB-Mid-server" not in body


def _explode():
    raise RuntimeError("SELECT secret FROM orders WHERE key='SB-Mid-server-storefront-sandbox'")


def test_the_server_key_never_reaches_a_page_or_the_logs(client, shopper, sandbox, caplog):
    from storefront.sandbox import SANDBOX_SERVER_KEY

    product = make_product()
    shopper.add(product.id, 1)
    response = shopper.checkout()
    order = the_order()
    page = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert SANDBOX_SERVER_KEY not in page and SANDBOX_SERVER_KEY not in response.get_data(as_text=True)
    assert SANDBOX_SERVER_KEY not in caplog.text


def _choose_province(shopper):
    query = {"province": "34"}
    return shopper.client.get("/checkout/shipping", query_string=query, headers=SHIPPING_FRAGMENT).status_code


def test_the_checkout_address_lists_are_rate_limited_per_session(make_app):
    with make_app(RATELIMIT_ENABLED=True, RATELIMIT_SHIPPING="3/minute") as app:
        _browsers_of_their_own(app)
        shopper, other = Shopper(app.test_client()), Shopper(app.test_client())
        assert [_choose_province(shopper) for _ in range(4)] == [200, 200, 200, 429]
        assert _choose_province(other) == 200  # another shopper behind the same IP is not held up


def test_the_checkout_address_lists_have_a_per_ip_ceiling(make_app):
    with make_app(RATELIMIT_ENABLED=True, RATELIMIT_SHIPPING_PER_IP="3/minute") as app:
        _browsers_of_their_own(app)
        assert [_choose_province(Shopper(app.test_client())) for _ in range(4)] == [200, 200, 200, 429]
