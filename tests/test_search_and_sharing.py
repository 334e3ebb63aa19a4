"""Easy to find and to share: titles and descriptions per page, canonical URLs from PUBLIC_URL, Open
Graph/Twitter tags with a raster picture, JSON-LD Product + Offer, sitemap.xml, robots.txt, favicon,
and `noindex` on the pages that belong to one shopper."""

import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from PIL import Image

from storefront.commands import make_missing_renditions
from tests.support.helpers import make_category, make_product

SHOP = "https://toko.example.co.id"


class Head(HTMLParser):
    """The <title>, <meta>, <link> and JSON-LD of a page, as a crawler reads them."""

    def __init__(self, html):
        super().__init__()
        self.title, self.meta, self.links, self.json_ld = "", {}, {}, []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs.get("content")
        elif tag == "link":
            self.links[attrs["rel"]] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json_ld"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json_ld":
            self.json_ld.append(json.loads(data))


@pytest.fixture
def shop(make_app):
    with make_app(PUBLIC_URL=SHOP) as app:
        yield app


@pytest.fixture
def catalog(shop):
    coffee = make_category("Kopi & Teh", "kopi-teh")
    gayo = make_product("Kopi Gayo Arabika", price=85000, stock=7, category=coffee)
    gayo.image = "img/products/kopi-gayo-arabika-250g.svg"
    gone = make_product("Sambal Bawang", price=30000, stock=0)
    make_product("Teh Lama", price=10000, active=False)
    from storefront.extensions import db

    db.session.commit()
    make_missing_renditions()  # what `flask seed` does for the demo images
    return {"gayo": gayo, "gone": gone, "client": shop.test_client()}


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.get_data(as_text=True))


def test_every_shop_page_has_its_own_title_and_description(catalog):
    client = catalog["client"]
    pages = ["/", "/?category=kopi-teh", "/?q=kopi", "/products/kopi-gayo-arabika", "/products/sambal-bawang", "/cart/"]
    heads = [head(client, url) for url in pages]
    titles = [h.title for h in heads]
    descriptions = [h.meta["description"] for h in heads]
    assert len(set(titles)) == len(pages), titles
    assert len(set(descriptions)) == len(pages), descriptions
    assert all(10 < len(d) <= 160 for d in descriptions), descriptions
    assert heads[3].title == "Kopi Gayo Arabika · Toko Nusantara"


def test_canonical_and_share_urls_come_from_public_url_whatever_the_host_header(catalog):
    client = catalog["client"]
    page = Head(client.get("/products/kopi-gayo-arabika", headers={"Host": "evil.example"}).get_data(as_text=True))
    assert page.links["canonical"] == f"{SHOP}/products/kopi-gayo-arabika"
    assert page.meta["og:url"] == page.links["canonical"]
    assert page.meta["og:image"].startswith(f"{SHOP}/media/")
    listing = head(client, "/?category=kopi-teh&page=1")
    assert listing.links["canonical"] == f"{SHOP}/?category=kopi-teh"


def test_a_product_link_shared_in_a_chat_previews_a_raster_picture(catalog):
    client = catalog["client"]
    page = head(client, "/products/kopi-gayo-arabika")
    assert page.meta["og:type"] == "product"
    assert page.meta["og:title"] == "Kopi Gayo Arabika" == page.meta["twitter:title"]
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["og:image"] == page.meta["twitter:image"]
    assert page.meta["og:image:type"] == "image/jpeg"
    with client.get(page.meta["og:image"].removeprefix(SHOP)) as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert "immutable" in response.headers["Cache-Control"]
        picture = Image.open(io.BytesIO(response.data))
    assert picture.format == "JPEG"
    assert (picture.width, picture.height) == (int(page.meta["og:image:width"]), int(page.meta["og:image:height"]))
    assert picture.width >= 600  # what WhatsApp and Facebook need for a large preview


def test_product_images_come_in_webp_and_jpeg_at_several_widths(catalog):
    html = catalog["client"].get("/products/kopi-gayo-arabika").get_data(as_text=True)
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', html).group(1)
    jpeg = re.search(r'<img class="product-detail__image" src="[^"]+\.jpg" srcset="([^"]+)"', html).group(1)
    assert [w for w in re.findall(r" (\d+)w", webp)] == ["200", "400", "800"]
    assert [w for w in re.findall(r" (\d+)w", jpeg)] == ["200", "400", "800"]
    for url in re.findall(r"(/media/\S+)", webp):
        with catalog["client"].get(url) as response:
            assert Image.open(io.BytesIO(response.data)).format == "WEBP"


def test_product_page_carries_json_ld_product_with_an_offer_in_rupiah(catalog):
    client = catalog["client"]
    [data] = head(client, "/products/kopi-gayo-arabika").json_ld
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["name"] == "Kopi Gayo Arabika"
    assert data["url"] == f"{SHOP}/products/kopi-gayo-arabika"
    assert data["image"][0].startswith(f"{SHOP}/media/") and data["image"][0].endswith(".jpg")
    offer = data["offers"]
    assert (offer["@type"], offer["price"], offer["priceCurrency"]) == ("Offer", "85000", "IDR")
    assert offer["availability"] == "https://schema.org/InStock"
    [sold_out] = head(client, "/products/sambal-bawang").json_ld
    assert sold_out["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_json_ld_cannot_be_closed_early_by_a_product_description(shop):
    product = make_product("Kopi </script><script>alert(1)</script>")
    html = shop.test_client().get(f"/products/{product.slug}").get_data(as_text=True)
    json_ld = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(json_ld)["name"] == product.name


def test_sitemap_lists_active_products_and_categories_under_public_url(catalog):
    response = catalog["client"].get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ET.fromstring(response.data).findall("s:url/s:loc", ns)]
    assert f"{SHOP}/" in locs
    assert f"{SHOP}/?category=kopi-teh" in locs
    assert f"{SHOP}/products/kopi-gayo-arabika" in locs
    assert f"{SHOP}/products/sambal-bawang" in locs  # sold out is still a product page
    assert f"{SHOP}/products/teh-lama" not in locs  # inactive: 404


def test_robots_txt_keeps_crawlers_out_of_the_back_office_and_names_the_sitemap(shop):
    response = shop.test_client().get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert f"Sitemap: {SHOP}/sitemap.xml" in lines


def test_favicon_ico_is_an_icon(shop):
    with shop.test_client().get("/favicon.ico") as response:
        assert response.status_code == 200 and response.mimetype == "image/x-icon"
        assert Image.open(io.BytesIO(response.data)).format == "ICO"


@pytest.mark.parametrize("url", ["/cart/", "/checkout/", "/orders/lookup"])
def test_pages_of_one_shopper_are_not_indexed(shop, url):
    make_product()
    client = shop.test_client()
    with client.session_transaction() as session:
        session["cart"] = {"1": 1}
    response = client.get(url)
    assert response.status_code == 200, url
    assert Head(response.get_data(as_text=True)).meta.get("robots") == "noindex"


def test_an_order_page_is_not_indexed(client, order):
    page = Head(client.get(f"/orders/{order.access_token}").get_data(as_text=True))
    assert page.meta["robots"] == "noindex"


def test_catalog_and_product_pages_may_be_indexed(catalog):
    for url in ("/", "/products/kopi-gayo-arabika"):
        assert "robots" not in head(catalog["client"], url).meta
