"""The back office speaks the merchant's language: words for every code, one date-time format with the
store's zone, raw Midtrans data only inside the "data" disclosure."""

import re
from datetime import datetime, timezone

from tests.support.admin import make_order

NOON_UTC = datetime(2026, 12, 1, 3, 38, 5, tzinfo=timezone.utc)


def test_the_order_page_and_the_back_office_use_the_same_format(app, client, admin):
    order = make_order(status="paid", created_at=NOON_UTC)
    shopper_page = client.get(f"/orders/{order.access_token}").get_data(as_text=True)
    staff_page = admin.order_page(order.reference)
    listing = admin.get("/admin/orders").get_data(as_text=True)
    assert "1 Des 2026, 10:38 WIB" in shopper_page
    # The staff browser of these tests reads English: the same format, in its language.
    for page in (staff_page, listing):
        assert "1 Dec 2026, 10:38 WIB" in page
        assert not re.search(r"\d\d/\d\d/\d\d|\d\d\.\d\d\.\d\d", page)


# Codes that must never reach a staff member outside the "data" disclosure.
RAW_CODES = [
    "awaiting_payment",
    "partially_refunded",
    "under_review",
    "bank_transfer",
    "credit_card",
    "settlement",
    "transaction_status",
    "status API",
    "-&gt;",
    "->",
    "Refund key",
    "succeeded",
    "manual_refund",
    "resolve_attention",
]


def outside_data(html):
    """The page without the raw-data disclosures (and without attribute values, which are for machines)."""
    html = re.sub(r'<details class="admin-data">.*?</details>', "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r'="[^"]*"', '=""', html)


def test_an_order_page_speaks_words_not_codes(admin, sandbox, placed):
    from tests.support.admin import choose_method, settle

    choose_method(sandbox, placed, "bca_va")
    admin.act(placed.reference, "recheck", confirm=False)
    settle(sandbox, placed, "bank_transfer")
    admin.act(placed.reference, "recheck", confirm=False)
    token = admin.form_value(placed.reference, "manual-request_token")
    data = {
        "amount_idr": 5000,
        "bank_name": "BCA",
        "account_number": "123",
        "account_holder": "Siti",
        "paid_out_by": "Dewi",
        "request_token": token,
    }
    assert admin.act(placed.reference, "manual-refund", data, prefix="manual").status_code == 200
    html = admin.order_page(placed.reference)
    visible = outside_data(html)
    assert [code for code in RAW_CODES if code in visible] == []
    assert "Virtual account BCA" in visible and "settled" in visible and "Rp5.000" in visible and "Done" in visible
    assert "Order: Awaiting payment → Paid" in visible
    assert "settlement" in html  # ... the raw data is still there, inside its disclosure
    listing = outside_data(admin.get("/admin/orders").get_data(as_text=True))
    assert [code for code in RAW_CODES if code in listing] == []
