"""A Midtrans-compatible sandbox ("built-in sandbox"): Snap + Core API, payment pages and notifications.

For local development and tests only. It knows the shop solely through HTTP (the notification URL and
the finish/error redirects) and never imports the shop's code.
"""

from .app import create_sandbox_app
from .server import SandboxServer
from .settings import SANDBOX_CLIENT_KEY, SANDBOX_SERVER_KEY

__all__ = ["create_sandbox_app", "SandboxServer", "SANDBOX_SERVER_KEY", "SANDBOX_CLIENT_KEY"]
