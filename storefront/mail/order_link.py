""" "Cek pesanan": a shopper who lost the e-mail asks for their order's private link again.

The request only queues an outbox row holding the reference and a keyed digest of the e-mail or phone
entered; it never reads the orders table. Whether an order matches is decided later, by the sender
(`order_for`), which e-mails the link to the address ON THE ORDER or drops the row. So the page's answer,
the work done and the time it takes are the same whether or not the order exists: nobody can find out
which references are real, nor learn an order's e-mail address or link from the page.
"""

import hashlib
import hmac
import time

from flask import current_app
from flask_babel import get_locale

from ..extensions import db
from ..models import Order
from ..phones import normalise_phone
from .models import OutboxMessage
from .outbox import enqueue

KIND = "order_link"
# One e-mail per reference and contact per quarter hour, however often the form is sent: a stranger
# who knows someone's reference and e-mail cannot flood their inbox.
DEDUPE_SECONDS = 15 * 60


def normalise_reference(raw: str) -> str:
    return (raw or "").strip().upper()


def normalise_contact(raw: str) -> str:
    """An e-mail address in lower case, or an Indonesian mobile number as +62…; '' if neither."""
    value = (raw or "").strip()
    if "@" in value:
        return value.lower()
    return normalise_phone(value) or ""


def contact_digest(contact: str) -> str:
    """Keyed, so the outbox never holds what a stranger typed (it may be someone else's address)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_contact(contact).encode(), hashlib.sha256).hexdigest()


def request_order_link(reference: str, contact: str) -> None:
    """Queue the link's e-mail; the sender checks whether reference and contact match an order."""
    reference = normalise_reference(reference)
    digest = contact_digest(contact)
    bucket = int(time.time() // DEDUPE_SECONDS)
    enqueue(
        None,
        KIND,
        f"lookup:{reference}:{digest[:32]}:{bucket}",
        recipient="",  # filled in from the order by `order_for`
        locale=str(get_locale()),
        data={"reference": reference, "contact_digest": digest},
    )


def order_for(message: OutboxMessage) -> Order | None:
    """The order whose reference and e-mail or phone match the request, or None."""
    data = message.data or {}
    order = db.session.execute(
        db.select(Order).where(Order.reference == data.get("reference", ""))
    ).scalar_one_or_none()
    if order is None:
        return None
    wanted = data.get("contact_digest", "")
    matches = [hmac.compare_digest(contact_digest(value), wanted) for value in (order.email, order.phone)]
    return order if any(matches) else None
