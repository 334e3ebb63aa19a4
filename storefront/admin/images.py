"""Uploaded product images: checked by content, stored under the instance folder, served by a route.

`Product.image` keeps holding a path under static/ for the shipped images ("img/products/x.svg");
an uploaded image is stored as "uploads/products/<hash>.<ext>". Templates never build the URL
themselves: they call `product_image_url(product)`, which knows both.
"""

import hashlib
import os
import re

from flask import Blueprint, abort, current_app, send_from_directory, url_for
from flask_babel import gettext as _

MAX_IMAGE_BYTES = 2 * 1024 * 1024
UPLOAD_PREFIX = "uploads/products/"
_MIMETYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|webp)$")

media_bp = Blueprint("media", __name__)


class ImageRejected(ValueError):
    """Not an image we accept; the message says why."""


def image_type(data):
    """'png', 'jpg' or 'webp' from the file's first bytes (its magic number), else None.

    The browser's filename and Content-Type are the uploader's word; the bytes are not. SVG is never
    accepted: it can carry script.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def upload_folder():
    return current_app.config["UPLOAD_FOLDER"]


def store_image(file_storage):
    """Check and store an uploaded image; returns the value for `Product.image`."""
    data = file_storage.stream.read(MAX_IMAGE_BYTES + 1)
    if not data:
        raise ImageRejected(_("The image file is empty."))
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRejected(_("The image is larger than 2 MB."))
    kind = image_type(data)
    if kind is None:
        raise ImageRejected(_("Upload a PNG, JPEG or WebP image."))
    # Named by content: the same image uploaded twice is stored once, and the URL can be cached forever.
    name = f"{hashlib.sha256(data).hexdigest()[:32]}.{kind}"
    folder = os.path.join(upload_folder(), "products")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    return UPLOAD_PREFIX + name


@media_bp.get("/uploads/products/<name>")
def product_image(name):
    match = _STORED_NAME.match(name)
    if match is None:
        abort(404)
    return send_from_directory(
        os.path.join(upload_folder(), "products"), name, mimetype=_MIMETYPES[match.group(1)], max_age=365 * 24 * 3600
    )


@media_bp.app_template_global()
def product_image_url(product):
    image = product.image or "img/placeholder.svg"
    if image.startswith(UPLOAD_PREFIX):
        return url_for("media.product_image", name=image[len(UPLOAD_PREFIX):])
    return url_for("static", filename=image)
