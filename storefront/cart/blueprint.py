"""The `cart` blueprint; its routes register themselves when the view modules are imported."""

from flask import Blueprint

bp = Blueprint("cart", __name__, url_prefix="/cart")
