"""Wire formats: signature, amounts, timestamps and the status_code that goes with each state."""

import pytest

from storefront.sandbox.payloads import (
    amount_str,
    event_status_code,
    midtrans_time,
    notification_body,
    rupiah,
    signature_key,
    status_api_code,
    status_body,
)
from tests.support.midtrans_vectors import SIGNATURE_VECTORS


@pytest.mark.parametrize("order_id, status_code, gross_amount, key, expected", SIGNATURE_VECTORS)
def test_signature_matches_published_vectors(order_id, status_code, gross_amount, key, expected):
    assert signature_key(order_id, status_code, gross_amount, key) == expected


def test_signature_over_amount_without_decimals_does_not_match():
    negative = (
        "5f363520e86c10c2ea14074cd09dc1d67299633558abe291ded95a16908f9ec5071e982c289c3333bcbcfe62dd8e78ae4"
        "c3d3bd92191707ba2e91f7169d8411a"
    )
    order_id, status_code, _, key, expected = SIGNATURE_VECTORS[0]
    assert signature_key(order_id, status_code, "100000", key) == negative != expected


@pytest.mark.parametrize(
    "idr, text", [(150000, "Rp150.000"), (0, "Rp0"), (1250000, "Rp1.250.000"), (-20000, "-Rp20.000")]
)
def test_rupiah_display(idr, text):
    assert rupiah(idr) == text


def test_amounts_are_sent_with_two_decimals():
    assert amount_str(150000) == "150000.00"


def test_times_are_western_indonesian_time():
    assert midtrans_time(0) == "1970-01-01 07:00:00"


@pytest.mark.parametrize(
    "status, fraud, event_code, status_code",
    [
        ("pending", "accept", "201", "201"),
        ("capture", "accept", "200", "200"),
        ("capture", "challenge", "201", "201"),
        ("settlement", "accept", "200", "200"),
        ("refund", "accept", "200", "200"),
        ("partial_refund", "accept", "200", "200"),
        ("deny", "deny", "202", "202"),
        ("cancel", "accept", "202", "202"),
        ("expire", None, "202", "407"),
    ],
)
def test_status_code_for_each_state(status, fraud, event_code, status_code):
    fields = {"transaction_status": status, "fraud_status": fraud}
    assert event_status_code(fields) == event_code
    assert status_api_code(fields) == status_code


def test_bodies_are_signed_over_their_own_status_code():
    fields = {"transaction_status": "expire", "order_id": "o-1", "gross_amount": "150000.00"}
    notification = notification_body(fields, "k")
    status = status_body(fields, "k")
    assert notification["status_message"] == "midtrans payment notification"
    assert notification["signature_key"] == signature_key("o-1", "202", "150000.00", "k")
    assert status["status_message"] == "Success, transaction is found"
    assert status["signature_key"] == signature_key("o-1", "407", "150000.00", "k")
