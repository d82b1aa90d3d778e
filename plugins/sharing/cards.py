"""Social card layout as data, and a pure function that draws a card from (spec, layout)."""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageColor, ImageDraw, ImageOps

from .cardfonts import FontChain
from .cardtext import draw_block, fit

log = logging.getLogger(__name__)

TITLE_FONTS = ["NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf",
               "NotoSansCJK-Bold.ttc", "DejaVuSans-Bold.ttf"]
TEXT_FONTS = ["NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf",
              "NotoSansCJK-Regular.ttc", "DejaVuSans.ttf"]

#: The `SOCIAL_CARDS` setting is merged over these; sizes are in pixels.
DEFAULTS = {
    #: False draws no card, and card_for() gives None so pages name no image.
    "enabled": True,
    #: 1200×630 is what Facebook, LinkedIn and X show at full width.
    "width": 1200,
    "height": 630,
    #: Space between the card's edges and any text.
    "padding": 72,
    #: Space between the site name, the title and the lines below it.
    "gap": 28,
    #: The brand colour, behind the text when an alert has no photo.
    "background_color": "#1b365d",
    #: Site name, title and target line.
    "text_color": "#ffffff",
    #: Deadline line and the strip along the bottom edge.
    "accent_color": "#ffd166",
    #: Height of the accent strip along the bottom edge; 0 for none.
    "accent_bar": 12,
    #: Image (PNG, JPEG or WebP) drawn instead of the site name, relative to the content folder.
    "logo": None,
    "logo_height": 56,
    "header_size": 32,
    #: The title takes the largest size from max down to min that fits in max_lines lines;
    #: a title too long even at min size is cut with an ellipsis.
    "title_max_size": 88,
    "title_min_size": 40,
    "title_max_lines": 4,
    #: Line pitch as a multiple of the font size.
    "line_height": 1.2,
    #: The deadline and target lines (and the site card's description).
    "meta_size": 34,
    "meta_max_lines": 2,
    #: WCAG contrast kept between every text colour and a photo, darkened until it holds.
    "min_contrast": 4.5,
    #: The least a photo is darkened (0..1), so cards look alike even over dark photos.
    "photo_min_darken": 0.3,
    #: Which part of a photo the crop keeps, as (x, y) fractions; (0.5, 0.5) is the centre.
    "photo_focus": [0.5, 0.5],
    #: Fonts by file name (searched in theme/fonts, then the system) or absolute path, in order of
    #: preference; a missing one is skipped and each character uses the first font that has it.
    "title_fonts": TITLE_FONTS,
    "text_fonts": TEXT_FONTS,
    #: Also look through every installed font for characters the lists above lack.
    "system_fallback": True,
    #: "jpeg", "png" or "webp"; measured: JPEG suits photos, PNG suits flat colour.
    "photo_format": "jpeg",
    "flat_format": "png",
    "jpeg_quality": 85,
    #: A card larger than this is re-encoded smaller (lower quality, or a palette PNG).
    "max_bytes": 300_000,
    #: Processes that draw cards; 0 means one per core.
    "workers": 0,
}

COLOR_KEYS = ("background_color", "text_color", "accent_color")
FORMATS = {"jpeg": ("jpg", "image/jpeg"), "png": ("png", "image/png"),
           "webp": ("webp", "image/webp")}


class CardConfigError(ValueError):
    """A `SOCIAL_CARDS` setting that cannot work; the message says how to write it."""


