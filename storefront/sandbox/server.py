"""Run the sandbox on its own port in background threads: under `flask sandbox run`, or inside a test."""

import logging
import socket
import threading
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, get_sockaddr, make_server, select_address_family

from .app import create_sandbox_app, engine_of
from .engine import SandboxEngine

log = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 1.0
SHUTDOWN_POLL_SECONDS = 0.05


class _QuietHandler(WSGIRequestHandler):
    # Werkzeug would print every request to stderr; the sandbox's traffic belongs in a logger the
    # host application can switch on.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug('%s "%s" %s', self.address_string(), self.requestline, code)


def _listen(host: str, port: int) -> socket.socket:
    """Bind and listen ourselves: werkzeug's make_server answers a taken port with sys.exit(1), but the
    caller needs the OSError (EADDRINUSE) to say which port is taken."""
    family = select_address_family(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Same as http.server: lets a restarted sandbox rebind at once; a port someone still listens
        # on stays refused (EADDRINUSE) on Linux and macOS.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(get_sockaddr(host, port, family))
        sock.listen(socket.SOMAXCONN)
    except BaseException:
        sock.close()
        raise
    return sock


class SandboxServer:
    """`start()` binds first and raises OSError (EADDRINUSE) when the port is taken."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        sweep_interval: float = SWEEP_INTERVAL_SECONDS,
        **app_options: Any,
    ) -> None:
        self.host = host
        self.port = port
        self._sweep_interval = sweep_interval
        self._app_options = app_options
        self.app: Flask | None = None
        self._httpd: BaseWSGIServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    @property
    def base_url(self) -> str:
        host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def engine(self) -> SandboxEngine:
        if self.app is None:
            raise RuntimeError("sandbox server not started")
        return engine_of(self.app)

    def start(self) -> "SandboxServer":
        if self._httpd is not None:
            raise RuntimeError("sandbox server already started")
        sock = _listen(self.host, self.port)
        try:
            app = create_sandbox_app(**self._app_options)
            # make_server duplicates the descriptor, so ours is closed either way.
            httpd = make_server(
                self.host, self.port, app, threaded=True, request_handler=_QuietHandler, fd=sock.fileno()
            )
        finally:
            sock.close()
        self.app, self._httpd, self.port = app, httpd, httpd.port
        self._stopping.clear()
        self._threads = [
            # A short poll interval keeps stop() fast; serve_forever only checks for shutdown between polls.
            threading.Thread(
                target=httpd.serve_forever, args=(SHUTDOWN_POLL_SECONDS,), name="sandbox-http", daemon=True
            ),
            threading.Thread(target=self._sweep, name="sandbox-sweeper", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join()
        self.engine.close()
        self._httpd = None

    def wait_for_notifications(self, timeout: float = 5.0) -> bool:
        """For tests: wait until every notification sent so far is delivered or given up."""
        return self.engine.wait_for_notifications(timeout)

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _sweep(self) -> None:
        engine = self.engine
        while not self._stopping.wait(self._sweep_interval):
            try:
                engine.expire_overdue()
            except Exception:  # e.g. a locked database: try again next round rather than stop sweeping
                log.exception("sandbox sweeper failed")
