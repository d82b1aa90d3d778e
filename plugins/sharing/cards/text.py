"""Card text: where lines may break, the largest size that fits, and drawing runs in bidi order."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageDraw

from sharing.cards.fonts import FontChain, FontFile, truetype

ELLIPSIS = "…"
#: Text is measured once at this size and scaled, which is exact enough to pick a size.
REF_SIZE = 100
#: Languages written right to left, for text with no strong character of its own.
RTL_LANGS = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"}


@dataclass
class Block:
    """Lines of text fitted to a box at one size."""

    size: int
    lines: list[str]
    rtl: bool

    def height(self, line_height: float) -> int:
        return round(len(self.lines) * self.size * line_height)


def is_rtl(text: str, default: bool = False) -> bool:
    """True when the first strong character is right-to-left (Unicode bidi rule P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return default


@lru_cache(maxsize=8192)
def measure(chain: FontChain, text: str, size: int, rtl: bool, lang: str | None) -> float:
    """Width of text in pixels, shaped run by run."""
    return sum(run_width(font, part, size, rtl, lang) for font, part in chain.runs(text))


@lru_cache(maxsize=8192)
def run_width(font: FontFile, text: str, size: int, rtl: bool, lang: str | None) -> float:
    direction = "rtl" if rtl else "ltr"
    return truetype(font, size).getlength(text, direction=direction, language=lang)


def tokens(text: str) -> list[str]:
    """Pieces a line may break between: words with their trailing space, single CJK characters."""
    out: list[str] = []
    for ch in " ".join(text.split()):
        if out and (ch == " " or not (out[-1].endswith(" ") or _wide(ch) or _wide(out[-1][0]))):
            out[-1] += ch
        elif out and _wide(out[-1][0]) and unicodedata.category(ch) in ("Po", "Pe", "Pf"):
            out[-1] += ch  # closing CJK punctuation never starts a line
        elif out and unicodedata.category(out[-1][-1]) in ("Ps", "Pi"):
            out[-1] += ch  # nor does an opening one end it
        else:
            out.append(ch)
    return out


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" and unicodedata.category(ch) == "Lo"


def wrap(widths: list[tuple[float, float]], limit: float, max_lines: int = 0):
    """Greedy line breaking of (width, width without trailing space) pairs into lists of indexes.

    None when one piece alone is wider than the limit.
    """
    lines: list[list[int]] = [[]]
    used = 0.0
    for i, (full, trimmed) in enumerate(widths):
        if trimmed > limit:
            return None
        if lines[-1] and used + trimmed > limit:
            if max_lines and len(lines) == max_lines:
                lines.append([i])  # one too many is enough to know it does not fit
                return lines
            lines.append([])
            used = 0.0
        lines[-1].append(i)
        used += full
    return lines


def fit(text: str, chain: FontChain, lang: str, width: int, height: float,
        sizes: range, max_lines: int, line_height: float) -> Block:
    """The largest size whose lines fit the box; else the smallest, cut with an ellipsis."""
    rtl = is_rtl(text, lang.split("-")[0] in RTL_LANGS)
    words = tokens(text)
    space = measure(chain, " ", REF_SIZE, rtl, lang)
    # Without its trailing space a word is about one space shorter; the exact check below
    # catches the rest.
    ref = [(w, w - space if word.endswith(" ") else w)
           for word in words for w in (measure(chain, word, REF_SIZE, rtl, lang),)]
    for size in sizes:
        most = min(max_lines, int(height // (size * line_height)))
        scale = size / REF_SIZE
        lines = wrap([(a * scale, b * scale) for a, b in ref], width, most) if most else None
        if lines is None or len(lines) > most:
            continue
        texts = ["".join(words[i] for i in line).rstrip() for line in lines]
        if all(measure(chain, t, size, rtl, lang) <= width for t in texts):
            return Block(size, texts, rtl)
    size = sizes[-1]
    most = max(1, min(max_lines, int(height // (size * line_height))))
    scale = size / REF_SIZE
    lines = wrap([(a * scale, b * scale) for a, b in ref], width, most)
    if lines is None:  # a word wider than the box: break that word anywhere
        limit = width / scale
        words = [p for w, (_, bare) in zip(words, ref, strict=True)
                 for p in (list(w) if bare > limit else [w])]
        sized = [(measure(chain, w, size, rtl, lang), measure(chain, w.rstrip(), size, rtl, lang))
                 for w in words]
        lines = wrap(sized, width, most)
    texts = ["".join(words[i] for i in line).rstrip() for line in lines[:most]]
    if len(lines) > most:
        texts[-1] = _with_ellipsis(words, lines[most - 1], chain, size, rtl, lang, width)
    return Block(size, texts, rtl)


def _with_ellipsis(words, line, chain, size, rtl, lang, width) -> str:
    for end in range(len(line), -1, -1):
        text = "".join(words[i] for i in line[:end]).rstrip(" ,;:.-–—") + ELLIPSIS
        if measure(chain, text, size, rtl, lang) <= width:
            return text
    return ELLIPSIS


def draw_block(draw: ImageDraw.ImageDraw, block: Block, chain: FontChain, box: tuple[int, int, int],
               fill: tuple[int, int, int], lang: str, line_height: float) -> None:
    """Draw lines top-down from box (left, top, right), aligned to the text's own direction."""
    left, top, right = box
    pitch = block.size * line_height
    for n, line in enumerate(block.lines):
        # A wrapped line keeps its paragraph's direction: a Latin word alone on the last
        # line of a Hebrew title still sits at the right.
        rtl = block.rtl
        baseline = round(top + n * pitch + block.size * ((line_height - 1) / 2 + 0.8))
        runs = chain.runs(line)
        direction = "rtl" if rtl else "ltr"
        widths = [run_width(f, t, block.size, rtl, lang) for f, t in runs]
        x = right - sum(widths) if rtl else left
        # Runs are placed in visual order: right to left on a right-to-left line.
        for (font, text), w in reversed(list(zip(runs, widths, strict=True))) if rtl else zip(
                runs, widths, strict=True):
            draw.text((x, baseline), text, font=truetype(font, block.size), fill=fill,
                      anchor="ls", direction=direction, language=lang)
            x += w
