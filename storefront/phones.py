"""Indonesian mobile numbers in one spelling, so that the same phone typed two ways is one customer."""

import re

_PHONE_PATTERN = re.compile(r"^(?:\+62|62|0)(8\d{7,12})$")


def normalise_phone(raw: str | None) -> str | None:
    """'0812-3456 789', '62812…', '+62812…' -> '+62812…'; None if it is not an Indonesian mobile."""
    compact = re.sub(r"[\s\-().]", "", raw or "")
    match = _PHONE_PATTERN.match(compact)
    return "+62" + match.group(1) if match else None
