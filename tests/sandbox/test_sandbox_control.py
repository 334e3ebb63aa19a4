"""Sandbox-only control endpoints used by the shop's CLI and tests."""

import pytest
import requests


def force(driver, order_id, **body):
    return requests.post(f"{driver.server.base_url}/sandbox/transactions/{order_id}/state", json=body, timeout=5)


def test_unknown_order_is_404(driver):
    response = requests.get(f"{driver.server.base_url}/sandbox/transactions/nope", timeout=5)
    assert response.status_code == 404
    assert force(driver, "nope", transaction_status="settlement").status_code == 404


def test_an_order_without_a_method_has_no_transaction_status(driver):
    created = driver.create()
    stored = driver.stored(created["order_id"])
    assert "transaction_status" not in stored
    assert stored["snap"]["token"] == created["token"]
    assert stored["snap"]["redirect_url"] == created["redirect_url"]
    assert stored["attempts"] == []


def test_forcing_settlement_creates_a_bca_transaction_and_notifies(driver, receiver):
    created = driver.create()
    response = force(driver, created["order_id"], transaction_status="settlement")

    assert response.status_code == 200
    body = response.json()
    assert (body["transaction_status"], body["payment_type"]) == ("settlement", "bank_transfer")
    assert body["va_numbers"][0]["bank"] == "bca"
    notification = receiver.wait_for(1)[0].json
    assert (notification["transaction_status"], notification["status_code"]) == ("settlement", "200")
    assert driver.core.transactions.status(created["order_id"])["transaction_status"] == "settlement"


def test_forcing_without_notify_sends_nothing(driver, receiver, sandbox_server):
    created = driver.create()
    force(driver, created["order_id"], transaction_status="expire", payment_type="gopay", notify=False)

    assert sandbox_server.wait_for_notifications()
    assert receiver.received() == []
    assert driver.stored(created["order_id"])["payment_type"] == "gopay"


@pytest.mark.parametrize("status", ["pending", "deny", "cancel", "refund"])
def test_forced_states(driver, status):
    created = driver.create()
    body = force(
        driver, created["order_id"], transaction_status=status, payment_type="credit_card", notify=False
    ).json()
    assert body["transaction_status"] == status
    assert body["payment_type"] == "credit_card"
    if status == "refund":
        assert body["refund_amount"] == "150000.00"
        assert len(body["refunds"]) == 1


def test_forcing_an_unknown_state_is_400(driver):
    created = driver.create()
    assert force(driver, created["order_id"], transaction_status="paid").status_code == 400
    assert force(driver, created["order_id"], transaction_status="settlement", payment_type="cash").status_code == 400
    assert force(driver, created["order_id"]).status_code == 400
