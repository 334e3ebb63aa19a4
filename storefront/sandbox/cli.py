"""`flask sandbox run`: serve the built-in Midtrans sandbox as its own process, next to the shop.

It reads only its address and state file from the app's settings (MIDTRANS_SANDBOX_HOST, _PORT, _DB);
the shop reaches it over HTTP like it would reach Midtrans.
"""

import logging
import signal
import threading
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from .server import SandboxServer
from .settings import SANDBOX_SERVER_KEY

sandbox_cli = AppGroup("sandbox", help="The built-in Midtrans sandbox for development.")


@sandbox_cli.command("run")
@click.option("--host", default=None, help="Address to listen on (default MIDTRANS_SANDBOX_HOST).")
@click.option("--port", type=int, default=None, help="Port to listen on (default MIDTRANS_SANDBOX_PORT).")
def run_command(host: str | None, port: int | None) -> None:
    """Serve the Midtrans sandbox (Snap, Core API, payment pages) until interrupted."""
    config = current_app.config
    server = SandboxServer(
        host=host or config["MIDTRANS_SANDBOX_HOST"],
        port=config["MIDTRANS_SANDBOX_PORT"] if port is None else port,
        server_key=SANDBOX_SERVER_KEY,
        db_path=config["MIDTRANS_SANDBOX_DB"],
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server.start()
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {server.host}:{server.port}: {exc.strerror}") from exc
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # honcho and PaaS runners stop processes with SIGTERM: shut the server and sweeper down cleanly.
    signal.signal(signal.SIGTERM, stop)
    click.echo(f"Midtrans sandbox serving at {server.base_url} (state in {config['MIDTRANS_SANDBOX_DB']})")
    try:
        while not stopping.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
