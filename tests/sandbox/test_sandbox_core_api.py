"""Core API: status, cancel, expire, refund, approve/deny, with Midtrans's answers and 412/414 rules."""

import re
import uuid

import midtransclient
import pytest
import requests

from storefront.sandbox import SANDBOX_SERVER_KEY


def api_error(call, *args):
    with pytest.raises(midtransclient.MidtransAPIError) as caught:
        call(*args)
    return caught.value


def paid_with(driver, method):
    created = driver.create()
    if method == "credit_card":
        driver.pay_card(created, "4811111111111114")
    else:
        driver.choose(created, method)
        driver.simulate(created, "pay")
    return created["order_id"]


def test_status_is_404_until_a_method_is_chosen_then_200(driver):
    created = driver.create()

    error = api_error(driver.core.transactions.status, created["order_id"])
    assert error.http_status_code == 404
    assert error.api_response_dict["status_code"] == "404"
    assert error.api_response_dict["status_message"] == "Transaction doesn't exist."
    assert re.fullmatch(r"[0-9a-f-]{36}", error.api_response_dict["id"])

    driver.choose(created, "bca_va")
    status = driver.core.transactions.status(created["order_id"])
    assert status["status_code"] == "201"
    assert status["status_message"] == "Success, transaction is found"
    assert status["transaction_status"] == "pending"
    assert status["order_id"] == created["order_id"]
    assert status["signature_key"]
    by_transaction_id = driver.core.transactions.status(status["transaction_id"])
    assert by_transaction_id["transaction_id"] == status["transaction_id"]


def test_unknown_id_is_404(driver):
    error = api_error(driver.core.transactions.status, "no-such-order")
    assert error.http_status_code == 404


def test_core_api_with_a_wrong_key_is_401(driver, sandbox_server):
    response = requests.get(f"{sandbox_server.base_url}/v2/x/status", auth=("SB-Mid-server-wrong", ""), timeout=5)
    assert response.status_code == 401
    assert response.json() == {
        "status_code": "401",
        "status_message": "Transaction cannot be authorized with the current client/server key.",
    }


def test_expire_answers_407_and_notifies(driver, receiver):
    created = driver.create()
    driver.choose(created, "bca_va")

    # midtransclient treats the 407 body as success, like every official library.
    expired = driver.core.transactions.expire(created["order_id"])
    assert expired["status_code"] == "407"
    assert expired["status_message"] == "Success, transaction has expired"
    assert expired["transaction_status"] == "expire"
    notification = receiver.wait_for(2)[1].json
    assert (notification["transaction_status"], notification["status_code"]) == ("expire", "202")
    status = driver.core.transactions.status(created["order_id"])
    assert (status["status_code"], status["transaction_status"]) == ("407", "expire")

    error = api_error(driver.core.transactions.expire, created["order_id"])
    assert error.http_status_code == 412


def test_cancel_a_pending_transaction(driver, receiver):
    created = driver.create()
    driver.choose(created, "gopay")

    cancelled = driver.core.transactions.cancel(created["order_id"])
    assert cancelled["status_code"] == "200"
    assert cancelled["status_message"] == "Success, transaction is canceled"
    assert cancelled["transaction_status"] == "cancel"
    notification = receiver.wait_for(2)[1].json
    assert (notification["transaction_status"], notification["status_code"]) == ("cancel", "202")


def test_cancel_a_captured_card(driver):
    created = driver.create()
    driver.pay_card(created, "4811111111111114")
    assert driver.core.transactions.cancel(created["order_id"])["transaction_status"] == "cancel"


def test_cancel_after_settlement_is_412(driver):
    order_id = paid_with(driver, "bca_va")
    error = api_error(driver.core.transactions.cancel, order_id)
    assert error.http_status_code == 412
    assert error.api_response_dict == {
        "status_code": "412",
        "status_message": "Merchant cannot modify the status of the transaction",
    }


def test_actions_on_unknown_ids_are_404(driver):
    for action in (driver.core.transactions.cancel, driver.core.transactions.expire, driver.core.transactions.approve):
        assert api_error(action, "unknown-order").http_status_code == 404


@pytest.mark.parametrize("method", ["bca_va", "permata_va", "echannel", "indomaret"])
def test_refund_is_refused_for_bank_transfer_bill_and_store_payments(driver, method):
    order_id = paid_with(driver, method)
    error = api_error(driver.core.transactions.refund, order_id, {"refund_key": "r1", "amount": 1000})
    assert error.http_status_code == 412


def test_refund_of_a_pending_payment_is_412(driver):
    created = driver.create()
    driver.choose(created, "gopay")
    assert api_error(driver.core.transactions.refund, created["order_id"], {"amount": 1000}).http_status_code == 412


