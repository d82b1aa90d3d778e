"""What a PDF worker keeps from one alert to the next: fonts and parsed stylesheets.

Per PDF, a fresh font configuration cost ~9 ms plus the fonts Pango then loaded into it
again, parsing print.css ~12 ms and pdf.css ~3 ms: together about a fifth of a PDF.
Nothing kept here depends on which alerts the process rendered before, so neither do
a PDF's bytes (tests/test_pdf_cache.py compares a pool of workers with one process):

- the font configuration is replaced before the next PDF once a stylesheet added an
  @font-face to it, so one alert's fonts never reach another alert's PDF;
- a parsed stylesheet is kept only if parsing it read no other file and added no font,
  and under the digest of its text, so an edited print.css is parsed again;
- what WeasyPrint logged while parsing a sheet (an ignored property, a wrong type) is
  logged again each time the sheet is used, as if it were parsed again: an error still
  fails every PDF that uses the sheet.

It leans on two WeasyPrint internals — FontConfiguration.add_font_face, to count the
fonts a sheet adds, and weasyprint.html.parse_url — and is kept because it pays: the
font configuration and the two sheets were about 25 ms of each PDF (331 → 174 ms on one
worker with the rest of that work, `make bench` at N=100, 2026-11-30), far over 3% of a
build with PDFs. tests/test_pdf_worker.py fails if an upgrade changes them.

Imported by worker processes only (it imports WeasyPrint).
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager

import weasyprint
from weasyprint.html import parse_url
from weasyprint.text.fonts import FontConfiguration

from alerts.build import state as buildstate
from printpdf.fetcher import NoFetch, SandboxFetcher
from printpdf.weasylog import Collect

#: Parsed stylesheets kept by a process; a handful differ in a build, each alert's
#: @page rules among them, so the least recently used go first.
KEPT_SHEETS = 16


class _Fonts(FontConfiguration):
    """A font configuration that counts the @font-face rules added to it."""

    faces = 0

    def add_font_face(self, rule_descriptors, url_fetcher):
        self.faces += 1
        return super().add_font_face(rule_descriptors, url_fetcher)


# The process's font configuration and parsed sheets: caches of inputs that cannot
# change what a PDF looks like (see above), dropped by `reset` as each build starts.
_fonts: _Fonts | None = None
_sheets: dict[tuple, tuple[weasyprint.CSS, list[logging.LogRecord]]] = {}


def reset() -> None:
    """Start afresh: a new font configuration and no parsed sheet for the next PDF."""
    global _fonts
    _fonts = None
    _sheets.clear()


# A worker is forked for one build; the build process itself renders a lone PDF in-line
# and may build again (tests, a devserver), so it starts each build without these.
buildstate.on_reset(reset)


def font_config() -> FontConfiguration:
    """The font configuration for the next PDF: the process's own, unless fonts were added."""
    global _fonts
    if _fonts is None or _fonts.faces:
        _fonts = _Fonts()
    return _fonts


def user_sheet(text: str, base_url: str, fonts: _Fonts) -> weasyprint.CSS:
    """pdf.css or an alert's @page rules. Parsing them may read no file (@import, @font-face
    are refused); an url() is only resolved then, and read through the page's fetcher."""
    return _kept(("user", text, base_url), fonts, lambda: weasyprint.CSS(
        string=text, base_url=base_url, url_fetcher=NoFetch(), font_config=fonts))


def page_sheet(href: str, base_url: str, fetcher: SandboxFetcher,
               fonts: _Fonts) -> weasyprint.CSS | None:
    """A stylesheet the alert's page links, read through the sandbox on every PDF.

    Reading it each time keeps the sandbox's refusals and records the file for the PDF
    cache; only parsing it is saved. None for an href WeasyPrint would skip too.
    """
    url = parse_url(href, base_url)
    if url is None:
        return None
    response = fetcher.fetch(url)
    try:
        digest = hashlib.sha256(response.read()).hexdigest()
    finally:
        response.close()
    # Parsed as WeasyPrint parses a <link>ed stylesheet, reading it from the fetcher again.
    return _kept(("page", url, digest), fonts, lambda: weasyprint.CSS(
        url=url, url_fetcher=fetcher, font_config=fonts, _check_mime_type=True), fetcher)


def _kept(key: tuple, fonts: _Fonts, parse, fetcher: SandboxFetcher | None = None):
    """The stylesheet kept under `key`, or parse() kept if it read and added nothing."""
    kept = _sheets.pop(key, None)
    if kept is None:
        faces, files = fonts.faces, set(fetcher.fetched) if fetcher else set()
        with _recorded() as records:
            css = parse()
        if fonts.faces != faces or (fetcher and set(fetcher.fetched) != files):
            return css  # it added a font or read another file (@import): parse it each time
        kept = css, records
    else:
        for record in kept[1]:
            # Logged anew rather than handled, for the filters on the way, such as
            # Pelican's, which drops a warning it has already shown.
            logging.getLogger(record.name).log(record.levelno, record.getMessage())
    _sheets[key] = kept  # most recently used last
    while len(_sheets) > KEPT_SHEETS:
        del _sheets[next(iter(_sheets))]
    return kept[0]


@contextmanager
def _recorded():
    """WeasyPrint's warnings and errors while the block runs (they still go out as well)."""
    logger, handler = logging.getLogger("weasyprint"), Collect()
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