def merge_layout(user: dict | None, *, warn: bool = True) -> dict:
    """DEFAULTS with the user's SOCIAL_CARDS over them, checked; unknown keys are warned about."""
    user = dict(user or {})
    if warn:
        for key in sorted(set(user) - set(DEFAULTS)):
            log.warning("cards: SOCIAL_CARDS has an unknown key %r; known keys: %s",
                        key, ", ".join(DEFAULTS))
    layout = {**DEFAULTS, **{k: v for k, v in user.items() if k in DEFAULTS}}
    for key in COLOR_KEYS:
        value = layout[key]
        try:
            ImageColor.getrgb(value)
        except (ValueError, AttributeError, TypeError):
            raise CardConfigError(
                f"SOCIAL_CARDS[{key!r}]: {value!r} is not a colour; write it as '#rrggbb', "
                f"e.g. {DEFAULTS[key]!r}") from None
    for key in ("photo_format", "flat_format"):
        if layout[key] not in FORMATS:
            raise CardConfigError(f"SOCIAL_CARDS[{key!r}]: {layout[key]!r} is not a card format; "
                                  f"write one of {', '.join(map(repr, FORMATS))}")
    for key in ("title_fonts", "text_fonts"):
        if isinstance(layout[key], str) or not all(isinstance(n, str) for n in layout[key]):
            raise CardConfigError(f"SOCIAL_CARDS[{key!r}]: write a list of font file names, "
                                  f"e.g. {DEFAULTS[key][:2]!r}")
    for key in ("text_color", "accent_color"):
        ratio = contrast(rgb(layout[key]), rgb(layout["background_color"]))
        if ratio < layout["min_contrast"]:
            raise CardConfigError(
                f"SOCIAL_CARDS[{key!r}]: {layout[key]} on background_color "
                f"{layout['background_color']} has contrast {ratio:.2f}:1, below min_contrast "
                f"{layout['min_contrast']}:1; choose a lighter or darker colour")
    return layout


@dataclass(frozen=True)
class CardSpec:
    """What one card says, in which language, over which photo, with which fonts."""

    title: str
    title_fonts: FontChain
    text_fonts: FontChain
    header: str = ""  # site name above the title
    lines: tuple[tuple[str, str], ...] = ()  # (text, colour key) below the title
    lang: str = "en"
    photo: str | None = None
    logo: str | None = None


def rgb(color: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(color)[:3]


def luminance(color: tuple[int, ...]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    lin = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in color[:3]]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def cover(photo: str, size: tuple[int, int], focus) -> Image.Image:
    """The photo scaled and cropped to fill size, turned upright."""
    w, h = size
    with Image.open(photo) as im:
        im.draft("RGB", size)  # a JPEG decodes at 1/2, 1/4 or 1/8 scale: ten times faster
        im.load()
        ImageOps.exif_transpose(im, in_place=True)  # in place: a copy costs 4 ms
        if im.mode != "RGB":
            im = im.convert("RGB")
    scale = max(w / im.width, h / im.height)
    cw, ch = w / scale, h / scale
    left = (im.width - cw) * focus[0]
    top = (im.height - ch) * focus[1]
    if scale == 1:  # the reduced JPEG is already the card's width or height: just crop
        return im.crop((round(left), round(top), round(left) + w, round(top) + h))
    return im.resize(size, Image.Resampling.BICUBIC, box=(left, top, left + cw, top + ch),
                     reducing_gap=2.0)


def darken_for_contrast(image: Image.Image, box, colors, ratio: float, least: float = 0.0):
    """Scale the image towards black (or white, for dark text) until every colour reaches ratio.

    The lightest area is taken per channel over 4×4 blocks of box, so the bound holds for
    every such area. Returns the new image and the factor kept (1 is unchanged).
    """
    region = image.crop(box).reduce(4)
    extrema = region.getextrema()
    darken = min(luminance(c) for c in colors) > 0.18
    worst = tuple(hi if darken else lo for lo, hi in extrema)

    def scaled(k: float):
        if darken:
            return tuple(math.floor(c * k) for c in worst)
        return tuple(255 - math.floor((255 - c) * k) for c in worst)

    def ok(k: float) -> bool:
        return all(contrast(c, scaled(k)) >= ratio for c in colors)

    lo, hi = 0.0, 1.0 - least
    if not ok(hi):
        for _ in range(20):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid)
        hi = lo
    k = hi
    lut = [math.floor(i * k) if darken else 255 - math.floor((255 - i) * k) for i in range(256)]
    return image.point(lut * 3), k


