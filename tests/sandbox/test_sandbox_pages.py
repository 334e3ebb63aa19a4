"""The hosted payment page: choosing a method, simulating payment/failure/expiry, cards, redirects."""

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from storefront.sandbox import SANDBOX_SERVER_KEY

LABELS = {
    "bca_va": "BCA Virtual Account",
    "bni_va": "BNI Virtual Account",
    "bri_va": "BRI Virtual Account",
    "permata_va": "Permata Virtual Account",
    "echannel": "Mandiri Bill",
    "gopay": "GoPay",
    "qris": "QRIS",
    "shopeepay": "ShopeePay",
    "indomaret": "Indomaret",
    "alfamart": "Alfamart",
    "credit_card": "Credit/Debit Card",
}


def expected_signature(body):
    text = body["order_id"] + body["status_code"] + body["gross_amount"] + SANDBOX_SERVER_KEY
    return hashlib.sha512(text.encode()).hexdigest()


def query_of(response):
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def test_page_shows_order_amount_items_and_every_method(driver):
    created = driver.create(gross_amount=150000)
    page = driver.page(created)

    assert page.status_code == 200
    assert created["order_id"] in page.text
    assert "Rp150.000" in page.text
    assert "Kopi Gayo 250 g" in page.text
    assert "SANDBOX — no real money" in page.text
    for value, label in LABELS.items():
        assert re.search(
            rf'<button type="submit" name="method" value="{value}"[^>]*>{re.escape(label)}</button>', page.text
        )
    assert 'action="/snap/v3/redirection/' in page.text


def test_choosing_bca_va_sends_a_signed_pending_notification(driver, receiver):
    created = driver.create()
    chosen = driver.choose(created, "bca_va")
    assert chosen.status_code == 303

    [notification] = receiver.wait_for(1)
    body = notification.json
    assert notification.headers["Content-Type"] == "application/json"
    assert notification.headers["Accept"] == "application/json"
    assert notification.headers["User-Agent"] == "Veritrans"
    assert body["transaction_status"] == "pending"
    assert body["status_code"] == "201"
    assert body["status_message"] == "midtrans payment notification"
    assert body["payment_type"] == "bank_transfer"
    assert body["gross_amount"] == "150000.00"
    assert body["currency"] == "IDR"
    assert body["fraud_status"] == "accept"
    assert body["va_numbers"][0]["bank"] == "bca" and body["va_numbers"][0]["va_number"].isdigit()
    assert body["payment_amounts"] == []
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", body["transaction_time"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", body["expiry_time"])
    assert body["signature_key"] == expected_signature(body)


def test_instructions_page_shows_the_va_number_and_the_three_simulations(driver):
    created = driver.create()
    driver.choose(created, "bca_va")
    va_number = driver.stored(created["order_id"])["va_numbers"][0]["va_number"]

    page = driver.page(created).text
    assert va_number in page
    for button_id, text in (("pay", "Simulate payment"), ("deny", "Simulate failure"), ("expire", "Let it expire")):
        assert re.search(rf'id="{button_id}">{text}<', page)


def test_simulated_payment_settles_notifies_and_returns_to_the_finish_url(driver, receiver):
    created = driver.create()
    driver.choose(created, "bca_va")
    paid = driver.simulate(created, "pay")

    assert paid.status_code == 303
    assert paid.headers["Location"].startswith("https://shop.example/finish?")
    assert query_of(paid) == {"order_id": created["order_id"], "status_code": "200", "transaction_status": "settlement"}
    pending, settlement = (r.json for r in receiver.wait_for(2))
    assert pending["transaction_status"] == "pending"
    assert settlement["transaction_status"] == "settlement"
    assert settlement["status_code"] == "200"
    assert settlement["transaction_id"] == pending["transaction_id"]
    assert settlement["settlement_time"]
    assert settlement["payment_amounts"] == [{"paid_at": settlement["settlement_time"], "amount": "150000.00"}]
    assert settlement["signature_key"] == expected_signature(settlement)


def test_simulated_failure_goes_to_the_error_callback(driver, receiver):
    created = driver.create(
        callbacks={"finish": "https://shop.example/finish", "error": "https://shop.example/error?x=1"}
    )
    driver.choose(created, "bni_va")
    denied = driver.simulate(created, "deny")

    assert denied.headers["Location"].startswith("https://shop.example/error?x=1&")
    assert query_of(denied)["transaction_status"] == "deny"
    assert query_of(denied)["status_code"] == "202"
    assert receiver.wait_for(2)[1].json["transaction_status"] == "deny"


def test_letting_it_expire_notifies_and_returns_to_finish(driver, receiver):
    created = driver.create()
    driver.choose(created, "gopay")
    expired = driver.simulate(created, "expire")

    assert query_of(expired) == {"order_id": created["order_id"], "status_code": "202", "transaction_status": "expire"}
    assert receiver.wait_for(2)[1].json["status_code"] == "202"
    assert "Payment expired" in driver.page(created).text


def test_an_action_on_a_final_transaction_changes_nothing(driver, receiver, sandbox_server):
    created = driver.create()
    driver.choose(created, "bca_va")
    driver.simulate(created, "pay")

    again = driver.simulate(created, "expire")
    assert again.status_code == 409
    assert "already settlement" in again.text
    assert driver.stored(created["order_id"])["transaction_status"] == "settlement"
    assert sandbox_server.wait_for_notifications()
    assert [r.json["transaction_status"] for r in receiver.received()] == ["pending", "settlement"]


