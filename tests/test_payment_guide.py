"""Paying a virtual account is easy: the number with a copy button, and the steps for the bank's ATM,
mobile and internet banking, in both languages, on the order page (and in the poll's fragment)."""

import re

import pytest

from storefront.extensions import db
from tests.support.helpers import forget_per_request_state

VA = "8277012345678901"
INSTRUCTIONS = {
    "bca": {"kind": "va", "bank": "bca", "va_number": "12345678901"},
    "bni": {"kind": "va", "bank": "bni", "va_number": VA},
    "bri": {"kind": "va", "bank": "bri", "va_number": VA},
    "permata": {"kind": "va", "bank": "permata", "va_number": VA},
    "cimb": {"kind": "va", "bank": "cimb", "va_number": VA},
    "mandiri": {"kind": "bill", "bank": "mandiri", "biller_code": "70012", "bill_key": "990123456789"},
}
# One menu of each bank, as its own screens name it, in Indonesian (default) and English.
MENUS = {
    "bca": ("Ke Rek BCA Virtual Account", "To BCA Virtual Account", "BCA mobile"),
    "bni": ("Virtual Account Billing", "Virtual Account Billing", "BNI Mobile Banking"),
    "bri": ("Pembayaran › BRIVA", "Payment › BRIVA", "BRImo"),
    "permata": ("Bayar Tagihan › Virtual Account", "Pay Bills › Virtual Account", "PermataMobile X"),
    "cimb": ("Rekening CIMB Niaga Lain", "Other CIMB Niaga Account", "OCTO Mobile"),
    "mandiri": ("Bayar/Beli › Lainnya › Multi Payment", "Pay/Buy › Others › Multi Payment", "Livin' by Mandiri"),
}


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    forget_per_request_state(app)


def with_instructions(order, instructions):
    order.current_attempt.instructions = instructions
    db.session.commit()


def steps_by_channel(html):
    channels = re.findall(r'data-channel="(\w+)"[^>]*>\s*<summary>(.*?)</summary>\s*<ol>(.*?)</ol>', html, re.S)
    return {kind: (title, re.findall(r"<li>(.*?)</li>", steps)) for kind, title, steps in channels}


@pytest.mark.parametrize("bank", sorted(INSTRUCTIONS))
def test_the_order_page_shows_atm_mobile_and_internet_banking_steps_for_the_bank(client, shopper, order, bank):
    with_instructions(order, INSTRUCTIONS[bank])
    html = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    channels = steps_by_channel(html)
    assert list(channels) == ["atm", "mobile", "internet"]
    indonesian_menu, english_menu, app = MENUS[bank]
    assert app.replace("'", "&#39;") in channels["mobile"][0]
    all_steps = " ".join(step for _title, steps in channels.values() for step in steps)
    assert indonesian_menu.replace("'", "&#39;") in all_steps
    assert "Pastikan jumlahnya Rp190.000, lalu konfirmasi." in all_steps
    number = INSTRUCTIONS[bank].get("va_number") or INSTRUCTIONS[bank]["bill_key"]
    for _title, steps in channels.values():
        assert any(number in step for step in steps), "every channel says which number to enter"
    if bank == "mandiri":
        assert all(any("70012" in step for step in steps) for _title, steps in channels.values())

    shopper.post("/language", {"lang": "en", "next": "/"})
    english = steps_by_channel(client.get(f"/orders/{order.access_token}/status").get_data(as_text=True))
    english_steps = " ".join(step for _title, steps in english.values() for step in steps)
    assert english_menu.replace("'", "&#39;") in english_steps
    assert "Check that the amount is Rp190.000, then confirm." in english_steps


@pytest.mark.parametrize(
    "instructions, values",
    [
        (INSTRUCTIONS["bni"], [VA]),
        (INSTRUCTIONS["mandiri"], ["70012", "990123456789"]),
        ({"kind": "store", "store": "indomaret", "payment_code": "IDM123456"}, ["IDM123456"]),
    ],
)
def test_every_number_to_type_has_a_copy_button_that_needs_no_inline_script(client, order, instructions, values):
    with_instructions(order, instructions)
    html = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert re.findall(r'data-copy="([^"]+)"', html) == values
    # By its content-hashed name (cached for a year), deferred.
    assert re.search(r'<script src="/static/js/copy-[0-9a-f]{32}\.js" defer></script>', html)
    # CSP is script-src 'self': no inline script and no event-handler attributes.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_no_bank_steps_for_e_wallets_and_cards(client, order):
    with_instructions(order, {"kind": "ewallet", "provider": "gopay"})
    html = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    assert "pay-steps" not in html and "data-copy" not in html


def test_the_copy_script_is_served_and_only_copies_with_a_clipboard(client):
    with client.get("/static/js/copy.js") as response:
        script = response.get_data(as_text=True)
        assert response.status_code == 200
    assert "navigator.clipboard" in script and "can-copy" in script
