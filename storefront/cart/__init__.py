from flask import Blueprint

bp = Blueprint("cart", __name__, url_prefix="/cart")

from . import views  # noqa: E402,F401  (routes register themselves on bp)
