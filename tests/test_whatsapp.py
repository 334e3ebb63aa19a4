"""WhatsApp: share a product (its public URL), chat with the shop when MERCHANT_WHATSAPP is set, ask
about an order by its reference; never the order's private link."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from storefront.config import ConfigError, load_config
from storefront.whatsapp import normalise_whatsapp_number
from tests.support.helpers import make_product

PUBLIC = "https://toko.example.co.id"


def wa_links(html):
    return [unescape(href) for href in re.findall(r'href="(https://wa\.me/[^"]*)"', html)]


def message_of(link):
    parts = urlsplit(link)
    return parts.path.strip("/"), parse_qs(parts.query)["text"][0]


@pytest.fixture
def shop(make_app):
    with make_app(PUBLIC_URL=PUBLIC, MERCHANT_WHATSAPP="6281234567890") as app:
        yield app


def test_product_page_shares_its_public_url_and_chats_the_shop(shop):
    product = make_product("Cobek & Ulekan Batu", slug="cobek-ulekan")
    html = shop.test_client().get("/products/cobek-ulekan", headers={"Host": "localhost"}).get_data(as_text=True)
    [share, chat, footer_chat] = wa_links(html)
    number, text = message_of(share)
    assert number == ""
    assert text == f"{product.name}: {PUBLIC}/products/cobek-ulekan"
    number, text = message_of(chat)
    assert number == "6281234567890"
    assert text == f"Halo Toko Nusantara, saya mau tanya soal {product.name}: {PUBLIC}/products/cobek-ulekan"
    assert message_of(footer_chat)[0] == "6281234567890"
    assert "Bagikan lewat WhatsApp" in html and "Chat dengan toko" in html


def test_without_merchant_whatsapp_only_sharing_is_offered(client):
    make_product(slug="kopi")
    html = client.get("/products/kopi").get_data(as_text=True)
    [share] = wa_links(html)
    assert message_of(share)[0] == ""


def test_ask_about_this_order_carries_the_reference_and_never_the_private_link(shop):
    from tests.support.helpers import Shopper, the_order

    shopper = Shopper(shop.test_client())
    product = make_product("Kopi Gayo", price=85000, stock=10)
    shopper.add(product.id, 1)
    assert shopper.checkout().status_code == 303
    order = the_order()
    html = shopper.client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    links = wa_links(html)
    assert links, "no WhatsApp link on the order page"
    ask = [link for link in links if order.reference in link]
    assert len(ask) == 1
    number, text = message_of(ask[0])
    assert number == "6281234567890"
    assert text == f"Halo Toko Nusantara, saya mau tanya soal pesanan saya {order.reference}."
    for link in links:
        assert order.access_token not in link and "/orders/" not in link


@pytest.mark.parametrize(
    "raw, number",
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("", ""),
        ("call me", None),
    ],
)
def test_merchant_whatsapp_accepts_the_usual_ways_of_writing_a_number(raw, number):
    assert normalise_whatsapp_number(raw) == number


def test_a_merchant_whatsapp_that_is_not_a_number_stops_the_start(monkeypatch, tmp_path):
    monkeypatch.setenv("MERCHANT_WHATSAPP", "toko kami")
    with pytest.raises(ConfigError, match="MERCHANT_WHATSAPP"):
        load_config(str(tmp_path))
