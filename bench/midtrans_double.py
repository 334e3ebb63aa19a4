#!/usr/bin/env python3
"""The built-in Midtrans sandbox as a process of its own, for bench/scale_out.py.

    .venv/bin/python bench/midtrans_double.py --port 5101 --db /tmp/x/sandbox.sqlite3

Every shop instance is pointed at it (MIDTRANS_SERVER_KEY = the sandbox key, MIDTRANS_SNAP_BASE_URL and
MIDTRANS_API_BASE_URL = this server), so no instance starts a double of its own. Serves until SIGTERM/SIGINT.
"""

import argparse
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storefront.sandbox import SANDBOX_SERVER_KEY, SandboxServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True, help="the sandbox's SQLite file")
    args = parser.parse_args()

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # Short retries: a notification that reached an instance as it was killed is sent again within
    # seconds (Midtrans's own spacing is minutes, too slow for a 60-second run).
    server = SandboxServer(
        host="127.0.0.1",
        port=args.port,
        server_key=SANDBOX_SERVER_KEY,
        db_path=args.db,
        retry_delays=(1, 2, 4, 8, 16),
        notification_timeout=10.0,
    )
    with server:
        print(f"Midtrans double serving at {server.base_url}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
