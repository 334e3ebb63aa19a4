"""What each e-mail says, in the language the shopper chose. One table of kinds, one template each.

Templates live in templates/email/ and are plain text. They are named .html only so that babel.cfg
extracts their strings; they are rendered without HTML escaping (see `_text_environment`).
"""

from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2 import Environment

from ..appctx import the_app
from ..extensions import db
from ..models import Order
from ..payments.attention import attention_label
from ..urls import public_url
from ..vouchers.usage import order_discount
from .models import OutboxMessage
from .state import mail_state

SHOPPER_KINDS = {
    "order_placed",
    "paid",
    "expired",
    "cancelled",
    "refunded",
    "shipped",
    "delivered",
    "order_link",
    "payment_reminder",
}
MERCHANT_KINDS = {"merchant_paid", "merchant_attention"}

SUBJECTS = {
    "order_placed": _l("Your order %(ref)s: how to pay"),
    "paid": _l("Payment received for order %(ref)s"),
    "expired": _l("Order %(ref)s: the time to pay has run out"),
    "cancelled": _l("Order %(ref)s has been cancelled"),
    "refunded": _l("Refund for order %(ref)s"),
    "shipped": _l("Order %(ref)s is on its way"),
    "delivered": _l("Order %(ref)s has been delivered"),
    "order_link": _l("The link to your order %(ref)s"),
    "payment_reminder": _l("Reminder: order %(ref)s is waiting for your payment"),
    "merchant_paid": _l("Paid: order %(ref)s"),
    "merchant_attention": _l("Needs attention: order %(ref)s"),
}


def _text_environment(app: Flask) -> Environment:
    state = mail_state(app)
    if "jinja" not in state:
        # Same loader, filters and gettext as the pages, but plain text: no HTML escaping.
        state["jinja"] = app.jinja_env.overlay(autoescape=False, trim_blocks=True, lstrip_blocks=True)
    return state["jinja"]


def render(message: OutboxMessage) -> tuple[str, str]:
    """(subject, body) of an outbox message; its links are under PUBLIC_URL."""
    app = the_app()
    order = db.session.get(Order, message.order_id) if message.order_id else None
    context = {
        "order": order,
        "data": message.data or {},
        "store_name": app.config["STORE_NAME"],
        "order_url": public_url("orders.show", token=order.access_token) if order else None,
        "admin_url": public_url("admin.order", reference=order.reference) if order else None,
        # (code, rupiah) of the order's voucher, beside every total an e-mail shows.
        "discount": order_discount(order.id) if order else None,
    }
    if message.kind == "merchant_attention":
        context["attention"] = attention_label(context["data"].get("attention"))
    with force_locale(message.locale):
        subject = str(SUBJECTS[message.kind]) % {"ref": order.reference if order else ""}
        body = _text_environment(app).get_template(f"email/{message.kind}.html").render(**context)
    return f"{subject} · {app.config['STORE_NAME']}", body.strip() + "\n"
