"""Raster renditions of product images, made once when an image arrives (upload or `flask seed`).

Link previews (WhatsApp, Facebook, Telegram) show only raster images, and a phone should not download
an 800-pixel picture for a 160-pixel card. Every product image, SVG included, gets WebP, JPEG and PNG
copies at a few widths, named `<key>-<width>.<ext>` where the key is the first 32 hex digits of the
SHA-256 of the source: a changed image gets new names, so the files can be cached forever.
"""

import glob
import hashlib
import io
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass

import resvg_py
from PIL import Image

WIDTHS = (200, 400, 800)
SHARE_WIDTH = 800  # og:image: link previews want at least 600 pixels across
FORMATS = {
    "webp": ("WEBP", {"quality": 80, "method": 2}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "png": ("PNG", {"compress_level": 6}),
}
MAX_PIXELS = 40_000_000  # a 2 MB upload that claims more is a decompression bomb, not a photo


class RenditionError(ValueError):
    """The source cannot be read as an image."""


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    ext: str
    name: str


def source_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def is_svg(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head)


def _open(data: bytes) -> Image.Image:
    if is_svg(data):
        # Pillow cannot draw SVG; resvg (a wheel with no system libraries) renders it at the largest width.
        data = resvg_py.svg_to_bytes(svg_string=data.decode("utf-8"), width=max(WIDTHS))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise RenditionError(str(exc)) from exc
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: put transparent images on white, as the page shows them."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def widths_for(source_width: int) -> list[int]:
    """The standard widths no larger than the source (never upscaled), or the source's own width."""
    return [w for w in WIDTHS if w <= source_width] or [source_width]


def _largest_width(data: bytes) -> int | None:
    """The largest width `make_renditions` writes for `data` (None: not an image it can read)."""
    if is_svg(data):
        return max(WIDTHS)  # drawn at that width
    try:
        with Image.open(io.BytesIO(data)) as image:  # the header only
            return widths_for(image.width)[-1]
    except OSError:
        return None


def make_renditions(data: bytes, folder: str) -> str:
    """Write every rendition of `data` into `folder` (once: an image already done is skipped); returns the key."""
    key = source_key(data)
    # Widths are written smallest first, each PNG last: the largest width's PNG says the set is complete
    # (a set cut short by a crash is finished by the next run). Only the image's header is read for it.
    if os.path.exists(os.path.join(folder, f"{key}-{_largest_width(data)}.png")):
        return key
    os.makedirs(folder, exist_ok=True)
    image = _flatten(_open(data))
    for width in widths_for(image.width):
        height = round(image.height * width / image.width)
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        # PNG last: its presence says the set is complete (checked above).
        for ext, (fmt, options) in FORMATS.items():
            path = os.path.join(folder, f"{key}-{width}.{ext}")
            buffer = io.BytesIO()
            resized.save(buffer, fmt, **options)
            # Written whole, then renamed: a worker never serves half a file.
            temporary = f"{path}.{os.getpid()}.tmp"
            with open(temporary, "wb") as f:
                f.write(buffer.getvalue())
            os.replace(temporary, path)
    return key


# What was found on disk for an image, remembered with the folder's modification time: writing a rendition
# changes it (a backfill, an upload), so the next look sees the new files. Without it every card listed the
# whole folder (a quarter of the catalog page, issue #20).
_seen: dict[tuple[str, str, str], tuple[int, list[Rendition]]] = {}
# File system timestamps are coarse (a clock tick): a folder changed this recently might change again
# without its time moving (a backfill half done), so what is seen in it is not remembered.
_SETTLED_NS = 1_000_000_000


def rendition_folder(upload_folder: str) -> str:
    """Where the renditions of the images under `upload_folder` (UPLOAD_FOLDER) are written."""
    return os.path.join(upload_folder, "renditions")


def folder_stamp(folder: str) -> int | None:
    """The folder's modification time if it can vouch for an absence, -1 when there is no folder yet."""
    try:
        changed = os.stat(folder).st_mtime_ns
    except OSError:
        return -1  # making the folder will change this
    return changed if time.time_ns() - changed > _SETTLED_NS else None


def existing_renditions(folder: str, key: str, ext: str) -> list[Rendition]:
    """The renditions of `key` in format `ext` that are on disk, smallest first."""
    stamp = folder_stamp(folder)
    seen = _seen.get((folder, key, ext))
    if seen is not None and seen[0] == stamp:
        return seen[1]
    found = []
    for path in glob.glob(os.path.join(glob.escape(folder), f"{key}-*.{ext}")):
        with Image.open(path) as image:  # reads the header only
            found.append(Rendition(image.width, image.height, ext, os.path.basename(path)))
    found.sort(key=lambda r: r.width)
    if stamp is not None:
        _seen[(folder, key, ext)] = (stamp, found)
    return found


def srcset(urls_and_widths: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{url} {width}w" for url, width in urls_and_widths)
