"""Wires the Midtrans gateway into the app, starting the built-in sandbox double when no key is set."""

import errno
import logging
import threading

from ..config import ConfigError
from .gateway import GatewayConfig, MidtransGateway

log = logging.getLogger(__name__)

# One sandbox server per process, however many apps the process creates.
_sandbox_lock = threading.Lock()
_sandbox_server = None


def init_payments(app):
    config = app.config
    if not config["MIDTRANS_SERVER_KEY"]:
        if config["MIDTRANS_IS_PRODUCTION"]:
            raise ConfigError("The built-in Midtrans sandbox cannot run with MIDTRANS_IS_PRODUCTION=true.")
        _use_builtin_sandbox(app)
    app.extensions["midtrans_gateway"] = MidtransGateway(
        GatewayConfig(
            server_key=config["MIDTRANS_SERVER_KEY"],
            is_production=config["MIDTRANS_IS_PRODUCTION"],
            snap_base_url=config["MIDTRANS_SNAP_BASE_URL"],
            api_base_url=config["MIDTRANS_API_BASE_URL"],
            connect_timeout=config["MIDTRANS_CONNECT_TIMEOUT"],
            read_timeout=config["MIDTRANS_READ_TIMEOUT"],
        )
    )


def _use_builtin_sandbox(app):
    """Serve the Midtrans double on its own port, in a thread of this process.

    It must be a separate server: the shop calls it synchronously while handling a request, which
    would deadlock a single sync worker if the double were a route of the shop itself. Several
    gunicorn workers share its state through a SQLite file; whichever binds the port serves it.
    """
    from ..sandbox import SANDBOX_SERVER_KEY, SandboxServer

    global _sandbox_server
    host, port = app.config["MIDTRANS_SANDBOX_HOST"], app.config["MIDTRANS_SANDBOX_PORT"]
    base_url = f"http://{host}:{port}"
    with _sandbox_lock:
        if _sandbox_server is None:
            server = SandboxServer(
                host=host,
                port=port,
                server_key=SANDBOX_SERVER_KEY,
                db_path=app.config["MIDTRANS_SANDBOX_DB"],
            )
            try:
                server.start()
                _sandbox_server = server
                log.info("Built-in Midtrans sandbox serving at %s", server.base_url)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                log.info("Midtrans sandbox port %s already served (another worker); using it", port)
        if _sandbox_server is not None:
            base_url = _sandbox_server.base_url
    app.config.update(
        MIDTRANS_SANDBOX=True,
        MIDTRANS_SERVER_KEY=SANDBOX_SERVER_KEY,
        MIDTRANS_SNAP_BASE_URL=base_url + "/snap/v1",
        MIDTRANS_API_BASE_URL=base_url,
    )
