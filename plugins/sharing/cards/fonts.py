"""Card fonts: find font files, check what each covers with fontTools, and lay text out in runs."""

from __future__ import annotations

import io
import logging
import os
import struct
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

from sharing.cards.coverage import coverage

log = logging.getLogger(__name__)

#: Fonts the project ships (with their licence); searched first so cards look the same everywhere.
SHIPPED_FONTS = Path(__file__).resolve().parents[3] / "theme" / "fonts"
SYSTEM_FONT_DIRS = ("~/.local/share/fonts", "/usr/local/share/fonts", "/usr/share/fonts")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")

# Noto CJK collections hold one face per region; the language picks the glyph forms readers expect.
CJK_REGIONS = {"ja": "JP", "ko": "KR", "zh": "SC", "zh-tw": "TC", "zh-hant": "TC", "zh-hk": "HK"}


@dataclass(frozen=True)
class FontFile:
    """One face of a font file (collections hold several)."""

    path: str
    index: int = 0


@dataclass(frozen=True)
class FontChain:
    """Fonts in order of preference; each character is drawn with the first that has it."""

    fonts: tuple[FontFile, ...]
    # Per character: (first font that has it, or None; whether it may stay in the run
    # it sits in; whether it needs a glyph at all). Looked up for every character drawn.
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    # Characters known to be drawable (a font has them, or they need no glyph): most
    # texts are checked against this set in one step (`missing`).
    _drawable: set = field(default_factory=set, compare=False, hash=False, repr=False)
    # Characters the first font draws (or that need no glyph): a text of these alone is
    # drawn with that font alone (`used`).
    _primary: set = field(default_factory=set, compare=False, hash=False, repr=False)

    def font_for(self, ch: str, current: FontFile | None = None) -> FontFile | None:
        try:
            first, sticky, glyph = self._memo[ch]
        except KeyError:
            glyph = needs_glyph(ch)
            first = next((f for f in self.fonts if ord(ch) in coverage(f)), None) if glyph else None
            # Spaces, digits, punctuation and marks stay in the run they sit in, so a
            # word keeps one font and Arabic joins are shaped together.
            sticky = unicodedata.category(ch)[0] in "MNPSZ"
            self._memo[ch] = (first, sticky, glyph)
            if self.fonts and (first is self.fonts[0] or not glyph):
                self._primary.add(ch)
        if not glyph:
            return current or (self.fonts[0] if self.fonts else None)
        if current and sticky and current is not first and ord(ch) in coverage(current):
            return current
        return first

    def runs(self, text: str) -> tuple[tuple[FontFile, str], ...]:
        """Split text into (font, text) runs; characters no font has are left out."""
        return _runs(self, text)

    def missing(self, text: str) -> str:
        """The characters of text that no font in the chain has, each once."""
        # Asked of every card's text on every build, so the common answer ("none") is a
        # set lookup rather than a character-by-character walk.
        if self._drawable.issuperset(text):
            return ""
        gone = []
        for ch in text:
            if self.font_for(ch) is None and needs_glyph(ch):
                gone.append(ch)
            else:
                self._drawable.add(ch)
        return "".join(dict.fromkeys(gone))

    def used(self, text: str) -> frozenset[FontFile]:
        """The fonts runs(text) would use, without building the runs."""
        if text and self._primary.issuperset(text):  # most texts, in one step
            return frozenset((self.fonts[0],))
        return _used(self, text)


@lru_cache(maxsize=8192)
def _used(chain: FontChain, text: str) -> frozenset[FontFile]:
    # Cached: every card's key asks it of the card's text (sharing.cards.cache), and the
    # devserver asks it of the same texts on every rebuild.
    fonts, current = set(), None
    for ch in text:
        font = chain.font_for(ch, current)
        if font is not None and font is not current:
            fonts.add(font)
            current = font
    return frozenset(fonts)


@lru_cache(maxsize=4096)
def _runs(chain: FontChain, text: str) -> tuple[tuple[FontFile, str], ...]:
    # Cached: fitting a title measures the same words many times. A tuple, so callers
    # cannot change what the cache holds.
    out: list[tuple[FontFile, str]] = []
    current = None
    for ch in text:
        font = chain.font_for(ch, current)
        if font is None:
            continue
        if out and font is out[-1][0]:  # fonts come from the chain: the same objects
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
        current = font
    return tuple(out)


def needs_glyph(ch: str) -> bool:
    """False for controls, format characters (ZWJ, bidi marks) and variation selectors."""
    code = ord(ch)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return False
    return unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")


def font_dirs(theme: str | None = None) -> tuple[str, ...]:
    dirs = [str(SHIPPED_FONTS)]
    if theme:
        dirs.append(str(Path(theme) / "fonts"))
    dirs.extend(os.path.expanduser(d) for d in SYSTEM_FONT_DIRS)
    return tuple(dict.fromkeys(dirs))


