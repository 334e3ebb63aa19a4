"""E-mails: queued by the signal receivers (one row per event), sent outside the request, at most once,
in the shopper's language; to the merchant when an order is paid or needs attention."""

import logging

import pytest

from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.mail.outbox import _claim, deliver
from tests.support.admin import choose_method, pay_by_card, settle
from tests.support.helpers import force_sandbox_state, signed_notification, the_order, wait_until


def outbox():
    db.session.rollback()
    return db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def kinds():
    return [m.kind for m in outbox()]


def send_all(app):
    result = app.test_cli_runner().invoke(args=["mail", "retry"])
    return result


def sent(smtp, to=None):
    return [m for _, rcpt, m in smtp.messages if to is None or to in rcpt]


def body(message):
    return message.get_content()


def notify(client, order, status="settlement", amount="190000.00"):
    return client.post(
        "/payments/notification", json=signed_notification(order.current_attempt.midtrans_order_id, status, amount)
    )


@pytest.fixture
def english(shopper):
    shopper.post("/language", {"lang": "en", "next": "/"})


def test_order_placed_mail_has_the_private_link_and_how_to_pay(app, smtp, english, placed):
    assert kinds() == ["order_placed"]
    assert outbox()[0].status == "pending"  # nothing is sent inside the request
    assert send_all(app).exit_code == 0
    [message] = sent(smtp)
    assert message["To"] == "siti@example.co.id" and message["From"] == "Toko Nusantara <toko@toko.example>"
    assert message["Subject"] == f"Your order {placed.reference}: how to pay · Toko Nusantara"
    text = body(message)
    assert f"http://localhost/orders/{placed.access_token}" in text
    assert "2 × Kopi Gayo: Rp170.000" in text and "Total: Rp190.000" in text
    assert "How to pay: open your order page" in text and "Please pay before" in text
    assert "&#" not in text and "&amp;" not in text  # plain text, not HTML-escaped
    assert outbox()[0].status == "sent"


def test_paid_mails_the_shopper_and_the_merchant_once(app, client, sandbox, smtp, english, placed):
    settle(sandbox, placed)
    assert notify(client, placed).status_code == 200
    assert notify(client, placed).status_code == 200  # a repeat queues nothing more
    assert kinds() == ["order_placed", "paid", "merchant_paid"]
    send_all(app)
    send_all(app)  # and a second run sends nothing again
    [paid] = [m for m in sent(smtp, "siti@example.co.id") if "Payment received" in m["Subject"]]
    assert "We have received your payment" in body(paid) and "Jl. Malioboro No. 12" in body(paid)
    [merchant] = sent(smtp, "owner@toko.example")
    assert merchant["Subject"] == f"Dibayar: pesanan {placed.reference} · Toko Nusantara"  # the shop's language
    assert f"http://localhost/admin/orders/{placed.reference}" in body(merchant)
    assert len(smtp.messages) == 3


def test_no_merchant_mail_without_a_merchant_address(app, client, sandbox, smtp, placed):
    app.config["MERCHANT_EMAIL"] = ""
    settle(sandbox, placed)
    notify(client, placed)
    assert kinds() == ["order_placed", "paid"]


def test_cancelled_order_mail(app, admin, smtp, english, placed):
    admin.act(placed.reference, "cancel")
    assert kinds() == ["order_placed", "cancelled"]
    send_all(app)
    [message] = [m for m in sent(smtp) if "cancelled" in m["Subject"]]
    assert f"Your order {placed.reference} has been cancelled. No payment is due." in body(message)


def test_expired_order_mail_from_the_reconcile_command_links_to_the_shop(app, sandbox, smtp, english, placed):
    choose_method(sandbox, placed)
    force_sandbox_state(sandbox, placed.current_attempt.midtrans_order_id, "expire")
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["payments", "reconcile", "--older-than", "0"])
    assert result.exit_code == 0, result.output
    assert kinds() == ["order_placed", "expired"]
    send_all(app)
    [message] = [m for m in sent(smtp) if "run out" in m["Subject"]]
    # No request behind the reconcile command: the link uses the address the order was placed at.
    assert f"http://localhost/orders/{placed.access_token}" in body(message)
    assert '"Pay again"' in body(message)


