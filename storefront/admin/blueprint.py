"""The back-office blueprint; importing this module attaches all its routes."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import auth, labels, order_views, product_views, shipping_views  # noqa: E402,F401  (routes register themselves on bp)