@lru_cache(maxsize=8)
def _files(dirs: tuple[str, ...]) -> dict[str, str]:
    """Font file name -> path; the first folder that has a name wins."""
    found: dict[str, str] = {}
    for folder in dirs:
        if os.path.isdir(folder):
            for path in sorted(Path(folder).rglob("*")):
                if path.suffix.lower() in FONT_SUFFIXES:
                    found.setdefault(path.name, str(path))
    return found


def find(name: str, dirs: tuple[str, ...]) -> str | None:
    """The path of a font given by absolute path or by file name, or None."""
    if os.path.isabs(name):
        return name if os.path.isfile(name) else None
    return _files(dirs).get(name)


def _region(lang: str | None) -> str | None:
    code = (lang or "").lower().replace("_", "-")
    for prefix in ("zh-tw", "zh-hant", "zh-hk"):
        if code.startswith(prefix):
            return CJK_REGIONS[prefix]
    return CJK_REGIONS.get(code.split("-")[0])


@lru_cache(maxsize=64)
def _face_index(path: str, region: str | None) -> int:
    if not path.lower().endswith(".ttc") or not region:
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        for index, face in enumerate(collection.fonts):
            if (face["name"].getDebugName(1) or "").endswith(" " + region):
                return index
    return 0


def resolve(names: list[str], lang: str | None, dirs: tuple[str, ...]) -> FontChain:
    """The chain of the named fonts that are installed; a missing one is skipped."""
    fonts = []
    for name in names:
        path = find(name, dirs)
        if path is None:
            log.debug("cards: font %s is not installed; skipped", name)
            continue
        fonts.append(FontFile(path, _face_index(path, _region(lang))))
    return FontChain(tuple(dict.fromkeys(fonts)))


def with_system_fallback(chain: FontChain, text: str, style: str, dirs: tuple[str, ...]):
    """The chain plus, for characters it lacks, the first installed font that has them."""
    fonts = list(chain.fonts)
    for ch in chain.missing(text):
        if FontChain(tuple(fonts)).font_for(ch) is None:
            extra = next((f for f in _candidates(style, dirs) if ord(ch) in coverage(f)), None)
            if extra is not None:
                fonts.append(extra)
    return FontChain(tuple(fonts))


def _candidates(style: str, dirs: tuple[str, ...]):
    # Same weight first, then sans before serif, so a fallback glyph looks like its neighbours.
    def rank(name: str) -> tuple:
        return (style not in name, "Sans" not in name, "Mono" in name, name)

    for name in sorted(_files(dirs), key=rank):
        yield FontFile(_files(dirs)[name])


class CardFontError(RuntimeError):
    """Pillow cannot shape text here; the message says what to install."""


@lru_cache(maxsize=512)
def truetype(font: FontFile, size: int) -> ImageFont.FreeTypeFont:
    # Pillow's wheels bundle raqm and HarfBuzz but load FriBiDi from the system; without
    # it Arabic would be drawn unjoined and backwards, so stop with the remedy instead.
    if not features.check("raqm"):
        raise CardFontError("cards: Pillow's raqm text layout is unavailable, so Arabic and "
                            "Hebrew cannot be shaped; install FriBiDi: apt-get install libfribidi0")
    unhinted = _without_hinting(font.path)
    source = io.BytesIO(unhinted) if unhinted else font.path
    return ImageFont.truetype(source, size, index=font.index, layout_engine=ImageFont.Layout.RAQM)


# Hinting is made for small text on low-resolution screens; at card sizes (32-88 px) it
# changes nothing visible, yet running the Noto fonts' hinting programs was most of the time
# a card's text took (Pillow loads each glyph of a line three times). A TrueType font can
# turn its own hinting off: when its control value program ('prep') sets INSTCTRL's first
# flag, FreeType loads the glyphs unhinted. Card fonts are therefore opened from a copy in
# memory whose prep does only that, and draw text 3-4 times faster; the file is untouched.
NO_HINTING_PREP = bytes([0xB1, 1, 1, 0x8E])  # PUSHB[2] 1 1; INSTCTRL[]: flag 1 = no hinting


@lru_cache(maxsize=32)
def _without_hinting(path: str) -> bytes | None:
    """A hinted TrueType font's bytes with its hinting turned off; None for any other font."""
    with open(path, "rb") as f:
        version = f.read(4)
        # Collections (.ttc) and CFF fonts (.otf, Noto CJK) are loaded as they are.
        if version not in (b"\0\1\0\0", b"true"):
            return None
        data = bytearray(version + f.read())
    try:
        for i in range(struct.unpack_from(">H", data, 4)[0]):
            record = 12 + 16 * i  # tag, checksum, offset, length
            tag, _, offset, length = struct.unpack_from(">4sIII", data, record)
            if tag == b"prep" and len(NO_HINTING_PREP) <= length <= len(data) - offset:
                # The program replaces prep's start and the table is cut to it. FreeType
                # does not check table checksums.
                data[offset:offset + len(NO_HINTING_PREP)] = NO_HINTING_PREP
                struct.pack_into(">I", data, record + 12, len(NO_HINTING_PREP))
                return bytes(data)
    except struct.error:  # a truncated file: let FreeType report it
        return None
    return None  # not hinted: FreeType auto-hints it, as for any unhinted font
