"""The gateway's pure parts: signatures (with Midtrans's published vectors), Snap bodies, parsing."""

from datetime import datetime, timezone

import pytest

from storefront.payments.gateway import (
    GatewayConfig,
    SnapItem,
    SnapRequest,
    build_snap_payload,
    parse_amount,
    parse_transaction,
    payment_instructions,
    signature_for,
    split_name,
    verify_signature,
)
from tests.support.midtrans_vectors import SIGNATURE_VECTORS


@pytest.mark.parametrize("order_id, status_code, gross, key, digest", SIGNATURE_VECTORS)
def test_signature_matches_midtrans_published_vectors(order_id, status_code, gross, key, digest):
    assert signature_for(order_id, status_code, gross, key) == digest
    body = {"order_id": order_id, "status_code": status_code, "gross_amount": gross, "signature_key": digest}
    assert verify_signature(body, key)


def test_amount_without_decimals_does_not_verify():
    # Midtrans signs "100000.00"; re-formatting the amount breaks the signature (negative vector).
    order_id, status_code, _gross, key, digest = SIGNATURE_VECTORS[0]
    assert not verify_signature(
        {"order_id": order_id, "status_code": status_code, "gross_amount": "100000", "signature_key": digest}, key
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"order_id": "1"},
        {"order_id": None, "status_code": "200", "gross_amount": "1.00", "signature_key": "x"},
        {"order_id": "1", "status_code": "200", "gross_amount": ["1"], "signature_key": "x"},
        {"order_id": "1", "status_code": "200", "gross_amount": "1.00", "signature_key": 5},
    ],
)
def test_malformed_bodies_never_verify_and_never_raise(body):
    assert verify_signature(body, "key") is False


def test_numeric_fields_from_payment_link_samples_are_hashed_as_text():
    digest = signature_for("PL-1", "201", "10000", "key")
    assert verify_signature(
        {"order_id": "PL-1", "status_code": 201, "gross_amount": 10000, "signature_key": digest}, "key"
    )


@pytest.mark.parametrize(
    "text, value",
    [
        ("150000.00", 150000),
        ("150000", 150000),
        ("1.50", None),
        ("abc", None),
        ("-5.00", None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_amounts_are_whole_rupiah(text, value):
    assert parse_amount(text) == value


def snap_request(**overrides):
    values = dict(
        order_id="SF-ABCDEFGHJK-1",
        gross_amount_idr=190000,
        items=(
            SnapItem("1", "Kopi Gayo Arabika Premium Single Origin Aceh Tengah 250 g", 85000, 2),
            SnapItem("shipping", "Ongkos kirim", 20000, 1),
        ),
        customer={
            "first_name": "Siti",
            "last_name": "Rahmawati",
            "email": "s@example.com",
            "phone": "+6281234567890",
            "address": "Jl. A",
            "city": "Yogyakarta",
            "postal_code": "55213",
        },
        finish_url="https://shop.example/payments/finish",
        start_time=datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc),
        expiry_minutes=60,
        custom_field1="SF-ABCDEFGHJK",
    )
    values.update(overrides)
    return SnapRequest(**values)


def test_snap_body_follows_the_documented_shape():
    body = build_snap_payload(snap_request())
    assert body["transaction_details"] == {"order_id": "SF-ABCDEFGHJK-1", "gross_amount": 190000}
    assert sum(i["price"] * i["quantity"] for i in body["item_details"]) == 190000
    assert all(len(i["name"]) <= 50 for i in body["item_details"])
    assert body["callbacks"] == {"finish": "https://shop.example/payments/finish"}
    assert body["expiry"] == {"start_time": "2026-11-28 10:00:00 +0700", "unit": "minutes", "duration": 60}
    assert body["customer_details"]["shipping_address"]["country_code"] == "IDN"
    assert body["credit_card"] == {"secure": True}
    assert all(isinstance(i["price"], int) for i in body["item_details"])


def test_snap_body_refuses_items_that_do_not_sum_to_the_total():
    with pytest.raises(ValueError):
        build_snap_payload(snap_request(gross_amount_idr=190001))


def test_names_fit_bca_virtual_account_limits():
    first, last = split_name("Raden Ayu Kusumawardhani Sekar Arum Prameswari Putri")
    assert len(first) + len(last) + 1 <= 30


def test_config_repr_never_shows_the_server_key():
    assert "SB-Mid-server-secret" not in repr(GatewayConfig(server_key="SB-Mid-server-secret"))


@pytest.mark.parametrize(
    "raw, expected",
    [
        (
            {"payment_type": "bank_transfer", "va_numbers": [{"bank": "bca", "va_number": "12345"}]},
            {"kind": "va", "bank": "bca", "va_number": "12345"},
        ),
        (
            {"payment_type": "bank_transfer", "permata_va_number": "8562"},
            {"kind": "va", "bank": "permata", "va_number": "8562"},
        ),
        (
            {"payment_type": "echannel", "biller_code": "70012", "bill_key": "99"},
            {"kind": "bill", "bank": "mandiri", "biller_code": "70012", "bill_key": "99"},
        ),
        (
            {"payment_type": "cstore", "store": "indomaret", "payment_code": "ABC"},
            {"kind": "store", "store": "indomaret", "payment_code": "ABC"},
        ),
        ({"payment_type": "qris"}, {"kind": "ewallet", "provider": "qris"}),
        ({"payment_type": "something_new"}, None),
    ],
)
def test_payment_instructions_from_each_method(raw, expected):
    assert payment_instructions(raw) == expected


def test_parse_transaction_is_lenient_about_unknown_fields():
    status = parse_transaction(
        {
            "order_id": "A-1",
            "transaction_status": "settlement",
            "status_code": "200",
            "gross_amount": "10000.00",
            "brand_new_field": {"x": 1},
        }
    )
    assert status.gross_amount_idr == 10000 and status.fraud_status is None
