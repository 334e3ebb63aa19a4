"""Lost notifications are repaired by `flask payments reconcile`; `flask payments simulate` drives a running shop."""

from datetime import timedelta

import pytest

from storefront import create_app
from storefront.extensions import db
from storefront.models import Variant, utcnow
from storefront.payments.recheck import reconcile
from tests.support.helpers import closed_port_url, force_sandbox_state, point_gateway_at, the_order


@pytest.fixture
def awaiting(placed_order):
    return placed_order


def test_reconcile_applies_a_settlement_whose_notification_was_lost(app, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting.current_attempt.midtrans_order_id, "settlement", "bank_transfer")
    results = reconcile(older_than_minutes=0)
    assert [message for _id, message in results] == ["order awaiting_payment -> paid"]
    assert the_order().payment_status == "paid"
    assert reconcile(older_than_minutes=0) == []  # nothing unfinished left


def test_reconcile_expires_an_unused_snap_page_after_its_window(app, sandbox, awaiting):
    later = utcnow() + timedelta(minutes=app.config["PAYMENT_EXPIRY_MINUTES"] + 5)
    results = reconcile(now=later, older_than_minutes=0)
    assert "expired" in results[0][1]
    order = the_order()
    assert order.payment_status == "expired" and not order.stock_reserved
    assert db.session.execute(db.select(Variant.stock)).scalar_one() == 10


def test_reconcile_leaves_a_young_unused_snap_page_alone(app, sandbox, awaiting):
    results = reconcile(older_than_minutes=0)
    assert results[0][1] == "no transaction at Midtrans yet"
    assert the_order().payment_status == "awaiting_payment"


def test_reconcile_reports_an_unreachable_status_api_and_changes_nothing(app, awaiting):
    point_gateway_at(app, closed_port_url())
    results = reconcile(older_than_minutes=0)
    assert "unavailable" in results[0][1]
    assert the_order().payment_status == "awaiting_payment"


def test_reconcile_command_prints_what_it_did(app, sandbox, awaiting):
    force_sandbox_state(sandbox, awaiting.current_attempt.midtrans_order_id, "settlement", "bank_transfer")
    result = app.test_cli_runner().invoke(args=["payments", "reconcile", "--older-than", "0"])
    assert result.exit_code == 0
    assert f"{awaiting.current_attempt.midtrans_order_id}: order awaiting_payment -> paid" in result.output


def test_simulate_sends_a_signed_notification_that_the_running_shop_applies(app_config, sandbox, live_shop, awaiting):
    # The command as a developer runs it: no Midtrans key, so the built-in sandbox at its configured address.
    builtin = {"MIDTRANS_SERVER_KEY": "", "MIDTRANS_SANDBOX_HOST": sandbox.host, "MIDTRANS_SANDBOX_PORT": sandbox.port}
    developer_app = create_app({**app_config, **builtin})
    with developer_app.app_context():
        try:
            result = developer_app.test_cli_runner().invoke(
                args=[
                    "payments",
                    "simulate",
                    awaiting.reference,
                    "settlement",
                    "--url",
                    live_shop.url + "/payments/notification",
                ]
            )
        finally:
            db.session.remove()
            db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "HTTP 200" in result.output
    assert the_order().payment_status == "paid"


def test_simulate_against_real_midtrans_cannot_overrule_the_status_api(app, live_shop, awaiting):
    result = app.test_cli_runner().invoke(
        args=[
            "payments",
            "simulate",
            awaiting.reference,
            "settlement",
            "--url",
            live_shop.url + "/payments/notification",
        ]
    )
    assert result.exit_code == 0, result.output
    assert the_order().payment_status == "awaiting_payment"


def test_simulate_unknown_reference_fails_clearly(app):
    result = app.test_cli_runner().invoke(args=["payments", "simulate", "SF-NOPE", "settlement"])
    assert result.exit_code != 0 and "No order" in result.output
