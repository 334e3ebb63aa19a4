"""The `catalog` blueprint; its routes register themselves when the view modules are imported."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)
