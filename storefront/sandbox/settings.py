"""Configuration of one sandbox instance, and the fixed identities it answers to."""

import os
from dataclasses import dataclass

# Sandbox-only keys. They follow Midtrans's sandbox key prefixes so that code which sanity-checks
# the prefix (as some shops do) treats them like real sandbox keys; they unlock nothing real.
SANDBOX_SERVER_KEY = "SB-Mid-server-storefront-sandbox"
SANDBOX_CLIENT_KEY = "SB-Mid-client-storefront-sandbox"
SANDBOX_MERCHANT_ID = "G000000000"

# Midtrans's nominal retry spacing is 2, 10, 30, 90, 210 minutes; the sandbox keeps the shape but
# counts in seconds so that a developer sees retries happen while watching.
DEFAULT_RETRY_DELAYS = (2, 10, 30, 90, 210)
DEFAULT_NOTIFICATION_TIMEOUT = 10.0


@dataclass(frozen=True)
class SandboxSettings:
    server_key: str
    db_path: str
    retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS
    notification_timeout: float = DEFAULT_NOTIFICATION_TIMEOUT
    default_notification_url: str | None = None
    public_base_url: str | None = None
    merchant_id: str = SANDBOX_MERCHANT_ID

    def __post_init__(self) -> None:
        if not self.server_key:
            raise ValueError("the sandbox needs a server key")
        if not self.db_path:
            raise ValueError("the sandbox needs a db_path for its sqlite file")
        delays = tuple(float(d) for d in self.retry_delays)
        if not delays or any(d < 0 for d in delays):
            raise ValueError("retry_delays must be a non-empty sequence of non-negative seconds")
        if self.notification_timeout <= 0:
            raise ValueError("notification_timeout must be positive")
        # Frozen dataclass: normalise through object.__setattr__ once, at construction.
        object.__setattr__(self, "retry_delays", delays)
        object.__setattr__(self, "db_path", os.path.abspath(os.fspath(self.db_path)))
        if self.public_base_url:
            object.__setattr__(self, "public_base_url", self.public_base_url.rstrip("/"))
