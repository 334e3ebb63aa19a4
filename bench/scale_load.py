"""The load of bench/scale_out.py: shoppers, pollers, Midtrans notifications and one client's burst.

Bounded (a few threads, each waiting for its answer before the next request) and on the loopback only.
Each shopper visit comes from its own address in 127.0.0.0/8 -- Linux answers the whole range on `lo` --
so the shop's per-client rate limits see many shoppers, as they would in production, and one burst
client sees its own limit. Every request is recorded with its start, end, target and status.
"""

import itertools
import queue
import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import HTTPAdapter

from tests.support.helpers import (  # tests/helpers.py: the same bodies the tests send
    SHIPPING_FIELDS,
    SHIPPING_FRAGMENT,
    VALID_CUSTOMER,
    signed_notification,
)

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
CHECKOUT_KEY = re.compile(r'name="checkout_key" type="hidden" value="([^"]*)"')
TOTALS_FINGERPRINT = re.compile(r'name="totals_fingerprint" type="hidden" value="([^"]*)"')
ORDER_PATH = re.compile(r"/orders/([^/?]+)")

# What each kind of request may answer when the shop works; anything else is "unexpected".
EXPECTED = {
    "catalog": {200},
    "cart_add": {303, 422},  # 422: the product sold out meanwhile
    "checkout_form": {200, 303},
    "checkout_shipping": {200},  # 303: back to the cart, which says what sold out
    "checkout": {303},  # to Snap, or back to the cart when the stock is gone
    "return": {303},
    "poll": {200, 286, 304},
    "notification": {200},
    "burst_page": {200},
    "burst": {303, 429},
}


@dataclass
class Record:
    kind: str
    target: str  # "lb", an instance name, or "sandbox"
    start: float
    end: float
    status: int  # 0: no HTTP answer (connection refused or reset, timeout)


@dataclass
class Paid:
    midtrans_order_id: str
    gross_amount: str  # as Midtrans writes it, e.g. "190000.00"
    served_by: str


@dataclass
class LoadState:
    """What the clients share: the record, the open orders to poll, the payments to notify."""

    lb_url: str
    sandbox_url: str
    instance_urls: dict[str, str]
    products: list[int]  # the scarce products shoppers buy
    burst_product: int  # one with plenty of stock: the burst must meet the limit, not a sold-out product
    stop: threading.Event = field(default_factory=threading.Event)
    records: list[Record] = field(default_factory=list)
    open_orders: list[str] = field(default_factory=list)
    paid: "queue.Queue[Paid]" = field(default_factory=queue.Queue)
    settled: list[str] = field(default_factory=list)  # Midtrans order ids the bench paid at the double
    killed: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    addresses: "itertools.count" = field(default_factory=lambda: itertools.count(1))
    subnet: int = field(default_factory=lambda: random.randrange(1, 250))

    def next_address(self) -> str:
        # A fresh client address per visit; the random second octet keeps this run's rate-limit
        # counters apart from an earlier run's still-open windows in the same Redis.
        n = next(self.addresses)
        return f"127.{self.subnet}.{n // 250 % 250}.{n % 250 + 1}"

    def live_instances(self, besides: str = "") -> list[str]:
        return [name for name in self.instance_urls if name not in self.killed and name != besides]

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)


