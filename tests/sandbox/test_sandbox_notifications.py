"""Notification delivery: routing headers, Midtrans's retry policy, redirects, ordering, the delivery log."""

import socket
import threading
import time

import pytest
import requests


@pytest.mark.parametrize(
    "status, deliveries",
    [(200, 1), (204, 1), (500, 2), (503, 5), (400, 3), (404, 3), (301, 1), (302, 1), (303, 1), (418, 6), (502, 6)],
)
def test_retry_policy_by_response_code(driver, receiver, sandbox_server, status, deliveries):
    receiver.respond("/notify", (status, {"Location": "https://elsewhere.example/"}))
    created = driver.create()
    driver.choose(created, "bca_va")

    assert sandbox_server.wait_for_notifications()
    assert len(receiver.received("/notify")) == deliveries
    log = driver.deliveries(created["order_id"])
    assert [row["attempt"] for row in log] == list(range(1, deliveries + 1))
    assert {row["http_status"] for row in log} == {status}
    assert log[-1]["outcome"] == ("delivered" if status < 300 else "failed")


def test_a_retry_that_succeeds_stops_retrying(driver, receiver, sandbox_server):
    receiver.respond("/notify", 503, 503, 200)
    created = driver.create()
    driver.choose(created, "bca_va")

    assert sandbox_server.wait_for_notifications()
    assert len(receiver.received()) == 3
    assert [row["outcome"] for row in driver.deliveries(created["order_id"])] == ["failed", "failed", "delivered"]


def test_connection_errors_are_retried_five_times(start_sandbox, make_driver):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{probe.getsockname()[1]}/notify"
    server = start_sandbox()

    driver = make_driver(server, nobody)
    created = driver.create()
    driver.choose(created, "bca_va")

    assert server.wait_for_notifications()
    log = driver.deliveries(created["order_id"])
    assert len(log) == 6
    assert all(row["http_status"] is None and row["error"] for row in log)


def test_307_and_308_are_followed_with_the_same_body(driver, receiver, sandbox_server):
    receiver.respond("/notify", (307, {"Location": "/moved"}))
    receiver.respond("/moved", (308, {"Location": receiver.url("/final")}))
    created = driver.create()
    driver.choose(created, "bca_va")

    assert sandbox_server.wait_for_notifications()
    original, moved, final = receiver.received()
    assert [original.path, moved.path, final.path] == ["/notify", "/moved", "/final"]
    assert original.body == moved.body == final.body
    assert [row["outcome"] for row in driver.deliveries(created["order_id"])] == [
        "redirected",
        "redirected",
        "delivered",
    ]


def test_an_endless_redirect_chain_gives_up_after_five_redirects(driver, receiver, sandbox_server):
    receiver.respond("/notify", (307, {"Location": "/notify"}))
    created = driver.create()
    driver.choose(created, "bca_va")

    assert sandbox_server.wait_for_notifications()
    assert len(receiver.received()) == 6  # the first POST and five redirects, then no retries
    assert driver.deliveries(created["order_id"])[-1]["error"] == "too many redirects"


def test_override_header_replaces_the_default_url(start_sandbox, receiver, make_driver):
    server = start_sandbox(default_notification_url=receiver.url("/default"))

    driver = make_driver(server, receiver.url("/override-1") + ", " + receiver.url("/override-2"))
    driver.choose(driver.create(), "bca_va")

    assert server.wait_for_notifications()
    assert sorted(r.path for r in receiver.received()) == ["/override-1", "/override-2"]


def test_default_and_appended_urls_both_receive(start_sandbox, receiver, make_driver):
    server = start_sandbox(default_notification_url=receiver.url("/default"))

    driver = make_driver(server, None)
    driver.snap.api_config.custom_headers = {"X-Append-Notification": receiver.url("/appended")}
    driver.choose(driver.create(), "bca_va")

    assert server.wait_for_notifications()
    assert sorted(r.path for r in receiver.received()) == ["/appended", "/default"]


def test_without_any_notification_url_nothing_is_sent(start_sandbox, receiver, make_driver):
    server = start_sandbox()

    driver = make_driver(server, None)
    created = driver.create()
    driver.choose(created, "bca_va")

    assert server.wait_for_notifications()
    assert driver.deliveries(created["order_id"]) == []


def test_notifications_of_one_order_arrive_in_order_even_across_retries(driver, receiver, sandbox_server):
    receiver.respond("/notify", 500, 200)
    created = driver.create()
    driver.choose(created, "bca_va")
    driver.simulate(created, "pay")

    assert sandbox_server.wait_for_notifications()
    assert [r.json["transaction_status"] for r in receiver.received()] == ["pending", "pending", "settlement"]


def test_notification_is_sent_after_the_request_that_caused_it_returns(driver, receiver, sandbox_server):
    gate = receiver.hold("/notify")
    created = driver.create()

    started = time.monotonic()
    chosen = driver.choose(created, "bca_va")
    elapsed = time.monotonic() - started

    assert chosen.status_code == 303
    assert elapsed < 1.0  # the merchant endpoint is still blocked, yet the page answered
    receiver.wait_for(1)
    gate.set()
    assert sandbox_server.wait_for_notifications()


def test_delivery_log_records_url_status_and_time(driver, receiver, sandbox_server):
    created = driver.create()
    driver.choose(created, "bca_va")
    assert sandbox_server.wait_for_notifications()

    [row] = driver.deliveries(created["order_id"])
    assert row["url"] == receiver.url("/notify")
    assert row["http_status"] == 200
    assert row["outcome"] == "delivered"
    assert row["attempted_at"]
    assert row["body"]["transaction_status"] == "pending"
    everything = requests.get(f"{sandbox_server.base_url}/sandbox/notifications", timeout=5).json()
    assert row in everything


def test_stopping_the_server_abandons_pending_retries(start_sandbox, receiver, make_driver):
    server = start_sandbox(retry_delays=(30,))

    driver = make_driver(server, receiver.url("/notify"))
    receiver.respond("/notify", 503)
    driver.choose(driver.create(), "bca_va")
    receiver.wait_for(1)

    stopper = threading.Thread(target=server.stop)
    started = time.monotonic()
    stopper.start()
    stopper.join(5)
    assert not stopper.is_alive()
    assert time.monotonic() - started < 5