def test_one_refund_mail_per_refund(app, admin, sandbox, smtp, english, placed):
    settle(sandbox, placed, "gopay")
    admin.act(placed.reference, "recheck", confirm=False)
    for amount in (50000, 140000):
        token = admin.form_value(placed.reference, "refund-request_token")
        admin.act(placed.reference, "refund", {"amount_idr": amount, "request_token": token})
    assert [m.dedupe_key.split(":", 1)[1] for m in outbox() if m.kind == "refunded"] == [
        "refunded:50000",
        "refunded:190000",
    ]
    send_all(app)
    refund_mails = [body(m) for m in sent(smtp, "siti@example.co.id") if "Refund for order" in m["Subject"]]
    assert len(refund_mails) == 2
    assert "Refunded so far: Rp50.000 of Rp190.000." in refund_mails[0]
    assert "in full: Rp190.000" in refund_mails[1]


def test_shipped_mail_has_the_tracking_number(app, admin, sandbox, smtp, english, placed):
    settle(sandbox, placed)
    admin.act(placed.reference, "recheck", confirm=False)
    admin.act(placed.reference, "ship", {"carrier": "JNE", "tracking_number": "JNE123456789"})
    send_all(app)
    [message] = [m for m in sent(smtp) if "on its way" in m["Subject"]]
    assert "Carrier: JNE" in body(message) and "Tracking number: JNE123456789" in body(message)


def test_an_order_that_needs_attention_mails_the_merchant(app, admin, smtp, placed):
    pay_by_card(placed, "4511 1111 1111 1117")
    admin.act(placed.reference, "recheck", confirm=False)
    assert "merchant_attention" in kinds()
    send_all(app)
    [message] = sent(smtp, "owner@toko.example")
    assert message["Subject"] == f"Perlu perhatian: pesanan {placed.reference} · Toko Nusantara"
    assert "Pembayaran kartu sedang ditinjau: setujui atau tolak" in body(message)
    assert f"http://localhost/admin/orders/{placed.reference}" in body(message)


def test_mail_follows_the_shoppers_language(app, smtp, placed):
    # The shopper kept the default language: Bahasa Indonesia.
    assert the_order().locale == "id"
    send_all(app)
    [message] = sent(smtp)
    assert message["Subject"] == f"Pesanan kamu {placed.reference}: cara membayar · Toko Nusantara"
    text = body(message)
    assert text.startswith("Halo Siti Rahmawati,") and "Cara membayar: buka halaman pesanan kamu" in text
    assert "Ongkir (JNE REG): Rp20.000" in text and "How to pay" not in text


def test_without_a_mail_server_messages_go_to_the_log(app, placed, caplog):
    app.config["MAIL_SERVER"] = ""
    with caplog.at_level(logging.INFO, logger="storefront.mail.transport"):
        send_all(app)
    assert "e-mail not sent (no MAIL_SERVER set) to siti@example.co.id" in caplog.text
    assert f"/orders/{placed.access_token[:4]}…" in caplog.text  # the link, its key redacted
    assert placed.access_token not in caplog.text
    assert outbox()[0].status == "sent"


def test_a_failed_send_is_kept_and_sent_once_by_mail_retry(app, smtp, placed):
    smtp.refuse = True
    result = send_all(app)
    assert result.exit_code == 1 and "1 failed" in result.output
    [message] = outbox()
    assert message.status == "failed" and "550" in message.last_error
    smtp.refuse = False
    assert send_all(app).exit_code == 0
    assert send_all(app).exit_code == 0
    assert len(smtp.messages) == 1 and outbox()[0].attempts == 2


