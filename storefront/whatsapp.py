"""WhatsApp links (wa.me click-to-chat): share a product, chat with the shop, ask about an order.

Only public things go into a message: a product's public URL, an order's reference. Never the order
page's link, whose token is the key to the order (a chat is forwarded, backed up, read by staff).
"""

import re
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext

WA_ME = "https://wa.me/"


def normalise_whatsapp_number(raw: str) -> str | None:
    """'0812-3456-7890', '+62 812 3456 7890', '62812…' -> '62812…' (wa.me wants the international form
    without '+' or leading zeros); '' stays '' (not set); None if it is not a phone number."""
    compact = re.sub(r"[\s\-().]", "", raw or "")
    if not compact:
        return ""
    if compact.startswith("+"):
        compact = compact[1:]
    elif compact.startswith("0"):
        compact = "62" + compact[1:]  # an Indonesian national number
    return compact if re.fullmatch(r"[1-9]\d{7,14}", compact) else None


def share_url(text: str) -> str:
    """Opens WhatsApp with `text` ready to send to a contact the shopper picks."""
    return f"{WA_ME}?text={quote(text, safe='')}"


def chat_url(number: str, text: str) -> str:
    """Opens a chat with `number` (normalised) with `text` typed in."""
    return f"{WA_ME}{number}?text={quote(text, safe='')}"


# The messages, in the shopper's language. Built here, not in templates: a template's `_()` returns
# HTML-escaped Markup, and "Cobek &amp; Ulekan" is not what a shopper should send.


def product_share_url(name: str, url: str) -> str:
    return share_url(gettext("%(name)s: %(url)s", name=name, url=url))


def product_chat_url(name: str, url: str) -> str | None:
    number = merchant_number()
    if not number:
        return None
    store = current_app.config["STORE_NAME"]
    return chat_url(
        number, gettext("Hello %(store)s, I have a question about %(name)s: %(url)s", store=store, name=name, url=url)
    )


def order_chat_url(reference: str) -> str | None:
    """The reference only: the order page's address is private and never goes into a chat."""
    number = merchant_number()
    if not number:
        return None
    store = current_app.config["STORE_NAME"]
    return chat_url(
        number, gettext("Hello %(store)s, I have a question about my order %(ref)s.", store=store, ref=reference)
    )


def shop_chat_url() -> str | None:
    number = merchant_number()
    return chat_url(number, gettext("Hello %(store)s,", store=current_app.config["STORE_NAME"])) if number else None


def merchant_number() -> str:
    return normalise_whatsapp_number(current_app.config.get("MERCHANT_WHATSAPP", "")) or ""
