"""A body too big is refused before it is read, chunked ones too: against real gunicorn over a socket,
a 400 MB chunked notification gets 413 (or a closed connection) and the worker's memory barely moves."""

import os
import select
import socket
import time

import pytest

from tests.support.helpers import gunicorn_shop

CHUNK = b"a" * (64 * 1024)
TOTAL = 400 * 1024 * 1024


def _worker_pids(port):
    """gunicorn's worker processes for this port: the children of the master serving it."""
    pids = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ")
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if b"gunicorn" in cmdline and f"127.0.0.1:{port}".encode() in cmdline:
                pids[int(entry)] = parent
    return [pid for pid, parent in pids.items() if parent in pids]


def _peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(next(line for line in f if line.startswith("VmHWM:")).split()[1])


def _send_chunked(port, path, total):
    """Stream `total` bytes as a chunked POST; stop as soon as the server answers or hangs up.
    Returns (status line or None, bytes sent)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        frame = f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n"
        try:
            while sent < total:
                readable, writable, _ = select.select([sock], [sock], [], 10)
                if readable:
                    break
                if not writable:
                    return None, sent  # the server neither reads nor answers: no better than reading it all
                sock.sendall(frame)
                sent += len(CHUNK)
            answer = sock.recv(200)
        except (BrokenPipeError, ConnectionResetError):
            return "closed", sent
    return (answer.split(b"\r\n", 1)[0].decode() if answer else "closed"), sent


@pytest.mark.timeout(180)
def test_a_400_mb_chunked_notification_gets_413_and_the_worker_grows_less_than_20_mb(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "b" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/shop.sqlite3",
        "MIDTRANS_SERVER_KEY": "SB-Mid-server-unused",
        "SESSION_COOKIE_SECURE": "false",
        "REDIS_URL": "",
    }
    with gunicorn_shop(env, workers=1) as url:
        port = int(url.rsplit(":", 1)[1])
        [worker] = _worker_pids(port)
        before = _peak_rss_kib(worker)
        started = time.monotonic()
        status, sent = _send_chunked(port, "/payments/notification", TOTAL)
        elapsed = time.monotonic() - started
        growth_mib = (_peak_rss_kib(worker) - before) / 1024
    print(
        f"\n400 MB chunked notification: {status!r} after {sent / 2**20:.1f} MiB sent in {elapsed:.2f} s; "
        f"worker peak RSS +{growth_mib:.1f} MiB"
    )
    assert status in ("HTTP/1.1 413 REQUEST ENTITY TOO LARGE", "HTTP/1.1 413 Request Entity Too Large", "closed")
    assert growth_mib < 20
    assert sent < TOTAL  # refused long before the end


def test_an_over_large_chunked_form_post_is_refused_without_being_read_whole(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "b" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path}/shop.sqlite3",
        "MIDTRANS_SERVER_KEY": "SB-Mid-server-unused",
        "SESSION_COOKIE_SECURE": "false",
        "REDIS_URL": "",
    }
    with gunicorn_shop(env, workers=1) as url:
        status, sent = _send_chunked(int(url.rsplit(":", 1)[1]), "/cart/add", 64 * 1024 * 1024)
    # werkzeug stops reading a chunked form at MAX_CONTENT_LENGTH (3 MiB); what was read is not a valid
    # form (no CSRF token): 400, never the whole body in memory, never a 5xx.
    assert status.startswith(("HTTP/1.1 400", "HTTP/1.1 413")) or status == "closed"
    assert sent < 64 * 1024 * 1024
