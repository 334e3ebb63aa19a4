"""E-mails name the order's voucher and its discount beside the totals they show: the shopper sees in
their inbox the same sum as on the order page (items + shipping - discount = total)."""

import pytest

from storefront.extensions import db
from storefront.mail.outbox import deliver_pending
from storefront.payments.apply import apply_status
from storefront.payments.gateway import TransactionStatus
from storefront.vouchers.models import KIND_PERCENT, Voucher
from tests.support.helpers import forget_per_request_state, make_product, the_order


@pytest.fixture
def kopi(app):
    return make_product("Kopi Gayo", price=85000, stock=10)


@pytest.fixture
def hemat10(app):
    voucher = Voucher(code="HEMAT10", kind=KIND_PERCENT, percent=10, usage_limit=None, per_customer_limit=None)
    db.session.add(voucher)
    db.session.commit()
    return voucher


def place(shopper, kopi, code="HEMAT10"):
    shopper.add(kopi.id, 2)
    if code:
        shopper.post("/cart/voucher", {"code": code})
    assert shopper.checkout().status_code == 303
    return the_order()


def settle(order, transaction_status="settlement", **extra):
    status = TransactionStatus(
        order_id=order.current_attempt.midtrans_order_id,
        transaction_status=transaction_status,
        status_code="200",
        gross_amount=f"{order.total_idr}.00",
        payment_type="bank_transfer",
        **extra,
    )
    apply_status(order.current_attempt.id, status, source="notification")


def bodies(sent_mail, subject_start):
    return [body for _to, subject, body in sent_mail if subject.startswith(subject_start)]


def test_the_order_placed_and_paid_emails_show_the_voucher_and_the_discounted_total(
    app, shopper, kopi, hemat10, sent_mail, monkeypatch
):
    monkeypatch.setitem(app.config, "MERCHANT_EMAIL", "toko@example.co.id")
    order = place(shopper, kopi)
    settle(order)
    deliver_pending()
    for subject in (
        f"Pesanan kamu {order.reference}",
        f"Pembayaran pesanan {order.reference}",
        f"Dibayar: pesanan {order.reference}",
    ):
        [body] = bodies(sent_mail, subject)
        # Rp170.000 - Rp17.000 + Rp20.000 shipping.
        assert "Voucher HEMAT10: −Rp17.000\nTotal: Rp173.000" in body, (subject, body)


def test_an_english_order_says_it_in_english(app, shopper, kopi, hemat10, sent_mail):
    forget_per_request_state(app)
    shopper.post("/language", {"lang": "en", "next": "/"})
    order = place(shopper, kopi)
    deliver_pending()
    [body] = bodies(sent_mail, f"Your order {order.reference}")
    assert "Voucher HEMAT10: −Rp17.000\nTotal: Rp173.000" in body


def test_an_order_without_a_voucher_has_no_voucher_line(shopper, kopi, hemat10, sent_mail):
    order = place(shopper, kopi, code=None)
    deliver_pending()
    [body] = bodies(sent_mail, f"Pesanan kamu {order.reference}")
    assert "Voucher" not in body and "Total: Rp190.000" in body


def test_the_refund_email_names_the_voucher_beside_the_amount(shopper, kopi, hemat10, sent_mail):
    order = place(shopper, kopi)
    settle(order)
    settle(order, "refund", refund_amount="173000.00")
    deliver_pending()
    [body] = bodies(sent_mail, f"Pengembalian dana pesanan {order.reference}")
    assert "Rp173.000" in body and "Voucher HEMAT10: −Rp17.000" in body
