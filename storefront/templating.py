"""Jinja filters and globals shared by every template."""

from flask import current_app, request, session
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from .cart.cart import cart_count
from .i18n import LANGUAGES, select_locale
from .money import format_idr


STATUS_LABELS = {
    "awaiting_payment": _l("Awaiting payment"),
    "paid": _l("Paid"),
    "under_review": _l("Under review"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled"),
    "failed": _l("Payment failed"),
    "refunded": _l("Refunded"),
    "partially_refunded": _l("Partially refunded"),
}


def status_label(status):
    return STATUS_LABELS.get(status, status)


def init_templating(app):
    app.jinja_env.filters["idr"] = format_idr
    app.jinja_env.globals["status_label"] = status_label
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    # Payment deadlines always name the zone: shoppers across Indonesia live in WIB, WITA and WIT.
    app.jinja_env.filters["deadline"] = lambda value: format_datetime(value, "d MMM y, HH:mm") + " WIB"

    @app.context_processor
    def inject_globals():
        return {
            "store_name": current_app.config["STORE_NAME"],
            "languages": LANGUAGES,
            "current_language": select_locale(),
            "cart_count": cart_count(session),
            "current_path": request.full_path.rstrip("?"),
        }
