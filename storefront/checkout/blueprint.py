"""The `checkout` blueprint; its routes register themselves when the view modules are imported."""

from flask import Blueprint

bp = Blueprint("checkout", __name__, url_prefix="/checkout")
