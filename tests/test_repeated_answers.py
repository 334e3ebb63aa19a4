"""A catalog or product page asked again by the same browser, with nothing changed, gets the answer Flask gave
it, byte for byte, without Flask handling the request (storefront/repeat_answers.py); anything that changes
what the page shows makes Flask draw it. (The status poll's repeats: tests/test_polling.py.)"""

import pytest
from flask import request_started

from tests.support.helpers import CSRF_PATTERN, Shopper, forget_per_request_state, make_product

PAGES = ["/", "/?q=kopi", "/products/kopi-gayo-250-g"]


@pytest.fixture
def shop(app):
    forget_per_request_state(app)
    return make_product("Kopi Gayo 250 g", stock=10)


def reached_flask(app):
    """Counts the requests that reached Flask (an answer given again starts none)."""
    seen = []
    request_started.connect(lambda sender, **extra: seen.append(1), app, weak=False)
    return seen


def token_in(html):
    match = CSRF_PATTERN.search(html)
    return match.group(1) or match.group(2)


@pytest.mark.parametrize("url", PAGES)
def test_the_same_page_asked_again_is_the_answer_flask_gave(app, client, shop, url):
    client.get("/")  # the browser has a session (the first visit sets its cookie: never given again)
    flask = reached_flask(app)
    drawn, again = client.get(url), client.get(url)
    assert len(flask) == 1
    assert (again.status, again.data) == (drawn.status, drawn.data)
    assert again.headers.to_wsgi_list() == drawn.headers.to_wsgi_list()
    assert Shopper(client).post("/cart/add", {"product_id": shop.id, "quantity": 1}, htmx=True).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_each_browser_gets_its_own_page_and_token(app, shop, url):
    first, second = app.test_client(), app.test_client()
    pages = []
    for browser in (first, second, first, second):
        browser.get("/")
        pages.append(browser.get(url).get_data(as_text=True))
    assert pages[0] == pages[2] and pages[1] == pages[3]
    assert token_in(pages[0]) != token_in(pages[1])
    # Each browser's token (given again with its page) works in its own session only.
    assert first.post("/language", data={"csrf_token": token_in(pages[2]), "lang": "en"}).status_code == 303
    assert second.post("/language", data={"csrf_token": token_in(pages[2]), "lang": "en"}).status_code == 400


def test_a_change_of_stock_name_or_cart_is_drawn_by_flask(app, client, shop):
    from storefront.extensions import db

    client.set_cookie("lang", "en")
    client.get("/")
    flask = reached_flask(app)
    url = "/products/kopi-gayo-250-g"
    client.get(url)
    shop.name = "Kopi Gayo Wine 250 g"
    shop.variants[0].stock = 3
    db.session.commit()
    changed = client.get(url).get_data(as_text=True)
    assert "Kopi Gayo Wine" in changed and "3 in stock" in changed and len(flask) == 2
    Shopper(client).add(shop.id, htmx=True)
    before = len(flask)
    assert "cart-badge--empty" not in client.get(url).get_data(as_text=True)
    assert len(flask) == before + 1  # the cart is in the session cookie: a new question


def test_a_flashed_message_is_shown_once(app, client, shop):
    client.get("/")
    Shopper(client).add(shop.id)  # without htmx: a redirect, and a message waiting on the next page
    shown = client.get("/products/kopi-gayo-250-g").get_data(as_text=True)
    again = client.get("/products/kopi-gayo-250-g").get_data(as_text=True)
    assert 'class="flash' in shown and 'class="flash' not in again


def test_nothing_is_given_again_while_csrf_tokens_expire(make_app):
    with make_app(WTF_CSRF_TIME_LIMIT=3600) as app:
        make_product("Kopi Gayo 250 g", stock=10)
        browser = app.test_client()
        browser.get("/")
        flask = reached_flask(app)
        browser.get("/products/kopi-gayo-250-g")
        browser.get("/products/kopi-gayo-250-g")
    assert len(flask) == 2  # a repeated answer would carry a token signed earlier, expiring earlier


def test_with_the_database_down_pages_and_the_poll_get_the_shops_503_page(app_config, db_kind, tmp_path):
    """A failure while asking in front of Flask is left to Flask, which answers it as for any page."""
    from storefront import create_app
    from storefront.extensions import db

    if db_kind == "sqlite":
        down_url = f"sqlite:///{tmp_path / 'missing' / 'shop.sqlite3'}"  # SQLite cannot open it
    else:
        down_url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": down_url})
    with app.app_context():
        browser = app.test_client()
        answers = [browser.get(url) for url in ("/", "/products/kopi-gayo-250-g", "/orders/some-token/status")]
        db.engine.dispose()
    assert [a.status_code for a in answers] == [503, 503, 503]