def draw(spec: CardSpec, layout: dict) -> Image.Image:
    """The card for spec drawn with layout, as an RGB image."""
    w, h, pad, gap, lh = (layout[k] for k in ("width", "height", "padding", "gap", "line_height"))
    text_rgb, accent_rgb = rgb(layout["text_color"]), rgb(layout["accent_color"])
    inner = w - 2 * pad
    header = None
    top = pad
    if spec.header and not spec.logo:
        size = layout["header_size"]
        header = fit(spec.header, spec.title_fonts, spec.lang, inner, size * lh,
                     range(size, size - 1, -1), 1, lh)
        top += header.height(lh) + gap
    elif spec.logo:
        top += layout["logo_height"] + gap
    meta = []
    bottom = h - pad
    size = layout["meta_size"]
    for text, key in reversed(spec.lines):
        block = fit(text, spec.text_fonts, spec.lang, inner, h, range(size, size - 1, -1),
                    layout["meta_max_lines"], lh)
        bottom -= block.height(lh)
        meta.insert(0, (block, bottom, rgb(layout[key])))
    if meta:
        bottom -= gap
    sizes = range(layout["title_max_size"], layout["title_min_size"] - 1, -2)
    title = fit(spec.title, spec.title_fonts, spec.lang, inner, bottom - top, sizes,
                layout["title_max_lines"], lh)

    if spec.photo:
        card = cover(spec.photo, (w, h), layout["photo_focus"])
        accent = any(k == "accent_color" for _, k in spec.lines)
        colors = [text_rgb, accent_rgb] if accent else [text_rgb]
        card, _ = darken_for_contrast(card, (pad // 2, pad // 2, w - pad // 2, h - pad // 2),
                                      colors, layout["min_contrast"], layout["photo_min_darken"])
    else:
        card = Image.new("RGB", (w, h), rgb(layout["background_color"]))
    pen = ImageDraw.Draw(card)
    if spec.logo:
        with Image.open(spec.logo) as logo:
            logo = ImageOps.contain(logo.convert("RGBA"), (inner, layout["logo_height"]))
        card.paste(logo, (pad, pad), logo)
    elif header:
        draw_block(pen, header, spec.title_fonts, (pad, pad, w - pad), text_rgb, spec.lang, lh)
    draw_block(pen, title, spec.title_fonts, (pad, top, w - pad), text_rgb, spec.lang, lh)
    for block, y, fill in meta:
        draw_block(pen, block, spec.text_fonts, (pad, y, w - pad), fill, spec.lang, lh)
    if layout["accent_bar"]:
        pen.rectangle((0, h - layout["accent_bar"], w, h), fill=accent_rgb)
    return card


def card_format(spec: CardSpec, layout: dict) -> str:
    """"jpeg", "png" or "webp": the layout's format for a card with or without a photo."""
    return layout["photo_format" if spec.photo else "flat_format"]


def encode(image: Image.Image, spec: CardSpec, layout: dict) -> tuple[bytes, str]:
    """The card as file bytes in the layout's format for its kind, within max_bytes."""
    fmt = card_format(spec, layout)
    quality = layout["jpeg_quality"]
    if fmt == "png" and not spec.photo and not spec.logo:
        # A flat card holds only blends of its three colours: mapping it onto ramps between
        # them is exact to a few levels, 10× faster than a general quantizer, and half the size.
        image = image.quantize(palette=_ramps(layout), dither=Image.Dither.NONE)
    while True:
        buf = io.BytesIO()
        if fmt == "png":
            image.save(buf, "PNG", compress_level=3)
            if buf.tell() > layout["max_bytes"] and image.mode == "RGB":
                image = image.quantize(256, method=Image.Quantize.FASTOCTREE)
                continue
            return buf.getvalue(), fmt
        image.save(buf, fmt.upper(), quality=quality)
        if buf.tell() <= layout["max_bytes"] or quality <= 40:
            return buf.getvalue(), fmt
        quality -= 10


def _ramps(layout: dict) -> Image.Image:
    return _ramp_palette(*(rgb(layout[k]) for k in COLOR_KEYS))


@lru_cache(maxsize=8)
def _ramp_palette(bg, *ends) -> Image.Image:
    colors = []
    for end, steps in zip(ends, (128, 128), strict=True):
        colors += [tuple(round(a + (b - a) * i / (steps - 1)) for a, b in zip(bg, end, strict=True))
                   for i in range(steps)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for c in colors for v in c])
    return palette
