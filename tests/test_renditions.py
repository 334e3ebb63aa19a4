"""Image renditions made while the shop serves: a half-written set is never taken for the whole one.

`flask seed` (or an upload) writes an image's widths smallest first, each format's PNG last. A worker that
looks in the middle of that must not keep what it saw for good, and a run cut short (a crash, a deploy)
must be finished by the next one rather than taken as done.
"""

import io
import os

from PIL import Image

from storefront import renditions
from storefront.renditions import existing_renditions, make_renditions, source_key


def png_bytes(width, height=300):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "orange").save(buffer, "PNG")
    return buffer.getvalue()


def widths(found):
    return [r.width for r in found]


def test_a_set_seen_half_written_shows_whole_once_written(tmp_path):
    data = png_bytes(1000)
    key = source_key(data)
    folder = str(tmp_path)
    # A worker looks while only the smallest width has been written ...
    Image.new("RGB", (200, 60), "orange").save(os.path.join(folder, f"{key}-200.webp"), "WEBP")
    assert widths(existing_renditions(folder, key, "webp")) == [200]
    # ... and again once the run has finished: it sees every width, not the half it saw first.
    make_renditions(data, folder)
    assert widths(existing_renditions(folder, key, "webp")) == [200, 400, 800]


def test_a_run_cut_short_is_finished_by_the_next(tmp_path):
    data = png_bytes(1000)
    key = source_key(data)
    folder = str(tmp_path)
    make_renditions(data, folder)
    for name in os.listdir(folder):  # as if the run had stopped after the first width
        if not name.startswith(f"{key}-200."):
            os.remove(os.path.join(folder, name))
    make_renditions(data, folder)
    assert sorted(os.listdir(folder)) == sorted(
        f"{key}-{width}.{ext}" for width in (200, 400, 800) for ext in renditions.FORMATS
    )


def test_a_small_image_is_complete_at_the_widths_it_has(tmp_path):
    data = png_bytes(300)
    key = source_key(data)
    make_renditions(data, str(tmp_path))
    written = sorted(os.listdir(tmp_path))
    make_renditions(data, str(tmp_path))  # nothing to do: its only width is there
    assert sorted(os.listdir(tmp_path)) == written
    assert widths(existing_renditions(str(tmp_path), key, "png")) == [200]  # never upscaled
