"""Catalog and product pages answer 304 to a browser that already has them, and only then.

The tag covers the page's data (test_page_freshness.py changes each kind of it), and also everything
else the page draws: the shopper's cart count, language and CSRF token, the address, the htmx fragment
asked for, and a flashed message waiting to be shown.
"""

import re

import pytest

from tests.support.helpers import Shopper, forget_per_request_state, make_product, make_variants

PAGES = ["/", "/?q=kopi", "/products/kopi-gayo-250-g"]


@pytest.fixture
def shop(app):
    forget_per_request_state(app)
    product = make_product("Kopi Gayo 250 g", stock=10)
    make_variants(make_product("Kopi Toraja", stock=0), [("S", None, 5), ("M", 90_000, 3)])
    return product


def visit(client, url):
    """A view of the page by a browser that has been in the shop before (a first visit gets no tag)."""
    client.get("/")
    response = client.get(url)
    assert response.status_code == 200 and response.headers["ETag"]
    return response


def revisit(client, url, first, **headers):
    return client.get(url, headers={"If-None-Match": first.headers["ETag"], **headers})


@pytest.mark.parametrize("url", PAGES)
def test_an_unchanged_page_answers_304_with_no_body(client, shop, url):
    first = visit(client, url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = revisit(client, url, first)
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]


@pytest.mark.parametrize("url", PAGES)
def test_a_fuller_cart_is_a_new_page(client, shop, url):
    first = visit(client, url)
    Shopper(client).add(shop.id, htmx=True)
    again = revisit(client, url, first)
    assert again.status_code == 200
    assert "cart-badge--empty" not in again.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_another_language_is_a_new_page(client, shop, url):
    first = visit(client, url)
    client.set_cookie("lang", "en")
    again = revisit(client, url, first)
    assert again.status_code == 200
    assert 'lang="en"' in again.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_another_shopper_with_the_tag_gets_their_own_page(app, shop, url):
    first_browser, second_browser = app.test_client(), app.test_client()
    first = visit(first_browser, url)
    visit(second_browser, url)  # a session of its own: another CSRF token in its forms
    assert revisit(second_browser, url, first).status_code == 200


def test_the_results_fragment_is_not_the_page(client, shop):
    first = visit(client, "/?q=kopi")
    fragment = revisit(client, "/?q=kopi", first, **{"HX-Request": "true", "HX-Target": "product-results"})
    assert fragment.status_code == 200
    assert fragment.get_data(as_text=True).lstrip().startswith('<section id="product-results"')


def test_a_waiting_message_is_shown_not_skipped(client, shop):
    first = visit(client, "/")
    # Without JavaScript, adding a product that is gone sends the shopper back to the catalog with a message;
    # nothing the page's tag is made of changed (the cart is as it was).
    refused = Shopper(client).add(2**31 - 1)
    assert refused.status_code == 303 and refused.headers["Location"].endswith("/")
    again = revisit(client, "/", first)
    assert again.status_code == 200
    assert "Produk ini tidak tersedia." in again.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_a_remembered_page_carries_each_shoppers_own_token_and_cart(app, shop, url):
    """Pages are drawn once and remembered; the CSRF token and the cart badge are put in per shopper."""
    first, second = app.test_client(), app.test_client()
    Shopper(second).add(shop.id, quantity=2, htmx=True)
    pages = {}
    for browser in (first, second, first, second):  # the second view of each is the remembered page
        page = visit(browser, url).get_data(as_text=True)
        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
        tokens |= set(re.findall(r'"X-CSRFToken": "([^"]+)"', page))
        assert len(tokens) == 1 and "<csrf-token>" not in page and "<cart-badge>" not in page
        pages[browser] = (tokens.pop(), page)
    (first_token, first_page), (second_token, second_page) = pages[first], pages[second]
    assert "cart-badge--empty" in first_page
    assert "cart-badge--empty" not in second_page and ">2</span>" in second_page
    # Each token is the shopper's own: it works in their session, and not in the other's.
    assert first.post("/language", data={"csrf_token": first_token, "lang": "en"}).status_code == 303
    assert second.post("/language", data={"csrf_token": second_token, "lang": "en"}).status_code == 303
    assert second.post("/language", data={"csrf_token": first_token, "lang": "en"}).status_code == 400
