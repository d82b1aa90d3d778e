"""Social card layout as data, and a pure function that draws a card from (spec, layout)."""

from __future__ import annotations

import io
import math
import os
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageColor, ImageDraw, ImageOps

from alerts.build.config import SettingsError, merge
from sharing.cards.fonts import FontChain
from sharing.cards.text import draw_block, fit

TITLE_FONTS = ["NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf",
               "NotoSansCJK-Bold.ttc", "DejaVuSans-Bold.ttf"]
TEXT_FONTS = ["NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf",
              "NotoSansCJK-Regular.ttc", "DejaVuSans.ttf"]

#: The `SOCIAL_CARDS` setting is merged over these (any other key is an error); sizes are
#: in pixels.
DEFAULTS = {
    #: False draws no card, and card_for() gives None so pages name no image.
    "enabled": True,
    #: The card's width; 1200×630 is what Facebook, LinkedIn and X show at full width.
    "width": 1200,
    #: The card's height.
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
    #: The logo's height; it keeps its proportions within the width between the paddings.
    "logo_height": 56,
    #: The site name's font size, above the title (when there is no logo).
    "header_size": 32,
    #: The title takes the largest size from max down to min that fits in max_lines lines;
    #: a title too long even at min size is cut with an ellipsis.
    "title_max_size": 88,
    #: The smallest title size tried (see title_max_size).
    "title_min_size": 40,
    #: The most lines the title may take (see title_max_size).
    "title_max_lines": 4,
    #: Line pitch as a multiple of the font size.
    "line_height": 1.2,
    #: The deadline and target lines (and the site card's description).
    "meta_size": 34,
    #: The most lines each of those may take; longer ones are cut with an ellipsis.
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
    #: The same for the site name's and the lines' text.
    "text_fonts": TEXT_FONTS,
    #: Also look through every installed font for characters the lists above lack.
    "system_fallback": True,
    #: Format of cards with a photo: "jpeg", "png" or "webp"; measured: JPEG suits photos.
    "photo_format": "jpeg",
    #: Format of cards without one (the brand colour); measured: PNG suits flat colour.
    "flat_format": "png",
    #: JPEG (and WebP) quality to start from; lowered while a card is over max_bytes.
    "jpeg_quality": 85,
    #: A card larger than this is re-encoded smaller (lower quality, or a palette PNG).
    "max_bytes": 300_000,
    #: Processes that draw cards; 0 means one per core.
    "workers": 0,
}

COLOR_KEYS = ("background_color", "text_color", "accent_color")
ORIENTATION = 0x0112  # the EXIF tag
FORMATS = {"jpeg": ("jpg", "image/jpeg"), "png": ("png", "image/png"),
           "webp": ("webp", "image/webp")}

#: The error of a SOCIAL_CARDS setting that cannot work: the one every setting raises.
CardConfigError = SettingsError


def merge_layout(user: dict | None, *, warn: bool = True) -> dict:
    """DEFAULTS with the user's SOCIAL_CARDS over them, checked; an unknown key is an error
    (`warn` is accepted for callers written when it was a warning)."""
    return merge("SOCIAL_CARDS", user, DEFAULTS, check_layout)


def check_layout(layout: dict) -> None:
    """Raise SettingsError for a merged SOCIAL_CARDS value that cannot draw a card."""
    for key in COLOR_KEYS:
        value = layout[key]
        try:
            ImageColor.getrgb(value)
        except (ValueError, AttributeError, TypeError):
            raise SettingsError(
                f"SOCIAL_CARDS[{key!r}]: {value!r} is not a colour; write it as '#rrggbb', "
                f"e.g. {DEFAULTS[key]!r}") from None
    for key in ("photo_format", "flat_format"):
        if layout[key] not in FORMATS:
            raise SettingsError(f"SOCIAL_CARDS[{key!r}]: {layout[key]!r} is not a card format; "
                                f"write one of {', '.join(map(repr, FORMATS))}")
    for key in ("title_fonts", "text_fonts"):
        if isinstance(layout[key], str) or not all(isinstance(n, str) for n in layout[key]):
            raise SettingsError(f"SOCIAL_CARDS[{key!r}]: write a list of font file names, "
                                f"e.g. {DEFAULTS[key][:2]!r}")
    for key in ("text_color", "accent_color"):
        ratio = contrast(rgb(layout[key]), rgb(layout["background_color"]))
        if ratio < layout["min_contrast"]:
            raise SettingsError(
                f"SOCIAL_CARDS[{key!r}]: {layout[key]} on background_color "
                f"{layout['background_color']} has contrast {ratio:.2f}:1, below min_contrast "
                f"{layout['min_contrast']}:1; choose a lighter or darker colour")


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
        # A JPEG decodes at 1/2, 1/4 or 1/8 scale when that still covers the card: ten
        # times faster. A photo stored on its side is asked for on its side.
        sideways = im.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
        im.draft("RGB", (h, w) if sideways else size)
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
    # BOX (area averaging) is the cheapest filter that does not alias when shrinking:
    # 9 ms for a 1600×1000 photo against 19 ms with BICUBIC, and under a darkened photo and
    # large text the difference cannot be seen. A photo more than twice the card's size is
    # first reduced by a whole factor (reducing_gap), which is faster still.
    return im.resize(size, Image.Resampling.BOX, box=(left, top, left + cw, top + ch),
                     reducing_gap=2.0)


