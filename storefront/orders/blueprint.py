"""The `orders` blueprint; its routes register themselves when the view modules are imported."""

from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")
