"""QR codes as compact inline SVG, for printed pages and PDFs to carry the primary action."""

from __future__ import annotations

import hashlib
import os
import time
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from alerts.build import state as buildstate
from alerts.build.files import write_atomic
from alerts.site.i18n import register_strings, t

register_strings({
    "en": {"qr_label": "QR code for {url}"},
    "es": {"qr_label": "Código QR de {url}"},
    "ar": {"qr_label": "رمز QR لـ {url}"},
})


#: Change when the SVG written for a URL changes, so cached ones are not reused.
VERSION = "segno-1.6.6 level-m border-4 v1"
#: A kept QR code that no page asked for in this many days is removed by the next build.
#: Age decides, not this build's use: a page carried from the build before
#: (alerts.build.carry) shows its QR code without asking for it again.
KEEP_DAYS = 30
#: The running build's QR folder (under its CACHE_PATH). Templates call qr_svg(url) with
#: no build at hand, so the print plugin's setup sets it, and every build starts without.
_cache_dir: Path | None = None
#: The files of the QR codes this build's pages asked for, which `prune` marks as used.
_asked: set[str] = set()


def use_cache(folder: Path | None) -> None:
    """Keep QR codes in `folder` between builds: encoding one costs ~15 ms."""
    global _cache_dir
    _cache_dir = folder
    _asked.clear()


buildstate.on_reset(lambda: use_cache(None))


def qr_svg(url: str, lang: str | None = None) -> Markup:
    """An inline <svg role="img"> QR code of `url`, sized by CSS through its viewBox."""
    url = str(url)
    if _cache_dir is not None:
        _asked.add(_file_name(url, lang))
    # Safe: segno writes only numbers and path commands, and the label is escaped.
    return Markup(_svg(url, lang, _cache_dir))  # noqa: S704


def prune() -> int:
    """Mark the QR codes this build asked for as used, and remove the kept ones no build
    asked for in KEEP_DAYS (by the clock, not SOURCE_DATE_EPOCH: this is the cache's
    housekeeping, not the site's content). Returns how many it removed."""
    if _cache_dir is None:
        return 0
    oldest = time.time() - KEEP_DAYS * 86400
    removed = 0
    try:
        entries = list(os.scandir(_cache_dir))
    except OSError:  # no QR code kept yet
        return 0
    for entry in entries:
        try:
            if entry.name in _asked:
                os.utime(entry.path)
            elif entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < oldest:
                os.unlink(entry.path)
                removed += 1
        except OSError:  # removed meanwhile by another build sharing the cache
            continue
    _asked.clear()
    return removed


def _file_name(url: str, lang: str | None) -> str:
    return hashlib.sha256(f"{VERSION}\0{lang}\0{url}".encode()).hexdigest()[:40] + ".svg"


# Kept for the process, whichever build: the SVG depends on (url, lang) alone. The folder
# is part of the key so that each cache folder gets its file.
@lru_cache(maxsize=4096)
def _svg(url: str, lang: str | None, folder: Path | None) -> str:
    if folder is None:
        return _encode(url, lang)
    path = folder / _file_name(url, lang)
    try:
        return path.read_text("utf-8")
    except OSError:
        svg = _encode(url, lang)
        write_atomic(path, svg)
        return svg


def _encode(url: str, lang: str | None) -> str:
    import segno

    # At least level M, to survive a smudge or a fold; the URL's length sets the size.
    code = segno.make(url, error="m", micro=False)
    label = t("qr_label", lang, url=url)
    # The <title> names the image in a tagged PDF; aria-label does the same in browsers.
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None,
                          title=label)
    label = escape(label)
    # segno writes one <path> in a viewBox; the role and label make it one image to
    # a screen reader, and crispEdges keeps module edges sharp in every renderer.
    return svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{label}" shape-rendering="crispEdges" ',
        1,
    )
