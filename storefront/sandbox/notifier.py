"""Delivery of HTTP notifications with Midtrans's retry policy (midtrans.md §4.1, §4.5).

Deliveries never run inside the request that caused them: a shop served by one sync worker would
otherwise deadlock waiting for its own notification. Each (order, URL) pair has one worker thread
draining a FIFO queue, so the notifications of one order reach a URL in the order they happened,
each one (with its retries) finished before the next starts.
"""

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import requests

from .store import Store

log = logging.getLogger(__name__)

HEADERS = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "Veritrans"}
MAX_REDIRECTS = 5
DEFAULT_RETRIES = 5  # timeouts, connection errors and any status not listed below
# Retries after a failed attempt, by the HTTP status it answered. 301/302/303 are never followed nor
# retried: Midtrans marks them failed, because a redirected POST would lose its body.
RETRIES_BY_STATUS = {500: 1, 503: 4, 400: 2, 404: 2, 301: 0, 302: 0, 303: 0}
FOLLOWED_REDIRECTS = frozenset({307, 308})


def retries_allowed(http_status: int | None) -> int:
    if http_status is None:
        return DEFAULT_RETRIES
    if 200 <= http_status < 300:
        return 0
    return RETRIES_BY_STATUS.get(http_status, DEFAULT_RETRIES)


@dataclass(frozen=True)
class Job:
    order_id: str
    transaction_id: str
    url: str
    body: dict[str, Any]  # snapshot taken when the state changed, so a late retry still describes that event


class Notifier:
    def __init__(self, store: Store, retry_delays: Iterable[float], timeout: float) -> None:
        self._store = store
        self._retry_delays = tuple(retry_delays)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queues: dict[tuple[str, str], deque[Job]] = {}
        self._workers: dict[tuple[str, str], threading.Thread] = {}
        self._closing = threading.Event()

    def send(self, order_id: str, transaction_id: str, urls: Iterable[str], body: dict[str, Any]) -> None:
        with self._lock:
            if self._closing.is_set():
                return
            for url in urls:
                key = (order_id, url)
                self._queues.setdefault(key, deque()).append(Job(order_id, transaction_id, url, body))
                if key not in self._workers:
                    worker = threading.Thread(
                        target=self._drain, args=(key,), daemon=True, name=f"sandbox-notify-{order_id}"
                    )
                    self._workers[key] = worker
                    worker.start()

    def wait_idle(self, timeout: float) -> bool:
        """Block until every queued notification (with its retries) is finished; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._workers, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop retrying; wait a little for attempts in flight (threads are daemons, so none can hang exit)."""
        with self._lock:
            self._closing.set()
            workers = list(self._workers.values())
        deadline = time.monotonic() + timeout
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))

    def _drain(self, key: tuple[str, str]) -> None:
        while True:
            with self._lock:
                queue = self._queues.get(key)
                if not queue or self._closing.is_set():
                    self._queues.pop(key, None)
                    self._workers.pop(key, None)
                    self._idle.notify_all()
                    return
                job = queue.popleft()
            try:
                self._deliver(job)
            except Exception:  # a bug here must not kill the queue of this order
                log.exception("sandbox notification to %s failed unexpectedly", job.url)

    def _deliver(self, job: Job) -> None:
        with requests.Session() as session:
            # The sandbox talks to the shop directly, like Midtrans would; environment proxies would
            # only get in the way of 127.0.0.1 deliveries.
            session.trust_env = False
            attempt = 1
            while attempt <= self._attempt(session, job, attempt):
                delay = self._retry_delays[min(attempt - 1, len(self._retry_delays) - 1)]
                if self._closing.wait(delay):
                    return
                attempt += 1

    def _attempt(self, session: requests.Session, job: Job, attempt: int) -> int:
        """POST once, following 307/308 with the same body; record each hop; return the retries still allowed."""
        data = json.dumps(job.body).encode()
        url = job.url
        redirects = 0
        while True:
            try:
                response = session.post(url, data=data, headers=HEADERS, timeout=self._timeout, allow_redirects=False)
            except requests.RequestException as exc:
                self._record(job, url, attempt, None, f"{type(exc).__name__}: {exc}", "error")
                return DEFAULT_RETRIES
            response.close()
            status, location = response.status_code, response.headers.get("Location")
            if status not in FOLLOWED_REDIRECTS:
                self._record(job, url, attempt, status, None, "delivered" if 200 <= status < 300 else "failed")
                return retries_allowed(status)
            if not location or redirects == MAX_REDIRECTS:
                # A redirect chain that never ends would only repeat on retry: give up on this notification.
                self._record(job, url, attempt, status, "too many redirects", "failed")
                return 0
            self._record(job, url, attempt, status, None, "redirected")
            url = urljoin(url, location)
            redirects += 1

    def _record(
        self, job: Job, url: str, attempt: int, http_status: int | None, error: str | None, outcome: str
    ) -> None:
        with self._store.write() as session:
            session.add_delivery(
                order_id=job.order_id,
                transaction_id=job.transaction_id,
                body=job.body,
                url=url,
                attempt=attempt,
                http_status=http_status,
                error=error,
                outcome=outcome,
            )
