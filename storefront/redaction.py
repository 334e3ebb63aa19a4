"""Order tokens out of logs: `/orders/<token>` is the only key to a shopper's name, address and phone.

The access log (shipped to the PaaS log drain) and the log-only mail transport would otherwise hold
every order link. The first 4 characters stay, enough to match a log line to an order by hand.
"""

import re

# An order token is 32 URL-safe characters (secrets.token_urlsafe(24)); shorter words after
# /orders/ (e.g. /orders/lookup) are pages, not tokens, and stay readable.
_ORDER_TOKEN = re.compile(r"(/orders/)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{12,}")
KEEP = 4


def redact_order_tokens(text: str) -> str:
    """`.../orders/AbCdEfGh.../status` -> `.../orders/AbCd…/status`."""
    return _ORDER_TOKEN.sub(r"\1\2…", text)
