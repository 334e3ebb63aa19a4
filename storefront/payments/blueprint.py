"""The `payments` blueprint; its routes register themselves when the view modules are imported."""

from flask import Blueprint

bp = Blueprint("payments", __name__)
