"""One date-time format everywhere, in the store's zone with its Indonesian name (STORE_TIMEZONE)."""

from datetime import datetime, timezone

import pytest
from flask_babel import force_locale

from storefront import create_app
from storefront.store_time import UnknownTimezone, format_store_time

NOON_UTC = datetime(2026, 12, 1, 3, 38, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("zone", "locale", "expected"),
    [
        ("Asia/Jakarta", "id", "1 Des 2026, 10:38 WIB"),
        ("Asia/Jakarta", "en", "1 Dec 2026, 10:38 WIB"),
        ("Asia/Makassar", "id", "1 Des 2026, 11:38 WITA"),
        ("Asia/Jayapura", "id", "1 Des 2026, 12:38 WIT"),
        ("Europe/Amsterdam", "en", "1 Dec 2026, 04:38 UTC+01:00"),
    ],
)
def test_times_are_written_in_the_store_zone_with_its_name(make_app, zone, locale, expected):
    with make_app(STORE_TIMEZONE=zone) as app, app.test_request_context(), force_locale(locale):
        assert format_store_time(NOON_UTC) == expected


def test_an_unknown_zone_refuses_to_start(app_config):
    with pytest.raises(UnknownTimezone, match="STORE_TIMEZONE"):
        create_app({**app_config, "STORE_TIMEZONE": "Asia/Atlantis"})
