"""What search engines and link previews read: robots.txt, sitemap.xml, /favicon.ico, and the
structured data (JSON-LD) of a product page."""

from typing import Any

from flask import Blueprint, current_app
from markupsafe import Markup

from ..urls import public_url
from .structured_data import json_ld_script, product_json_ld

bp = Blueprint("seo", __name__)
bp.add_app_template_global(public_url, "public_url")


@bp.app_template_global("product_json_ld")
def product_json_ld_tag(product: Any, url: str, image_url: str | None) -> Markup:
    return json_ld_script(product_json_ld(product, url, image_url, current_app.config["STORE_NAME"]))


from . import views  # noqa: E402,F401  (routes register themselves on bp)
