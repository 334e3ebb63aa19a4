"""Wires the Midtrans gateway into the app: the merchant's keys, or the address of the built-in sandbox.

Nothing here starts anything: with no server key the gateway points at the sandbox that `flask sandbox
run` serves (`make run` starts both), and `app.config` is left exactly as `check_production_safety` saw it.
"""

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from ..config import ConfigError
from ..sandbox.settings import SANDBOX_SERVER_KEY
from .gateway import GatewayConfig, MidtransGateway

GATEWAY_EXTENSION = "midtrans_gateway"


def sandbox_base_url(config: Mapping[str, Any]) -> str:
    """Where `flask sandbox run` listens, from MIDTRANS_SANDBOX_HOST / MIDTRANS_SANDBOX_PORT."""
    host = config["MIDTRANS_SANDBOX_HOST"]
    # A sandbox bound to every interface is still reached through loopback.
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{config['MIDTRANS_SANDBOX_PORT']}"


def gateway_config(config: Mapping[str, Any]) -> GatewayConfig:
    """The gateway's settings: the configured Midtrans account, or the built-in sandbox when no key is set."""
    server_key = config["MIDTRANS_SERVER_KEY"]
    snap_base_url = config["MIDTRANS_SNAP_BASE_URL"]
    api_base_url = config["MIDTRANS_API_BASE_URL"]
    if not server_key:
        if config["MIDTRANS_IS_PRODUCTION"]:
            raise ConfigError("The built-in Midtrans sandbox cannot run with MIDTRANS_IS_PRODUCTION=true.")
        base_url = sandbox_base_url(config)
        server_key, snap_base_url, api_base_url = SANDBOX_SERVER_KEY, base_url + "/snap/v1", base_url
    return GatewayConfig(
        server_key=server_key,
        is_production=config["MIDTRANS_IS_PRODUCTION"],
        snap_base_url=snap_base_url,
        api_base_url=api_base_url,
        connect_timeout=config["MIDTRANS_CONNECT_TIMEOUT"],
        read_timeout=config["MIDTRANS_READ_TIMEOUT"],
    )


def uses_builtin_sandbox(config: Mapping[str, Any]) -> bool:
    """True when no Midtrans account is configured, so the gateway talks to `flask sandbox run`."""
    return not config["MIDTRANS_SERVER_KEY"]


def init_payments(app: Flask) -> None:
    app.extensions[GATEWAY_EXTENSION] = MidtransGateway(gateway_config(app.config))


def gateway() -> MidtransGateway:
    """The app's Midtrans gateway (inside an app context)."""
    gateway_: MidtransGateway = current_app.extensions[GATEWAY_EXTENSION]
    return gateway_


def server_key() -> str:
    """The key notifications are signed with: the gateway's, which is the sandbox's when no key is set."""
    return gateway().config.server_key