def test_without_a_finish_url_the_page_itself_shows_the_result(driver):
    created = driver.create(callbacks={})
    driver.choose(created, "qris")
    paid = driver.simulate(created, "pay")

    assert paid.headers["Location"].endswith(f"/snap/v3/redirection/{created['token']}")
    assert "Payment received" in driver.page(created).text


def test_back_to_merchant_link_carries_the_current_state(driver):
    created = driver.create()
    before = driver.page(created).text
    assert f'href="https://shop.example/finish?order_id={created["order_id"]}"' in before

    driver.choose(created, "bca_va")
    after = driver.page(created).text
    assert (
        f'href="https://shop.example/finish?order_id={created["order_id"]}'
        '&amp;status_code=201&amp;transaction_status=pending"'
    ) in after


@pytest.mark.parametrize(
    "method, payment_type, expected",
    [
        ("bni_va", "bank_transfer", {"va_numbers": [{"bank": "bni"}]}),
        ("bri_va", "bank_transfer", {"va_numbers": [{"bank": "bri"}]}),
        ("permata_va", "bank_transfer", {"permata_va_number": str}),
        ("echannel", "echannel", {"biller_code": "70012", "bill_key": str}),
        ("gopay", "gopay", {}),
        ("qris", "qris", {"acquirer": "gopay"}),
        ("shopeepay", "shopeepay", {}),
        ("indomaret", "cstore", {"store": "indomaret", "payment_code": str}),
        ("alfamart", "cstore", {"store": "alfamart", "payment_code": str}),
    ],
)
def test_each_method_creates_a_pending_transaction_with_its_fields(driver, receiver, method, payment_type, expected):
    created = driver.create()
    driver.choose(created, method)
    body = receiver.wait_for(1)[0].json

    assert body["payment_type"] == payment_type
    assert body["transaction_status"] == "pending"
    for key, value in expected.items():
        if value is str:
            assert body[key].isdigit()
        elif key == "va_numbers":
            assert body[key][0]["bank"] == value[0]["bank"]
        else:
            assert body[key] == value
    # Midtrans sends no fraud_status for convenience-store payments.
    assert ("fraud_status" in body) == (payment_type != "cstore")
    assert driver.page(created).status_code == 200


def test_card_form_has_a_labelled_card_number_field(driver):
    created = driver.create()
    chosen = driver.choose(created, "credit_card")
    assert chosen.status_code == 303

    form = driver.page({"redirect_url": created["redirect_url"] + "/credit-card"}).text
    assert '<label for="card_number">Card number</label>' in form
    assert 'name="card_number"' in form
    assert re.search(r'id="pay-card">Pay now<', form)
    # Choosing the card form alone is not a payment attempt yet.
    assert "transaction_status" not in driver.stored(created["order_id"])


def test_accepted_card_captures_and_notifies_with_card_fields(driver, receiver):
    created = driver.create()
    paid = driver.pay_card(created, "4811 1111 1111 1114")

    assert query_of(paid) == {"order_id": created["order_id"], "status_code": "200", "transaction_status": "capture"}
    body = receiver.wait_for(1)[0].json
    assert body["transaction_status"] == "capture"
    assert body["fraud_status"] == "accept"
    assert body["status_code"] == "200"
    assert body["payment_type"] == "credit_card"
    assert body["masked_card"] == "48111111-1114"
    assert body["bank"] == "bni"
    assert body["card_type"] == "credit"
    assert body["approval_code"]
    assert {"eci", "channel_response_code", "three_ds_version"} <= set(body)
    assert body["signature_key"] == expected_signature(body)


def test_declined_card_can_be_retried_with_another_card(driver, receiver):
    created = driver.create()
    declined = driver.pay_card(created, "4911111111111113")

    assert declined.status_code == 200
    assert "declined" in declined.text
    deny = receiver.wait_for(1)[0].json
    assert (deny["transaction_status"], deny["status_code"]) == ("deny", "202")
    assert "approval_code" not in deny

    paid = driver.pay_card(created, "4811111111111114")
    assert query_of(paid)["transaction_status"] == "capture"
    capture = receiver.wait_for(2)[1].json
    assert capture["transaction_status"] == "capture"
    assert capture["transaction_id"] != deny["transaction_id"]
    assert driver.core.transactions.status(created["order_id"])["transaction_id"] == capture["transaction_id"]


def test_after_a_declined_card_another_method_can_be_chosen(driver, receiver):
    created = driver.create()
    driver.pay_card(created, "4911111111111113")
    assert "was declined" in driver.page(created).text

    assert driver.choose(created, "bca_va").status_code == 303
    assert receiver.wait_for(2)[1].json["transaction_status"] == "pending"


def test_challenged_card_is_captured_with_fraud_status_challenge(driver, receiver):
    created = driver.create()
    paid = driver.pay_card(created, "4511111111111117")

    assert query_of(paid)["status_code"] == "201"
    body = receiver.wait_for(1)[0].json
    assert (body["transaction_status"], body["fraud_status"], body["status_code"]) == ("capture", "challenge", "201")
    assert "under review" in driver.page(created).text


def test_unknown_card_number_is_explained_and_creates_nothing(driver):
    created = driver.create()
    response = driver.pay_card(created, "4111111111111111")

    assert response.status_code == 422
    assert "test cards" in response.text
    assert "transaction_status" not in driver.stored(created["order_id"])


def test_a_second_method_cannot_be_chosen_while_one_is_pending(driver):
    created = driver.create()
    driver.choose(created, "bca_va")

    refused = driver.choose(created, "gopay")
    assert refused.status_code == 409
    assert "already chosen" in refused.text
    assert driver.stored(created["order_id"])["payment_type"] == "bank_transfer"
