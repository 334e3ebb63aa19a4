"""POST /snap/v1/transactions: authentication, Midtrans's validation, and the duplicate order_id rules."""

import re
import uuid
from datetime import datetime, timedelta, timezone

import midtransclient
import pytest
import requests

from storefront.sandbox import SANDBOX_SERVER_KEY, create_sandbox_app

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def snap_post(server, body, key=SANDBOX_SERVER_KEY):
    return requests.post(f"{server.base_url}/snap/v1/transactions", json=body, auth=(key, ""), timeout=5)


def test_create_answers_201_with_a_uuid_token_and_a_redirect_url(driver, sandbox_server):
    order_id = driver.new_order_id()
    response = snap_post(sandbox_server, {"transaction_details": {"order_id": order_id, "gross_amount": 150000}})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "redirect_url"}
    assert UUID4.match(body["token"])
    assert body["redirect_url"] == f"{sandbox_server.base_url}/snap/v3/redirection/{body['token']}"


def test_midtransclient_create_transaction_works(driver):
    created = driver.create()
    assert UUID4.match(created["token"])
    assert driver.page(created).status_code == 200


@pytest.mark.parametrize("key", ["SB-Mid-server-wrong", ""])
def test_wrong_or_missing_server_key_is_401_with_the_snap_error_body(sandbox_server, configure, key):
    snap = configure(midtransclient.Snap(is_production=False), sandbox_server, server_key=key)
    with pytest.raises(midtransclient.MidtransAPIError) as caught:
        snap.create_transaction({"transaction_details": {"order_id": "o-401", "gross_amount": 1000}})
    assert caught.value.http_status_code == 401
    assert caught.value.api_response_dict == {
        "error_messages": [
            "Access denied due to unauthorized transaction, please check client or server key",
            "Visit https://snap-docs.midtrans.com/#request-headers for more details",
        ]
    }


def test_no_authorization_header_is_401(sandbox_server):
    response = requests.post(
        f"{sandbox_server.base_url}/snap/v1/transactions",
        json={"transaction_details": {"order_id": "o", "gross_amount": 1}},
        timeout=5,
    )
    assert response.status_code == 401


def test_gross_amount_must_equal_the_sum_of_item_details(sandbox_server):
    response = snap_post(
        sandbox_server,
        {
            "transaction_details": {"order_id": "o-sum", "gross_amount": 150001},
            "item_details": [{"name": "Kopi", "price": 50000, "quantity": 3}],
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "error_messages": ["transaction_details.gross_amount is not equal to the sum of item_details"]
    }


def test_negative_item_lines_count_towards_the_sum(sandbox_server):
    response = snap_post(
        sandbox_server,
        {
            "transaction_details": {"order_id": "o-discount", "gross_amount": 140000},
            "item_details": [
                {"name": "Kopi", "price": 50000, "quantity": 3},
                {"name": "Discount", "price": -10000, "quantity": 1},
            ],
        },
    )
    assert response.status_code == 201


@pytest.mark.parametrize("gross_amount", [150000.5, 150000.0, "150000", True])
def test_non_integer_gross_amount_is_rejected(sandbox_server, gross_amount):
    response = snap_post(sandbox_server, {"transaction_details": {"order_id": "o-dec", "gross_amount": gross_amount}})
    assert response.status_code == 400
    assert "status_code" not in response.json()
    assert any(m.startswith("transaction_details.gross_amount") for m in response.json()["error_messages"])


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "transaction_details.order_id is required"),
        ({}, "transaction_details.gross_amount is required"),
        ({"transaction_details": {"order_id": "x" * 51, "gross_amount": 1}}, "transaction_details.order_id too long"),
        (
            {"transaction_details": {"order_id": "has space", "gross_amount": 1}},
            "transaction_details.order_id contains invalid characters",
        ),
        (
            {"transaction_details": {"order_id": "o", "gross_amount": 0}},
            "transaction_details.gross_amount must be greater than 0",
        ),
        (
            {
                "transaction_details": {"order_id": "o", "gross_amount": 1},
                "item_details": [{"price": 1, "quantity": 1}],
            },
            "item_details Name is required",
        ),
        (
            {
                "transaction_details": {"order_id": "o", "gross_amount": 1},
                "item_details": [{"name": "n" * 51, "price": 1, "quantity": 1}],
            },
            "item_details Name too long",
        ),
        (
            {
                "transaction_details": {"order_id": "o", "gross_amount": 1},
                "item_details": [{"name": "n", "price": 0.5, "quantity": 2}],
            },
            "item_details Price must be an integer",
        ),
        (
            {
                "transaction_details": {"order_id": "o", "gross_amount": 1},
                "item_details": [{"name": "n", "price": 1, "quantity": 0}],
            },
            "item_details Quantity must be greater than or equal to 1",
        ),
        (
            {"transaction_details": {"order_id": "o", "gross_amount": 1}, "expiry": {"unit": "week", "duration": 1}},
            "expiry.unit is invalid",
        ),
    ],
)
def test_invalid_requests_get_400_with_error_messages(sandbox_server, body, message):
    response = snap_post(sandbox_server, body)
    assert response.status_code == 400
    assert message in response.json()["error_messages"]