def test_partial_then_full_refund(driver, receiver, sandbox_server):
    order_id = paid_with(driver, "gopay")

    partial = driver.core.transactions.refund(order_id, {"refund_key": "rf-1", "amount": 50000, "reason": "one broken"})
    assert partial["status_code"] == "200"
    assert partial["status_message"] == "Success, refund request is approved"
    assert partial["transaction_status"] == "partial_refund"
    assert partial["refund_amount"] == "50000.00"
    assert partial["refund_key"] == "rf-1"
    assert isinstance(partial["refund_chargeback_id"], int)

    rest = driver.core.transactions.refund(order_id, {"refund_key": "rf-2", "reason": "all of it"})
    assert rest["transaction_status"] == "refund"
    assert rest["refund_amount"] == "100000.00"

    status = driver.core.transactions.status(order_id)
    assert status["transaction_status"] == "refund"
    assert status["refund_amount"] == "150000.00"
    assert [r["refund_key"] for r in status["refunds"]] == ["rf-1", "rf-2"]
    first = status["refunds"][0]
    assert first["refund_amount"] == "50000.00"
    assert first["reason"] == "one broken"
    assert first["refund_method"] == "online"
    assert first["created_at"] and first["bank_confirmed_at"]
    assert first["refund_chargeback_id"] == partial["refund_chargeback_id"]

    assert sandbox_server.wait_for_notifications()
    statuses = [(r.json["transaction_status"], r.json["status_code"]) for r in receiver.received()]
    assert statuses == [("pending", "201"), ("settlement", "200"), ("partial_refund", "200"), ("refund", "200")]
    assert receiver.received()[-1].json["refund_amount"] == "150000.00"


def test_shopeepay_refunds_only_the_whole_payment(driver, receiver, sandbox_server):
    order_id = paid_with(driver, "shopeepay")

    error = api_error(driver.core.transactions.refund, order_id, {"refund_key": "sp-1", "amount": 50000})
    assert error.http_status_code == 414
    assert driver.core.transactions.status(order_id)["transaction_status"] == "settlement"

    whole = driver.core.transactions.refund(order_id, {"refund_key": "sp-2", "reason": "order cancelled"})
    assert whole["transaction_status"] == "refund"
    assert whole["refund_amount"] == "150000.00"


def test_refund_key_is_idempotent(driver, sandbox_server, receiver):
    order_id = paid_with(driver, "qris")
    first = driver.core.transactions.refund(order_id, {"refund_key": "same", "amount": 10000})
    again = driver.core.transactions.refund(order_id, {"refund_key": "same", "amount": 10000})

    assert again == first
    status = driver.core.transactions.status(order_id)
    assert status["refund_amount"] == "10000.00"
    assert len(status["refunds"]) == 1
    assert sandbox_server.wait_for_notifications()
    assert len(receiver.received()) == 3  # pending, settlement, one partial_refund


@pytest.mark.parametrize("amount", [150001, 0, -5, 1000.5, "1000"])
def test_refund_with_an_invalid_amount_is_414(driver, amount):
    order_id = paid_with(driver, "shopeepay")
    error = api_error(driver.core.transactions.refund, order_id, {"refund_key": str(uuid.uuid4()), "amount": amount})
    assert error.http_status_code == 414
    assert error.api_response_dict["status_message"] == "Refund request is rejected due to invalid amount"


def test_refund_beyond_what_remains_is_414(driver):
    order_id = paid_with(driver, "credit_card")
    # A captured card settles later at Midtrans; force the settlement to refund it now.
    requests.post(
        f"{driver.server.base_url}/sandbox/transactions/{order_id}/state",
        json={"transaction_status": "settlement", "notify": False},
        timeout=5,
    )
    driver.core.transactions.refund(order_id, {"refund_key": "a", "amount": 100000})
    error = api_error(driver.core.transactions.refund, order_id, {"refund_key": "b", "amount": 50001})
    assert error.http_status_code == 414


def test_approve_a_challenged_card(driver, receiver):
    created = driver.create()
    driver.pay_card(created, "4511111111111117")

    approved = driver.core.transactions.approve(created["order_id"])
    assert approved["status_code"] == "200"
    assert approved["status_message"] == "Success, transaction is approved"
    assert (approved["transaction_status"], approved["fraud_status"]) == ("capture", "accept")
    notification = receiver.wait_for(2)[1].json
    assert (notification["transaction_status"], notification["fraud_status"], notification["status_code"]) == (
        "capture",
        "accept",
        "200",
    )


def test_deny_a_challenged_card(driver, receiver):
    created = driver.create()
    driver.pay_card(created, "4511111111111117")

    denied = driver.core.transactions.deny(created["order_id"])
    assert denied["status_message"] == "Success, transaction is denied"
    assert (denied["transaction_status"], denied["fraud_status"]) == ("deny", "deny")
    notification = receiver.wait_for(2)[1].json
    assert (notification["transaction_status"], notification["status_code"]) == ("deny", "202")


@pytest.mark.parametrize("card", ["4811111111111114", None])
def test_approve_and_deny_need_a_challenged_transaction(driver, card):
    created = driver.create()
    if card:
        driver.pay_card(created, card)
    else:
        driver.choose(created, "bca_va")
    assert api_error(driver.core.transactions.approve, created["order_id"]).http_status_code == 412
    assert api_error(driver.core.transactions.deny, created["order_id"]).http_status_code == 412


def test_core_api_actions_require_the_server_key(sandbox_server):
    response = requests.post(f"{sandbox_server.base_url}/v2/x/cancel", timeout=5)
    assert response.status_code == 401
    response = requests.post(f"{sandbox_server.base_url}/v2/x/cancel", auth=(SANDBOX_SERVER_KEY, ""), timeout=5)
    assert response.status_code == 404
