"""Whole numbers typed into forms, read safely."""


def whole_number(raw: object, maximum: int) -> int | None:
    """A form's digits as an int from 0 to `maximum`, or None. The length is checked before int():
    Python refuses to convert more than 4300 digits (ValueError), and nothing here needs that many."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(maximum)):
        return None
    value = int(text.lstrip("0") or "0")
    return value if value <= maximum else None