def test_order_id_allows_letters_digits_and_dash_underscore_dot_tilde(sandbox_server):
    response = snap_post(sandbox_server, {"transaction_details": {"order_id": "Aa0-_.~" + "x" * 43, "gross_amount": 1}})
    assert response.status_code == 201


def test_recreating_before_a_method_is_chosen_issues_a_new_token_and_retires_the_old(driver):
    first = driver.create()
    second = driver.create(order_id=first["order_id"])

    assert second["token"] != first["token"]
    old_page = driver.page(first)
    assert old_page.status_code == 404
    assert "token not found" in old_page.text
    assert driver.page(second).status_code == 200


def test_recreating_after_a_method_was_chosen_is_refused(driver):
    created = driver.create()
    driver.choose(created, "bca_va")

    with pytest.raises(midtransclient.MidtransAPIError) as caught:
        driver.create(order_id=created["order_id"])
    assert caught.value.http_status_code == 400
    assert caught.value.api_response_dict == {"error_messages": ["transaction_details.order_id has already been taken"]}


def test_recreating_after_payment_says_paid_and_utilized(driver):
    created = driver.create()
    driver.choose(created, "bca_va")
    driver.simulate(created, "pay")

    with pytest.raises(midtransclient.MidtransAPIError) as caught:
        driver.create(order_id=created["order_id"])
    assert caught.value.api_response_dict == {
        "error_messages": ["transaction_details.order_id has been paid and utilized, please use another order ID"]
    }


def test_public_base_url_is_used_for_redirect_url(tmp_path):
    app = create_sandbox_app(db_path=str(tmp_path / "s.sqlite3"), public_base_url="https://sandbox.example/")
    client = app.test_client()
    response = client.post(
        "/snap/v1/transactions",
        json={"transaction_details": {"order_id": "o-pub", "gross_amount": 1}},
        auth=(SANDBOX_SERVER_KEY, ""),
    )
    token = response.get_json()["token"]
    assert response.get_json()["redirect_url"] == f"https://sandbox.example/snap/v3/redirection/{token}"


def test_enabled_payments_restricts_the_methods_offered(driver):
    created = driver.create(enabled_payments=["bca_va", "gopay", "cstore"])
    html = driver.page(created).text

    offered = re.findall(r'name="method" value="([a-z_]+)"', html)
    assert offered == ["bca_va", "gopay", "indomaret", "alfamart"]
    refused = driver.choose(created, "bni_va")
    assert refused.status_code == 409
    assert driver.stored(created["order_id"]).get("transaction_status") is None


def test_expiry_start_time_in_the_past_expires_the_page(driver):
    start = datetime.now(timezone(timedelta(hours=7))) - timedelta(hours=2)
    created = driver.create(
        expiry={"start_time": start.strftime("%Y-%m-%d %H:%M:%S +0700"), "unit": "hours", "duration": 1}
    )

    page = driver.page(created)
    assert page.status_code == 200
    assert "expired" in page.text
    assert driver.choose(created, "bca_va").status_code == 409


def test_snap_request_keeps_custom_fields_for_the_notifications(driver):
    created = driver.create(
        custom_field1="internal-42", customer_details={"first_name": "Siti", "email": "s@example.id"}
    )
    driver.choose(created, "gopay")
    stored = driver.stored(created["order_id"])
    assert stored["custom_field1"] == "internal-42"
    assert stored["snap"]["customer_details"]["first_name"] == "Siti"


def test_random_token_is_not_a_page(sandbox_server):
    response = requests.get(f"{sandbox_server.base_url}/snap/v3/redirection/{uuid.uuid4()}", timeout=5)
    assert response.status_code == 404
    assert "token not found" in response.text
