"""Helpers for the back-office tests: a staff browser, and the shopper's side of a payment at the sandbox."""

import re

import requests
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from storefront.extensions import db
from tests.support.helpers import CSRF_PATTERN, force_sandbox_state

STAFF_EMAIL = "staff@toko.example"
STAFF_PASSWORD = "kopi-gayo-dan-teh-tarik"


class StaffBrowser:
    """A second browser (its own cookie jar) used by a staff member, in English."""

    def __init__(self, client):
        self.client = client
        self.csrf = None

    def token(self):
        if self.csrf is None:
            # The sign-in form, or (once signed in) the page it leads to: both carry the token.
            html = self.client.get("/admin/login", follow_redirects=True).get_data(as_text=True)
            match = CSRF_PATTERN.search(html)
            self.csrf = match.group(1) or match.group(2)
        return self.csrf

    def sign_in(self, email=STAFF_EMAIL, password=STAFF_PASSWORD):
        self.post("/language", {"lang": "en", "next": "/"})
        response = self.post("/admin/login", {"email": email, "password": password})
        if response.status_code == 303:
            self.csrf = None  # signing in gives the session a new CSRF token
        return response

    def get(self, url, htmx_target=None, **kwargs):
        headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}
        return self.client.get(url, headers=headers, **kwargs)

    def post(self, url, data=None, htmx_target=None, files=None):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}
        if files:
            # Encoded in memory: the test client would spool a big body to a temporary file that
            # nobody closes (a ResourceWarning, an error here).
            fields = {
                **data,
                **{
                    name: FileStorage(stream, filename, content_type=type_)
                    for name, (stream, filename, type_) in files.items()
                },
            }
            boundary, body = encode_multipart(fields)
            return self.client.post(
                url, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers
            )
        return self.client.post(url, data=data, headers=headers)

    def act(self, reference, action, data=None, htmx=True, confirm=True, prefix=None):
        """POST an order action the way its form on the order page does."""
        prefix = prefix or action
        data = {f"{prefix}-{key}": value for key, value in (data or {}).items()}
        if confirm:
            data[f"{prefix}-confirm"] = "y"
        return self.post(f"/admin/orders/{reference}/{action}", data, htmx_target="order-detail" if htmx else None)

    def order_page(self, reference):
        return self.get(f"/admin/orders/{reference}").get_data(as_text=True)

    def form_value(self, reference, name):
        match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', self.order_page(reference))
        return match.group(1)


def settle(sandbox, order, payment_type="bank_transfer"):
    """The shopper pays: the sandbox's transaction becomes settlement (no notification is sent)."""
    force_sandbox_state(sandbox, order.current_attempt.midtrans_order_id, "settlement", payment_type)


def choose_method(sandbox, order, method="bca_va"):
    """The shopper picks a method on the Snap page: Midtrans now has a pending transaction."""
    redirect_url = order.current_attempt.redirect_url
    response = requests.post(redirect_url + "/method", data={"method": method}, allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), response.text[:300]


def pay_by_card(order, card_number):
    redirect_url = order.current_attempt.redirect_url
    requests.post(redirect_url + "/method", data={"method": "credit_card"}, allow_redirects=False, timeout=10)
    return requests.post(
        redirect_url + "/credit-card", data={"card_number": card_number}, allow_redirects=False, timeout=10
    )


def stock_of(product_id):
    from storefront.models import Variant

    db.session.rollback()
    return db.session.execute(db.select(Variant.stock).where(Variant.product_id == product_id)).scalar_one()


_sequence = iter(range(1, 10**6))


def make_order(
    status="awaiting_payment",
    email="siti@example.co.id",
    phone="+6281234567890",
    created_at=None,
    attention=None,
    total=190000,
    name="Siti Rahmawati",
):
    """An order row as checkout would leave it (no items: for list and search tests)."""
    from datetime import datetime, timedelta, timezone

    from storefront.models import Order

    number = next(_sequence)
    created_at = created_at or datetime.now(timezone.utc)
    order = Order(
        reference=f"SF-T{number:07d}",
        access_token=f"token-{number}-" + "x" * 20,
        customer_name=name,
        email=email,
        phone=phone,
        address="Jl. Malioboro No. 12",
        city="Yogyakarta",
        postal_code="55213",
        locale="id",
        payment_status=status,
        subtotal_idr=total - 20000,
        shipping_idr=20000,
        total_idr=total,
        stock_reserved=status in ("awaiting_payment", "paid", "under_review"),
        reserved_until=created_at + timedelta(hours=1),
        attention=attention,
        created_at=created_at,
    )
    db.session.add(order)
    db.session.commit()
    return order
