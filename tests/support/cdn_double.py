"""A stand-in for the htmx CDN on 127.0.0.1, over real HTTP: it drops the connection (a blocked or
failing CDN), or holds the request without answering (a CDN that hangs) until told to answer."""

import socket
import threading
from pathlib import Path

HTMX_FILE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "htmx-2.0.11.min.js"
PATH = "/npm/htmx.org@2.0.11/dist/htmx.min.js"


class CdnDouble:
    def __init__(self):
        self.mode = "drop"  # "drop" | "hang"
        self.requests = 0
        self._answer = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}{PATH}"
        self._stopped = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def hang(self):
        self.mode, self.requests = "hang", 0
        self._answer.clear()

    def drop(self):
        self.mode, self.requests = "drop", 0

    def answer_now(self):
        """Let the held requests through, with the genuine file (its SRI hash matches)."""
        self._answer.set()

    def _serve(self):
        while not self._stopped:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection):
        with connection:
            connection.recv(65536)
            self.requests += 1
            if self.mode == "drop":
                return  # closed without a byte of answer: the browser reports a network error
            if not self._answer.wait(timeout=60):
                return
            body = HTMX_FILE.read_bytes()
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/javascript\r\n"
                f"Access-Control-Allow-Origin: *\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            connection.sendall(head.encode() + body)

    def close(self):
        self._stopped = True
        self._answer.set()
        self._socket.close()
