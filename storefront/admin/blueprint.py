"""The back-office blueprint; create_app imports the view modules, whose routes attach to it."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
