from flask import Blueprint

bp = Blueprint("checkout", __name__, url_prefix="/checkout")

from . import views  # noqa: E402,F401  (routes register themselves on bp)
