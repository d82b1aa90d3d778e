"""QR codes as compact inline SVG, for printed pages and PDFs to carry the primary action."""

from __future__ import annotations

import hashlib
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
#: The running build's QR folder (under its CACHE_PATH). Templates call qr_svg(url) with
#: no build at hand, so the print plugin's setup sets it, and every build starts without.
_cache_dir: Path | None = None


def use_cache(folder: Path | None) -> None:
    """Keep QR codes in `folder` between builds: encoding one costs ~15 ms."""
    global _cache_dir
    _cache_dir = folder


buildstate.on_reset(lambda: use_cache(None))


def qr_svg(url: str, lang: str | None = None) -> Markup:
    """An inline <svg role="img"> QR code of `url`, sized by CSS through its viewBox."""
    # Safe: segno writes only numbers and path commands, and the label is escaped.
    return Markup(_svg(str(url), lang))  # noqa: S704


# Kept for the process, whichever build or folder: the SVG depends on (url, lang) alone.
@lru_cache(maxsize=4096)
def _svg(url: str, lang: str | None) -> str:
    if _cache_dir is None:
        return _encode(url, lang)
    key = hashlib.sha256(f"{VERSION}\0{lang}\0{url}".encode()).hexdigest()[:40]
    path = _cache_dir / f"{key}.svg"
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