def darken_for_contrast(image: Image.Image, box, colors, ratio: float, least: float = 0.0):
    """Scale the image towards black (or white, for dark text) until every colour reaches ratio.

    The lightest area is taken per channel over 4×4 blocks of box, so the bound holds for
    every such area. Returns the new image and the factor kept (1 is unchanged).
    """
    extrema = image.reduce(4, box=box).getextrema()
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
    """The card for spec drawn with layout: an RGB image, or a palette one for a flat PNG card."""
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
        meta.insert(0, (block, bottom, key))
    if meta:
        bottom -= gap
    sizes = range(layout["title_max_size"], layout["title_min_size"] - 1, -2)
    title = fit(spec.title, spec.title_fonts, spec.lang, inner, bottom - top, sizes,
                layout["title_max_lines"], lh)

    if spec.photo:
        accent = any(k == "accent_color" for _, k in spec.lines)
        colors = (text_rgb, accent_rgb) if accent else (text_rgb,)
        card = photo_background(spec.photo, layout, colors).copy()  # shared: draw on a copy
    elif not spec.logo and card_format(spec, layout) == "png":
        card = _palette_card(layout)
    else:
        card = Image.new("RGB", (w, h), rgb(layout["background_color"]))
    pen = ImageDraw.Draw(card)
    pen.fontmode = "L"  # anti-aliased on a palette image too
    ink = _inks(card, layout)
    if spec.logo:
        with Image.open(spec.logo) as logo:
            logo = ImageOps.contain(logo.convert("RGBA"), (inner, layout["logo_height"]))
        card.paste(logo, (pad, pad), logo)
    elif header:
        draw_block(pen, header, spec.title_fonts, (pad, pad, w - pad), ink["text_color"],
                   spec.lang, lh)
    draw_block(pen, title, spec.title_fonts, (pad, top, w - pad), ink["text_color"], spec.lang, lh)
    for block, y, key in meta:
        draw_block(pen, block, spec.text_fonts, (pad, y, w - pad), ink[key], spec.lang, lh)
    if layout["accent_bar"]:
        pen.rectangle((0, h - layout["accent_bar"], w, h), fill=ink["accent_color"])
    return card


# A flat PNG card is drawn straight onto a palette of two ramps that meet at the background
# colour: index 128 is the background, 129-255 run to the text colour and 127-0 to the
# accent colour. Pillow blends text into a palette image by index, which on these ramps is
# the RGB blend to within one level: the card needs no quantizing afterwards, blending text
# into one byte a pixel costs a quarter of RGB's, and the PNG stays about 30 KB.
BACKGROUND_INDEX, TEXT_INDEX, ACCENT_INDEX = 128, 255, 0


def _palette_card(layout: dict) -> Image.Image:
    card = Image.new("P", (layout["width"], layout["height"]), BACKGROUND_INDEX)
    card.putpalette(_ramp_palette(*(rgb(layout[k]) for k in COLOR_KEYS)))
    return card


@lru_cache(maxsize=8)
def _ramp_palette(background, text, accent) -> tuple[int, ...]:
    def mix(end, t):
        return tuple(round(a + (b - a) * t) for a, b in zip(background, end, strict=True))

    colors = [mix(accent, (BACKGROUND_INDEX - i) / BACKGROUND_INDEX)
              for i in range(BACKGROUND_INDEX + 1)]
    colors += [mix(text, (i - BACKGROUND_INDEX) / (TEXT_INDEX - BACKGROUND_INDEX))
               for i in range(BACKGROUND_INDEX + 1, TEXT_INDEX + 1)]
    return tuple(v for c in colors for v in c)


def _inks(card: Image.Image, layout: dict) -> dict:
    """What to draw each colour key with: a palette index, or an RGB colour."""
    if card.mode == "P":
        return {"background_color": BACKGROUND_INDEX, "text_color": TEXT_INDEX,
                "accent_color": ACCENT_INDEX}
    return {key: rgb(layout[key]) for key in COLOR_KEYS}


def photo_background(photo: str, layout: dict, colors: tuple) -> Image.Image:
    """The photo cover-cropped to the card and darkened for colors. Shared: draw on a copy."""
    st = os.stat(photo)
    return _background(photo, st.st_size, st.st_mtime_ns, (layout["width"], layout["height"]),
                       tuple(layout["photo_focus"]), colors, layout["min_contrast"],
                       layout["photo_min_darken"], layout["padding"] // 2)


# Decoding, shrinking and darkening a photo is most of a photo card's time, and alerts often
# share a photo: each drawing process keeps the last 16 backgrounds ready (3 MB each). The
# file's size and mtime are in the key, so an edited photo is read again.
@lru_cache(maxsize=16)
def _background(photo, _bytes, _mtime, size, focus, colors, ratio, least, margin) -> Image.Image:
    w, h = size
    box = (margin, margin, w - margin, h - margin)  # where text may be, with a margin
    image, _ = darken_for_contrast(cover(photo, size, focus), box, colors, ratio, least)
    return image


def card_format(spec: CardSpec, layout: dict) -> str:
    """"jpeg", "png" or "webp": the layout's format for a card with or without a photo."""
    return layout["photo_format" if spec.photo else "flat_format"]


def encode(image: Image.Image, spec: CardSpec, layout: dict) -> tuple[bytes, str]:
    """The card as file bytes in the layout's format for its kind, within max_bytes."""
    fmt = card_format(spec, layout)
    quality = layout["jpeg_quality"]
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
