"""Uploaded product images: checked by content, stored under the instance folder, served by a route.

`Product.image` keeps holding a path under static/ for the shipped images ("img/products/x.svg");
an uploaded image is stored as "uploads/products/<hash>.<ext>". Templates never build the URL
themselves: they call `product_image_url(product)`, which knows both.
"""

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from flask import Blueprint, abort, current_app, send_from_directory, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from .. import renditions
from ..extensions import digest
from ..models import Product

MAX_IMAGE_BYTES = 2 * 1024 * 1024
UPLOAD_PREFIX = "uploads/products/"
_MIMETYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|webp)$")
_RENDITION_NAME = re.compile(r"^[0-9a-f]{32}-[0-9]{1,4}\.(png|jpg|webp)$")
ONE_YEAR = 365 * 24 * 3600

media_bp = Blueprint("media", __name__)


class ImageRejected(ValueError):
    """Not an image we accept; the message says why."""


def image_type(data: bytes) -> str | None:
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


def upload_folder() -> str:
    return current_app.config["UPLOAD_FOLDER"]


def rendition_folder() -> str:
    return renditions.rendition_folder(upload_folder())


def store_image(file_storage: FileStorage) -> str:
    """Check and store an uploaded image; returns the value for `Product.image`."""
    data = file_storage.stream.read(MAX_IMAGE_BYTES + 1)
    if not data:
        raise ImageRejected(_("The image file is empty."))
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRejected(_("The image is larger than 2 MB."))
    kind = image_type(data)
    if kind is None:
        raise ImageRejected(_("Upload a PNG, JPEG or WebP image."))
    try:
        # Before the original is kept: an image Pillow cannot read is refused, not stored.
        renditions.make_renditions(data, rendition_folder())
    except renditions.RenditionError as exc:
        raise ImageRejected(_("This image could not be read. Upload another PNG, JPEG or WebP file.")) from exc
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
def product_image(name: str) -> Response:
    match = _STORED_NAME.match(name)
    if match is None:
        abort(404)
    return send_from_directory(
        os.path.join(upload_folder(), "products"), name, mimetype=_MIMETYPES[match.group(1)], max_age=365 * 24 * 3600
    )


@media_bp.get("/media/<name>")
def rendition(name: str) -> Response:
    match = _RENDITION_NAME.match(name)
    if match is None:
        abort(404)
    response = send_from_directory(rendition_folder(), name, mimetype=_MIMETYPES[match.group(1)], max_age=ONE_YEAR)
    # Named by the source's hash: the same name always means the same picture.
    response.cache_control.immutable = True
    return response


def make_product_renditions(image: str) -> str:
    """Renditions for a `Product.image` value (shipped SVG or upload); `flask seed` calls it."""
    path = _source_path(image)
    with open(path, "rb") as f:
        return renditions.make_renditions(f.read(), rendition_folder())


def _source_path(image: str) -> str:
    if image.startswith(UPLOAD_PREFIX):
        return os.path.join(upload_folder(), "products", image[len(UPLOAD_PREFIX) :])
    return os.path.join(current_app.static_folder or "", image)


@lru_cache(maxsize=512)
def _static_image_key(path: str) -> str:
    # Shipped images change only with a deploy, which restarts the process.
    with open(path, "rb") as f:
        return renditions.source_key(f.read())


def _rendition_key(image: str) -> str | None:
    if image.startswith(UPLOAD_PREFIX):
        return image[len(UPLOAD_PREFIX) :].split(".")[0]  # uploads are already named by that hash
    try:
        return _static_image_key(_source_path(image))
    except OSError:
        return None


@dataclass(frozen=True)
class Picture:
    """What a template needs to show a product image: the fallback `src`, WebP and JPEG `srcset`s, and
    the JPEG for link previews (`share`, None when the image has no renditions yet)."""

    src: str
    webp_srcset: str = ""
    jpeg_srcset: str = ""
    share: renditions.Rendition | None = None


@media_bp.app_template_global()
def product_picture(product: Product, width: int = 400) -> Picture:
    image = product.image or "img/placeholder.svg"
    key = _rendition_key(image)
    jpegs = renditions.existing_renditions(rendition_folder(), key, "jpg") if key else []
    if not jpegs:
        return Picture(src=product_image_url(product))
    webps = renditions.existing_renditions(rendition_folder(), key or "", "webp")
    src = next((r for r in jpegs if r.width >= width), jpegs[-1])
    return Picture(
        src=url_for("media.rendition", name=src.name),
        webp_srcset=renditions.srcset((url_for("media.rendition", name=r.name), r.width) for r in webps),
        jpeg_srcset=renditions.srcset((url_for("media.rendition", name=r.name), r.width) for r in jpegs),
        share=next((r for r in jpegs if r.width >= renditions.SHARE_WIDTH), jpegs[-1]),
    )


@media_bp.app_template_global()
def product_image_url(product: Product) -> str:
    image = product.image or "img/placeholder.svg"
    if image.startswith(UPLOAD_PREFIX):
        return url_for("media.product_image", name=image[len(UPLOAD_PREFIX) :])
    return digest.static_url_for("static", filename=image)
