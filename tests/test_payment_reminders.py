"""The payment reminder: one e-mail per payment attempt when a third of the window is left and the
order is still unpaid, sent by the scheduled `flask mail remind`; never after payment, never twice."""

import threading
from datetime import timedelta

import pytest
import requests

from storefront.extensions import db
from storefront.mail.models import OutboxMessage
from storefront.mail.outbox import deliver_pending
from storefront.mail.reminders import send_payment_reminders
from storefront.models import Order, utcnow
from tests.support.helpers import force_sandbox_state, signed_notification


def reminders(sent_mail):
    return [m for m in sent_mail if "Pengingat" in m[1] or "Reminder" in m[1]]


def move_window(order, minutes_left, window=60):
    """As if the attempt had been started `window - minutes_left` minutes ago."""
    attempt = order.current_attempt
    now = utcnow()
    attempt.created_at = now - timedelta(minutes=window - minutes_left)
    attempt.expires_at = now + timedelta(minutes=minutes_left)
    db.session.commit()


def remind(app):
    result = app.test_cli_runner().invoke(args=["mail", "remind"])
    assert result.exit_code == 0, result.output
    return result.output


def notify(client, order, status):
    body = signed_notification(order.current_attempt.midtrans_order_id, status, "190000.00")
    assert client.post("/payments/notification", json=body).status_code == 200


@pytest.fixture
def bca_order(client, sandbox, placed_order):
    """The shopper chose BCA VA on the Snap page; Midtrans told the shop (pending, with the number)."""
    response = requests.post(
        placed_order.current_attempt.redirect_url + "/method",
        data={"method": "bca_va"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code in (302, 303)
    notify(client, placed_order, "pending")
    db.session.refresh(placed_order.current_attempt)
    assert placed_order.current_attempt.instructions["kind"] == "va"
    deliver_pending()  # the order's own "how to pay" e-mail
    return placed_order


def test_a_reminder_goes_out_once_when_a_third_of_the_window_is_left(app, bca_order, sent_mail):
    move_window(bca_order, minutes_left=25)
    assert "Queued 0" in remind(app)
    move_window(bca_order, minutes_left=19)
    assert "Queued 1" in remind(app)
    assert "Queued 0" in remind(app)
    [(to, subject, body)] = reminders(sent_mail)
    assert to == bca_order.email
    assert subject.startswith(f"Pengingat: pesanan {bca_order.reference} menunggu pembayaran kamu")
    va_number = bca_order.current_attempt.instructions["va_number"]
    assert f"Virtual Account BCA: {va_number}" in body
    assert "Transaksi Lainnya › Transfer › Ke Rek BCA Virtual Account" in body
    assert f"/orders/{bca_order.access_token}" in body


def test_no_reminder_once_the_order_is_paid(app, client, sandbox, bca_order, sent_mail):
    force_sandbox_state(sandbox, bca_order.current_attempt.midtrans_order_id, "settlement", "bank_transfer")
    notify(client, bca_order, "settlement")
    assert db.session.get(Order, bca_order.id).payment_status == "paid"
    move_window(bca_order, minutes_left=10)
    remind(app)
    assert reminders(sent_mail) == []


def test_a_reminder_queued_before_the_payment_arrived_is_dropped(app, client, sandbox, bca_order, sent_mail):
    move_window(bca_order, minutes_left=10)
    assert send_payment_reminders() == 1  # queued; the sender has not run yet
    force_sandbox_state(sandbox, bca_order.current_attempt.midtrans_order_id, "settlement", "bank_transfer")
    notify(client, bca_order, "settlement")
    deliver_pending()
    assert reminders(sent_mail) == []
    [row] = db.session.execute(db.select(OutboxMessage).where(OutboxMessage.kind == "payment_reminder")).scalars()
    assert row.status == "dropped"


def test_no_reminder_in_the_last_minutes_nor_after_the_window(app, bca_order, sent_mail):
    move_window(bca_order, minutes_left=2)
    remind(app)
    move_window(bca_order, minutes_left=-5)
    remind(app)
    assert reminders(sent_mail) == []


def test_a_reminder_before_a_method_is_chosen_says_where_to_choose_it(app, placed_order, sent_mail):
    deliver_pending()
    move_window(placed_order, minutes_left=15)
    remind(app)
    [(_to, _subject, body)] = reminders(sent_mail)
    assert "pilih cara membayar" in body
    assert "Rp190.000" in body


def test_two_schedulers_at_once_queue_one_reminder(app, bca_order, sent_mail):
    move_window(bca_order, minutes_left=15)
    results = []

    def scheduler():
        with app.app_context():
            results.append(send_payment_reminders())
            db.session.remove()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(results) == [0, 0, 0, 1]
    deliver_pending()
    assert len(reminders(sent_mail)) == 1


def test_reminders_can_be_switched_off(make_app, db_kind):
    with make_app(PAYMENT_REMINDERS=False) as app:
        assert "Queued 0" in remind(app)
