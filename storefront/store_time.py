"""The shop's one way of writing a date and time: in the store's time zone, with the zone's name.

Shoppers, staff and e-mails all read "1 Des 2026, 10:38 WIB" (Indonesian) or "1 Dec 2026, 10:38 WIB"
(English). `STORE_TIMEZONE` is an IANA zone; Indonesia's three are named as Indonesians name them (WIB,
WITA, WIT); any other zone by its UTC offset.
"""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import format_datetime

from .config import ConfigError

# IANA zone -> the name Indonesians use (Permendagri: WIB UTC+7, WITA UTC+8, WIT UTC+9).
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
PATTERN = "d MMM y, HH:mm"
DEFAULT_ZONE = "Asia/Jakarta"


class UnknownTimezone(ConfigError):
    pass


def check_zone(name: str) -> str:
    """The zone name if it is a real IANA zone (checked at start-up), else UnknownTimezone."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimezone(
            f"STORE_TIMEZONE={name!r} is not a time zone: use Asia/Jakarta (WIB), Asia/Makassar (WITA) "
            "or Asia/Jayapura (WIT)."
        ) from None
    return name


def store_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def zone_label(zone: ZoneInfo, when: datetime | None = None) -> str:
    if zone.key in ZONE_LABELS:
        return ZONE_LABELS[zone.key]
    offset = (when or datetime.now(zone)).astimezone(zone).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def format_store_time(value: datetime | None, _width: str = "") -> str:
    """ "1 Des 2026, 10:38 WIB": in the store's zone (Flask-Babel converts to it), in the reader's language.

    There is one format: a width an older template still passes (`|datetime("short")`) is ignored."""
    if value is None:
        return "—"
    return f"{format_datetime(value, PATTERN)} {zone_label(store_zone(), value)}"
