"""Alert photos: check what a writer points at, and publish a copy with no metadata.

A photo from a phone carries EXIF (often GPS), XMP and IPTC blocks that can reveal
where it was taken. The site never copies the original: it re-encodes the pixels
into a fresh file with no metadata. The original under content/ is never modified.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from alerts.authoring.model import AlertImage
from alerts.build.photocache import PhotoCache

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # a 20000×20000 "bomb" is refused before it is decoded
MIN_SIDE = 200  # smaller photos look broken on a 1200×630 card
MAX_WEB_WIDTH = 1600  # wide enough for a 2× phone screen and for print at ~200 dpi


class ImageProblem(ValueError):
    """The image cannot be published; the message says why and what to do."""


def check(content_root: Path, relpath: str, alt: str, caption: str | None,
          cache: PhotoCache | None = None) -> AlertImage:
    """Validate the image at `relpath` under `content_root` and describe it."""
    root = content_root.resolve()
    source = (root / relpath).resolve()
    if not source.is_relative_to(root):
        raise ImageProblem(f"{relpath!r} is outside the content folder; put the image "
                           "under content/images/ and give its path from content/")
    if not source.is_file():
        raise ImageProblem(f"{relpath!r} does not exist under content/; check the path "
                           "(it is relative to the content folder, e.g. images/photo.jpg)")
    known = cache.known(source) if cache else None
    if known:
        fmt, width, height = known
    else:
        fmt, width, height = _decode(source, relpath)
        if cache:
            cache.remember(source, fmt, width, height)
    if min(width, height) < MIN_SIDE:
        raise ImageProblem(f"{relpath!r} is {width}×{height} pixels; a photo needs at least "
                           f"{MIN_SIDE}×{MIN_SIDE} to look sharp on the page and the card")
    name = source.stem + "." + FORMATS[fmt]
    return AlertImage(source, alt, caption, width, height, fmt, name, MAX_WEB_WIDTH)


def _decode(source: Path, relpath: str) -> tuple[str, int, int]:
    """Open and decode every pixel: (format, upright width, height), or ImageProblem."""
    # Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process,
    # which would pass a cut-off photo as whole; the check sets it back while it runs.
    accepted = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        return _decode_strictly(source, relpath)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = accepted


def _decode_strictly(source: Path, relpath: str) -> tuple[str, int, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(source) as im:
                fmt, (width, height) = im.format, im.size
                if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # stored on its side
                    width, height = height, width
                if width * height > MAX_PIXELS:
                    raise ImageProblem(
                        f"{relpath!r} is {width}×{height} pixels, too large to publish; "
                        "resize it to at most 4000 pixels wide")
                if fmt not in FORMATS:
                    raise ImageProblem(f"{relpath!r} is in {fmt} format; save it as JPEG, PNG "
                                       "or WebP")
                im.load()  # decodes every pixel: catches truncated files
        except ImageProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem(f"{relpath!r} is too large to decode safely; resize it to at "
                               "most 4000 pixels wide") from None
        except UnidentifiedImageError:
            raise ImageProblem(f"{relpath!r} is not a JPEG, PNG or WebP image (a renamed file, "
                               "or a format such as SVG or HEIC); export it again as JPEG, PNG "
                               "or WebP") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise ImageProblem(f"{relpath!r} is not a readable JPEG, PNG or WebP image "
                               f"({exc}); export it again from an image editor") from None
    return fmt, width, height


def publish(image: AlertImage, destination: Path, cache: PhotoCache | None = None) -> None:
    """Write the photo's pixels (upright, at most MAX_WEB_WIDTH wide) with no metadata."""
    if cache is None:
        _encode(image, destination)
    else:
        cache.publish(image.source, destination.suffix, destination,
                      lambda path: _encode(image, path))


def _encode(image: AlertImage, destination: Path) -> None:
    with Image.open(image.source) as im:
        upright = ImageOps.exif_transpose(im)
        if upright.width > MAX_WEB_WIDTH:
            height = round(upright.height * MAX_WEB_WIDTH / upright.width)
            upright = upright.resize((MAX_WEB_WIDTH, height), Image.Resampling.LANCZOS)
        pixels = _strip(upright, image.format)
    destination.parent.mkdir(parents=True, exist_ok=True)
    options = {
        "JPEG": {"quality": 85, "optimize": True, "progressive": True},
        "PNG": {"optimize": False, "compress_level": 9},
        "WEBP": {"quality": 85, "method": 4},
    }[image.format]
    pixels.save(destination, image.format, **options)


def _strip(im: Image.Image, fmt: str) -> Image.Image:
    """A new image holding only the pixels: no EXIF, XMP, IPTC, ICC or text chunks."""
    mode = im.mode
    if fmt == "JPEG" and mode not in ("RGB", "L"):
        mode = "RGB"
    elif mode not in ("RGB", "RGBA", "L", "LA", "P"):
        mode = "RGBA" if "A" in im.getbands() else "RGB"
    converted = im.convert(mode) if im.mode != mode else im
    clean = Image.new(converted.mode, converted.size)
    clean.frombytes(converted.tobytes())  # pixels only, nothing from .info
    if converted.mode == "P":
        clean.putpalette(converted.getpalette())
    return clean