class SourceAddressAdapter(HTTPAdapter):
    """requests' documented extension point (a transport adapter): connect from a chosen local address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Client:
    """One browser (or Midtrans) at one address; records every request it makes."""

    def __init__(self, state: LoadState, address: str):
        self.state = state
        self.http = requests.Session()
        self.http.mount("http://", SourceAddressAdapter(address))

    def url(self, target: str, path: str) -> str:
        if target == "lb":
            return self.state.lb_url + path
        return self.state.instance_urls[target] + path

    def send(self, kind: str, method: str, url: str, target: str, **kwargs) -> requests.Response | None:
        start = time.monotonic()
        try:
            response = self.http.request(method, url, allow_redirects=False, timeout=15, **kwargs)
        except requests.RequestException:
            response = None
        self.state.add(
            Record(kind, target, start, time.monotonic(), response.status_code if response is not None else 0)
        )
        return response

    def shop(self, kind: str, method: str, path: str, target: str = "lb", **kwargs) -> requests.Response | None:
        return self.send(kind, method, self.url(target, path), target, **kwargs)


def csrf_token(html: str) -> str | None:
    match = CSRF.search(html)
    return (match.group(1) or match.group(2)) if match else None


def shopper(state: LoadState, rng: random.Random, pay_share: float) -> None:
    while not state.stop.is_set():
        visit(Client(state, state.next_address()), state, rng, pay_share)


def visit(client: Client, state: LoadState, rng: random.Random, pay_share: float) -> None:
    """Catalog -> add a scarce product -> checkout -> back from Snap; most shoppers then pay."""
    page = client.shop("catalog", "GET", "/")
    token = csrf_token(page.text) if page is not None and page.status_code == 200 else None
    if not token:
        return
    product = rng.choice(state.products)
    added = client.shop(
        "cart_add",
        "POST",
        "/cart/add",
        data={"csrf_token": token, "product_id": product, "quantity": rng.choice((1, 1, 2))},
    )
    if added is None or added.status_code != 303:
        return
    form = client.shop("checkout_form", "GET", "/checkout/")
    key = CHECKOUT_KEY.search(form.text) if form is not None and form.status_code == 200 else None
    if not key:
        return
    # The page's htmx update once the address and service are picked: it carries the fingerprint of the
    # totals shown (with the shipping price), which the shop checks when the order is placed.
    shown = client.shop(
        "checkout_shipping",
        "GET",
        "/checkout/shipping",
        params={k: VALID_CUSTOMER[k] for k in SHIPPING_FIELDS},
        headers=SHIPPING_FRAGMENT,
    )
    fingerprint = TOTALS_FINGERPRINT.search(shown.text) if shown is not None and shown.status_code == 200 else None
    if not fingerprint:
        return
    placed = client.shop(
        "checkout",
        "POST",
        "/checkout/",
        data={
            "csrf_token": token,
            "checkout_key": key.group(1),
            **VALID_CUSTOMER,
            "totals_fingerprint": fingerprint.group(1),
        },
    )
    snap_url = placed.headers.get("Location", "") if placed is not None else ""
    if not snap_url.startswith(state.sandbox_url):
        return  # sold out: back to the cart
    served_by = placed.headers.get("X-Served-By", "")
    # Back from Snap without paying (as ShopeePay returns: no query string): the shop finds the
    # order through the session, whichever instance made it.
    back = client.shop("return", "GET", "/payments/unfinish")
    order = ORDER_PATH.search(back.headers.get("Location", "")) if back is not None else None
    if order:
        with state.lock:
            state.open_orders.append(order.group(1))
    if rng.random() < pay_share:
        pay_at_double(client, state, snap_url, served_by)


def pay_at_double(client: Client, state: LoadState, snap_url: str, served_by: str) -> None:
    """Choose a virtual account on the double's Snap page and pay; the double then notifies the shop."""
    client.send("snap", "POST", snap_url + "/method", "sandbox", data={"method": "bca_va"})
    paid = client.send("snap", "POST", snap_url + "/pay", "sandbox")
    if paid is None or paid.status_code not in (302, 303):
        return
    order_id = parse_qs(urlsplit(paid.headers["Location"]).query).get("order_id", [""])[0]
    shown = client.send("snap", "GET", f"{state.sandbox_url}/sandbox/transactions/{order_id}", "sandbox")
    if not order_id or shown is None or shown.status_code != 200:
        return
    with state.lock:
        state.settled.append(order_id)
    state.paid.put(Paid(order_id, shown.json()["gross_amount"], served_by))


def poller(state: LoadState, rng: random.Random, interval: float) -> None:
    """Open order pages polling their status (as htmx does every 2 s), with the ETag they were given."""
    client = Client(state, state.next_address())
    etags: dict[str, str] = {}
    while not state.stop.wait(interval):
        with state.lock:
            recent = state.open_orders[-40:]
        if not recent:
            continue
        token = rng.choice(recent)
        headers = {"HX-Request": "true", **({"If-None-Match": etags[token]} if token in etags else {})}
        answer = client.shop("poll", "GET", f"/orders/{token}/status", headers=headers)
        if answer is not None and answer.headers.get("ETag"):
            etags[token] = answer.headers["ETag"]


def notifier(state: LoadState, rng: random.Random) -> None:
    """Midtrans's own repeats, on top of the double's: duplicates, an out-of-order `pending` after the
    settlement, and copies sent straight to an instance that did not serve the checkout."""
    client = Client(state, state.next_address())
    while not state.stop.is_set():
        try:
            paid = state.paid.get(timeout=0.2)
        except queue.Empty:
            continue
        for status in ("settlement", "settlement", "pending", "settlement"):
            others = state.live_instances(besides=paid.served_by)
            target = rng.choice(others) if others and rng.random() < 0.5 else "lb"
            body = signed_notification(paid.midtrans_order_id, status, paid.gross_amount)
            client.shop("notification", "POST", "/payments/notification", target, json=body)


def burst(state: LoadState, requests_count: int) -> dict:
    """One client adds to its cart `requests_count` times in a row, alternating between HAProxy and each
    instance directly: the limit must hold in total, not per instance."""
    client = Client(state, state.next_address())
    page = client.shop("burst_page", "GET", "/")
    token = csrf_token(page.text) if page is not None else None
    targets = itertools.cycle(["lb", *state.live_instances()])
    answers = []
    for _ in range(requests_count):
        target = next(targets)
        response = client.shop(
            "burst",
            "POST",
            "/cart/add",
            target,
            data={"csrf_token": token, "product_id": state.burst_product, "quantity": 1},
        )
        answers.append(
            (
                target,
                response.headers.get("X-Served-By", target) if response is not None else target,
                response.status_code if response is not None else 0,
            )
        )
    return {
        "accepted": sum(1 for *_, code in answers if code == 303),
        "limited": sum(1 for *_, code in answers if code == 429),
        "instances": sorted({served for _, served, _ in answers}),
        "total": len(answers),
    }


def start_clients(
    state: LoadState,
    shoppers: int,
    pollers: int,
    notifiers: int,
    seed: int,
    pay_share: float = 0.7,
    poll_interval: float = 0.1,
) -> list[threading.Thread]:
    threads = []
    for n in range(shoppers):
        threads.append(threading.Thread(target=shopper, args=(state, random.Random(seed + n), pay_share)))
    for n in range(pollers):
        threads.append(threading.Thread(target=poller, args=(state, random.Random(seed + 100 + n), poll_interval)))
    for n in range(notifiers):
        threads.append(threading.Thread(target=notifier, args=(state, random.Random(seed + 200 + n))))
    for thread in threads:
        thread.daemon = True  # a hung request must not keep an interrupted run alive
        thread.start()
    return threads