def test_an_unreachable_mail_server_does_not_touch_the_payment(app, client, sandbox, placed):
    from tests.support.helpers import closed_port_url

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=int(closed_port_url().rsplit(":", 1)[1]), MAIL_USE_TLS=False)
    settle(sandbox, placed)
    assert notify(client, placed).status_code == 200
    assert the_order().payment_status == "paid"
    assert send_all(app).exit_code == 1
    assert {m.status for m in outbox()} == {"failed"}


def test_a_failing_receiver_never_breaks_a_notification(app, client, sandbox, placed, monkeypatch, caplog):
    from storefront.mail import receivers

    def broken(*args, **kwargs):
        raise RuntimeError("outbox table is gone")

    monkeypatch.setattr(receivers, "enqueue", broken)
    settle(sandbox, placed)
    assert notify(client, placed).status_code == 200
    assert the_order().payment_status == "paid"
    assert "could not queue e-mail" in caplog.text


def test_a_claimed_message_is_not_sent_by_a_second_sender(app, smtp, placed):
    [message] = outbox()
    assert _claim(message.id, include_stuck=False)  # another sender has it
    assert deliver(message.id) is None
    assert smtp.messages == []
    assert send_all(app).exit_code == 0 and smtp.messages == []  # stuck in "sending": not resent by default


def test_background_delivery_sends_without_a_command(app, smtp, placed, shopper, kopi):
    app.config["MAIL_BACKGROUND"] = True
    shopper.add(kopi.id, 1)
    shopper.checkout()
    wait_until(lambda: len(smtp.messages) >= 2, timeout=10)  # this order's mail and the one left before
    wait_until(lambda: {m.status for m in outbox()} == {"sent"}, timeout=10)
    # The sender thread has left its app context (and given its connection back) before the app's engine
    # is disposed: a connection held past that would be garbage-collected unclosed.
    wait_until(lambda: app.extensions["storefront_mail"].get("thread") is None, timeout=10)


def test_mail_retry_resends_a_stuck_message_only_when_asked(app, smtp, placed):
    from datetime import timedelta

    from storefront.models import utcnow

    [message] = outbox()
    message.status, message.claimed_at = "sending", utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert send_all(app).exit_code == 0 and smtp.messages == []
    result = app.test_cli_runner().invoke(args=["mail", "retry", "--include-stuck"])
    assert result.exit_code == 0 and len(smtp.messages) == 1


def test_a_signed_notification_with_another_amount_flags_the_order_and_mails_the_merchant(app, client, smtp, placed):
    assert notify(client, placed, amount="1000.00").status_code == 400
    order = the_order()
    assert order.payment_status == "awaiting_payment" and order.attention == "amount_mismatch"
    assert kinds().count("merchant_attention") == 1
    notify(client, placed, amount="1000.00")  # Midtrans retries: still one mail
    assert kinds().count("merchant_attention") == 1


def test_a_signed_mismatched_amount_on_a_paid_order_is_recorded_each_time_flagged_once_and_mailed_once(
    app, client, smtp, placed, sandbox
):
    from storefront.models import PaymentEvent

    settle(sandbox, placed)
    assert notify(client, placed).status_code == 200
    paid = the_order()
    assert paid.payment_status == "paid" and paid.attention is None
    version = paid.status_version
    for _ in range(3):
        assert notify(client, placed, amount="1000.00").status_code == 400
    order = the_order()
    assert order.payment_status == "paid" and order.attention == "amount_mismatch"
    assert order.status_version == version + 1  # the order page changes once, not at every retry
    events = db.session.execute(db.select(PaymentEvent.outcome)).scalars().all()
    assert sum("gross_amount does not match" in (e or "") for e in events) == 3
    assert kinds().count("merchant_attention") == 1


def test_a_signed_mismatched_amount_never_overwrites_another_flag(app, client, smtp, placed):
    order = the_order()
    order.attention = "chargeback"
    db.session.commit()
    assert notify(client, placed, amount="1000.00").status_code == 400
    assert the_order().attention == "chargeback"
    assert kinds().count("merchant_attention") == 1  # the mismatch is still mailed, once
