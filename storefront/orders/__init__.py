from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")

from . import lookup_views, views  # noqa: E402,F401  (routes register themselves on bp)
