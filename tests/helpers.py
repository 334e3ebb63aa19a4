"""Test helpers: data builders and a Shopper that posts forms the way the pages do."""

import re

from storefront.extensions import db
from storefront.models import Category, Product



def make_product(name="Kopi Gayo 250 g", price=85000, stock=10, category=None, active=True, slug=None):
    product = Product(
        name=name,
        slug=slug or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        description=f"Deskripsi {name}",
        price_idr=price,
        stock=stock,
        category=category,
        active=active,
    )
    db.session.add(product)
    db.session.commit()
    return product


def make_category(name="Kopi & Teh", slug="kopi-teh"):
    category = Category(name=name, slug=slug)
    db.session.add(category)
    db.session.commit()
    return category


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token(client):
    html = client.get("/").get_data(as_text=True)
    match = CSRF_PATTERN.search(html)
    return match.group(1) or match.group(2)


class Shopper:
    """A browser session against the test client, carrying the CSRF token like the real pages do."""

    def __init__(self, client):
        self.client = client
        self._token = None

    @property
    def token(self):
        if self._token is None:
            self._token = csrf_token(self.client)
        return self._token

    def post(self, url, data=None, htmx=False, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        headers = kwargs.pop("headers", {})
        if htmx:
            headers = {"HX-Request": "true", **headers}
        return self.client.post(url, data=data, headers=headers, **kwargs)

    def add(self, product_id, quantity=1, htmx=False):
        return self.post("/cart/add", {"product_id": product_id, "quantity": quantity}, htmx=htmx)

    def checkout(self, **overrides):
        page = self.client.get("/checkout/").get_data(as_text=True)
        key = re.search(r'name="checkout_key" type="hidden" value="([^"]*)"', page)
        data = dict(VALID_CUSTOMER)
        data["checkout_key"] = key.group(1) if key else ""
        data.update(overrides)
        return self.post("/checkout/", data)


VALID_CUSTOMER = {
    "name": "Siti Rahmawati",
    "email": "siti@example.co.id",
    "phone": "0812-3456-7890",
    "address": "Jl. Malioboro No. 12",
    "city": "Yogyakarta",
    "postal_code": "55213",
}
