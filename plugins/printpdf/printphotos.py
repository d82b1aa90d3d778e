"""Photos at the size the printed page shows them: each is resized once to PDF['image_dpi']
at its laid-out size and kept in the PDF cache while a kept PDF embeds it, so WeasyPrint
embeds those bytes as they are instead of decoding and resampling the full photo in every
PDF (about 76 ms a PDF for a 1600 px photo).

The swap happens after layout, so the size is the one WeasyPrint itself laid out, whatever
the page size, margins or print.css say. A resized photo keeps its aspect ratio and still
has at least the laid-out size in CSS pixels, so the layout it was measured in stands.
"""

from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path

from PIL import Image, ImageOps

from alerts.build.files import write_atomic

#: A CSS inch is 96 CSS pixels; WeasyPrint lays boxes out in CSS pixels.
CSS_PX_PER_INCH = 96
#: JPEG quality of a print-size copy: the published photo's (authoring/images.py), above
#: the 75 WeasyPrint's own resampling used, so the printed photo is at least as good.
JPEG_QUALITY = 85


def fit_print_size(document, dpi: float, folder: Path) -> tuple[str, ...]:
    """Give every photo in the laid-out `document` that has more pixels than `dpi` needs at
    its laid-out size a copy of exactly that many, from `folder` or made there. Returns the
    names of those copies in `folder`, which the PDF's cache entry keeps (pdfcache.py
    removes the copies no kept PDF uses)."""
    from weasyprint.formatting_structure.boxes import ReplacedBox
    from weasyprint.images import RasterImage

    swapped: dict[tuple[int, int, int], tuple[str, RasterImage]] = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            image = getattr(box, "replacement", None) if isinstance(box, ReplacedBox) else None
            if not isinstance(image, RasterImage) or box.width <= 0 or box.height <= 0:
                continue
            size = _target_size(image, box.width, box.height, dpi)
            if size is None:
                continue
            key = (id(image), *size)
            if key not in swapped:
                swapped[key] = _resized(image, size, folder)
            box.replacement = swapped[key][1]
    return tuple(sorted({name for name, _ in swapped.values()}))


def _target_size(image, width_px: float, height_px: float, dpi: float):
    """The pixels `dpi` needs for a box of that many CSS pixels, or None if the image has
    no more than that already."""
    scale = min(dpi * width_px / CSS_PX_PER_INCH / image.width,
                dpi * height_px / CSS_PX_PER_INCH / image.height)
    if scale >= 1:
        return None
    return (max(1, math.floor(image.width * scale)), max(1, math.floor(image.height * scale)))


def _resized(image, size: tuple[int, int], folder: Path):
    """The name of the copy of the photo at `size` in the cache folder, and a RasterImage
    of it, from the folder or made into it."""
    from weasyprint.images import RasterImage

    source = image.image_data.data
    digest = hashlib.sha256(source).hexdigest()
    jpeg = image.format == "JPEG"
    path = folder / f"{digest}-{size[0]}x{size[1]}.{'jpg' if jpeg else 'png'}"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = _encode(source, size, jpeg)
        write_atomic(path, data)  # two workers making the same copy write the same bytes
    return path.name, RasterImage(
        Image.open(io.BytesIO(data)), f"{image.id}-{size[0]}x{size[1]}", data,
        orientation="none", options={**_options(image), "dpi": None})


def _encode(source: bytes, size: tuple[int, int], jpeg: bool) -> bytes:
    with Image.open(io.BytesIO(source)) as photo:
        photo.draft("RGB", size)  # a JPEG decodes at a fraction of its size when it can
        pixels = ImageOps.exif_transpose(photo)
        pixels = pixels.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        if jpeg:
            pixels.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=False)
        else:
            pixels.save(out, "PNG", compress_level=6)
        return out.getvalue()


def _options(image) -> dict:
    # The options WeasyPrint gave the original image, as RasterImage reads them.
    return {"jpeg_quality": image._jpeg_quality, "dpi": image._dpi,
            "optimize_images": image.optimize}
