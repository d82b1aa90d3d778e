"""Photos drawn with Pillow for tests and for the sample content (no borrowed images)."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter


def poster_photo(path: Path, size=(1600, 1000), seed: int = 0, exif: bytes | None = None) -> Path:
    """A photo-like picture: a sky gradient, hills and candles; saved by file extension."""
    width, height = size
    im = Image.new("RGB", size)
    draw = ImageDraw.Draw(im)
    for y in range(height):
        f = y / height
        draw.line([(0, y), (width, y)], fill=(int(40 + 150 * f), int(60 + 90 * f),
                                             int(120 - 40 * f + seed % 50)))
    for i in range(5):
        cx = (i + 0.5) * width / 5 + 40 * math.sin(seed + i)
        draw.ellipse([cx - width / 3, height * 0.6, cx + width / 3, height * 1.4],
                     fill=(30 + 12 * i, 70 + 8 * i, 40 + 5 * i))
    for i in range(43):
        x = width * (0.08 + 0.84 * i / 42)
        y = height * (0.72 + 0.05 * math.sin(i))
        draw.rectangle([x - 6, y, x + 6, y + 60], fill=(235, 225, 200))
        draw.ellipse([x - 8, y - 22, x + 8, y - 2], fill=(255, 190, 60))
    im = im.filter(ImageFilter.GaussianBlur(1.2))
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {"quality": 88} if path.suffix.lower() in (".jpg", ".jpeg", ".webp") else {}
    if exif is not None:
        options["exif"] = exif
    im.save(path, **options)
    return path


if __name__ == "__main__":
    import sys

    poster_photo(Path(sys.argv[1]), seed=int(sys.argv[2]) if len(sys.argv) > 2 else 0)
