"""SQLite storage shared by every sandbox instance that points at the same file.

Several processes (gunicorn workers, a test's second server) may open the same file, so each session
opens its own connection; WAL lets readers run beside one writer, busy_timeout makes writers wait
instead of failing, and BEGIN IMMEDIATE makes every read-modify-write a compare-and-set: two sweepers
racing to expire the same transaction cannot both succeed.
"""

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

BUSY_TIMEOUT_SECONDS = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snap_orders (
    order_id TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS transactions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    transaction_id TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_at REAL,
    fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_by_order ON transactions (order_id, seq);
CREATE INDEX IF NOT EXISTS transactions_due ON transactions (status, expires_at);
CREATE TABLE IF NOT EXISTS refunds (
    refund_chargeback_id INTEGER PRIMARY KEY AUTOINCREMENT,
    transaction_id TEXT NOT NULL,
    refund_key TEXT NOT NULL,
    response TEXT NOT NULL DEFAULT '{}',
    UNIQUE (transaction_id, refund_key)
);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL,
    transaction_id TEXT,
    transaction_status TEXT,
    status_code TEXT,
    url TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    http_status INTEGER,
    error TEXT,
    outcome TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_order ON deliveries (order_id, id);
"""


@dataclass(frozen=True)
class SnapOrder:
    """A Snap checkout session: what the merchant sent when it asked for a token."""

    order_id: str
    token: str
    gross_amount: int  # integer rupiah
    item_details: list[Any]
    customer_details: dict[str, Any] | None
    finish_url: str | None
    error_url: str | None
    custom_fields: dict[str, Any]
    enabled_payments: list[Any] | None
    expiry_seconds: int | None
    expiry_start: float | None
    notification_urls: list[Any]
    created_at: float
    page_expires_at: float


@dataclass(frozen=True)
class Transaction:
    """One payment attempt. `fields` is exactly what Midtrans shows for it in status and notifications."""

    transaction_id: str
    order_id: str
    expires_at: float | None
    fields: dict[str, Any]

    @property
    def status(self) -> str:
        status: str = self.fields["transaction_status"]
        return status


def _transaction(row: sqlite3.Row | None) -> Transaction | None:
    if row is None:
        return None
    return Transaction(row["transaction_id"], row["order_id"], row["expires_at"], json.loads(row["fields"]))


class StoreSession:
    """Queries over one connection; inside a write session they form one atomic transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the write is durable (e.g. queue its notification), never on rollback."""
        self._after_commit.append(callback)

    # --- Snap orders -------------------------------------------------------------------------
    def order(self, order_id: str) -> SnapOrder | None:
        row = self._conn.execute("SELECT data FROM snap_orders WHERE order_id = ?", (order_id,)).fetchone()
        return SnapOrder(**json.loads(row["data"])) if row else None

    def order_by_token(self, token: str) -> SnapOrder | None:
        row = self._conn.execute("SELECT data FROM snap_orders WHERE token = ?", (token,)).fetchone()
        return SnapOrder(**json.loads(row["data"])) if row else None

    def save_order(self, order: SnapOrder) -> None:
        # Replacing the row also replaces the token: the previous token stops resolving (midtrans.md §2.5).
        self._conn.execute(
            "INSERT OR REPLACE INTO snap_orders (order_id, token, data) VALUES (?, ?, ?)",
            (order.order_id, order.token, json.dumps(asdict(order))),
        )

    # --- transactions --------------------------------------------------------------------------
    def transaction(self, transaction_id: str) -> Transaction | None:
        return _transaction(
            self._conn.execute("SELECT * FROM transactions WHERE transaction_id = ?", (transaction_id,)).fetchone()
        )

    def known_transaction(self, transaction_id: str) -> Transaction:
        """A transaction found a moment ago (rows are never deleted)."""
        tx = self.transaction(transaction_id)
        if tx is None:
            raise LookupError(f"no sandbox transaction {transaction_id}")
        return tx

    def known_order(self, order_id: str) -> SnapOrder:
        """The Snap order of a transaction found a moment ago (every transaction has one)."""
        order = self.order(order_id)
        if order is None:
            raise LookupError(f"no sandbox order {order_id}")
        return order

    def latest_transaction(self, order_id: str) -> Transaction | None:
        return _transaction(
            self._conn.execute(
                "SELECT * FROM transactions WHERE order_id = ? ORDER BY seq DESC LIMIT 1", (order_id,)
            ).fetchone()
        )

    def transactions(self, order_id: str) -> list[Transaction]:
        rows = self._conn.execute("SELECT * FROM transactions WHERE order_id = ? ORDER BY seq", (order_id,))
        return [transaction for row in rows if (transaction := _transaction(row)) is not None]

    def find_transaction(self, id_: str) -> Transaction | None:
        """Core API ids are a transaction_id or an order_id (then the order's latest attempt)."""
        return self.transaction(id_) or self.latest_transaction(id_)

    def due_transaction_ids(self, now: float) -> list[str]:
        rows = self._conn.execute(
            "SELECT transaction_id FROM transactions WHERE status = 'pending' AND expires_at <= ? ORDER BY seq",
            (now,),
        )
        return [row["transaction_id"] for row in rows]

    def save_transaction(self, tx: Transaction) -> None:
        self._conn.execute(
            "INSERT INTO transactions (transaction_id, order_id, status, expires_at, fields) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (transaction_id) DO UPDATE SET status = excluded.status,"
            " expires_at = excluded.expires_at, fields = excluded.fields",
            (tx.transaction_id, tx.order_id, tx.status, tx.expires_at, json.dumps(tx.fields)),
        )

    # --- refunds ledger (idempotency by refund_key, ids for refund_chargeback_id) ---------------
    def refund_response(self, transaction_id: str, refund_key: str) -> dict[str, Any] | None:
        row = self._conn.execute(
            "SELECT response FROM refunds WHERE transaction_id = ? AND refund_key = ?", (transaction_id, refund_key)
        ).fetchone()
        return json.loads(row["response"]) if row else None

    def add_refund(self, transaction_id: str, refund_key: str) -> int:
        cursor = self._conn.execute(
            "INSERT INTO refunds (transaction_id, refund_key) VALUES (?, ?)", (transaction_id, refund_key)
        )
        assert cursor.lastrowid is not None  # always set after an INSERT
        return cursor.lastrowid

    def set_refund_response(self, refund_chargeback_id: int, response: dict[str, Any]) -> None:
        self._conn.execute(
            "UPDATE refunds SET response = ? WHERE refund_chargeback_id = ?",
            (json.dumps(response), refund_chargeback_id),
        )

    # --- notification delivery log -------------------------------------------------------------
    def add_delivery(
        self,
        *,
        order_id: str,
        transaction_id: str,
        body: dict[str, Any],
        url: str,
        attempt: int,
        http_status: int | None,
        error: str | None,
        outcome: str,
    ) -> None:
        self._conn.execute(
            "INSERT INTO deliveries (order_id, transaction_id, transaction_status, status_code, url, attempt,"
            " http_status, error, outcome, attempted_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                order_id,
                transaction_id,
                body.get("transaction_status"),
                body.get("status_code"),
                url,
                attempt,
                http_status,
                error,
                outcome,
                datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                json.dumps(body),
            ),
        )

    def deliveries(self, order_id: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        sql = "SELECT * FROM deliveries"
        params: tuple[Any, ...] = ()
        if order_id is not None:
            sql += " WHERE order_id = ?"
            params = (order_id,)
        rows = self._conn.execute(sql + " ORDER BY id LIMIT ?", params + (limit,))
        return [{**dict(row), "body": json.loads(row["body"])} for row in rows]


class Store:
    def __init__(self, path: str) -> None:
        self.path = path
        # Serialises this process's writers so they queue on a lock instead of spinning in busy_timeout;
        # other processes are still held off by SQLite's own file lock.
        self._write_lock = threading.Lock()
        conn = self._connect()
        try:
            # WAL is a property of the file, so setting it once here covers every later connection.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        return conn

    @contextmanager
    def read(self) -> Iterator[StoreSession]:
        conn = self._connect()
        try:
            yield StoreSession(conn)
        finally:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[StoreSession]:
        """One atomic read-modify-write. After-commit callbacks run while the lock is still held,
        so notifications are queued in the same order as the changes they describe."""
        with self._write_lock:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                session = StoreSession(conn)
                try:
                    yield session
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                conn.close()
            for callback in session._after_commit:
                callback()
