"""Print and PDF for alerts: the plugin's steps in the alerts pipeline — template helpers
at setup, one PDF per alert page and per letter page in the "pdfs" step."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from pelican import signals

from alerts.build.pipeline import Step, require_alerts
from alerts.build.state import on_reset
from alerts.site.acts import letter_page
from alerts.site.i18n import register_strings
from alerts.site.urls import SiteURLs
from printpdf import qr
from printpdf.build import PdfStats, build_pdfs, parallel, start_warm
from printpdf.qr import qr_svg, use_cache
from printpdf.settings import DEFAULTS, envelope, merge

logger = logging.getLogger(__name__)

__all__ = ["ALERT_STEPS", "DEFAULTS", "build_pdfs", "finalize", "initialize", "letter_href",
           "pdf_href", "qr_svg", "register"]

register_strings({
    "en": {"page_n_of_m": "Page {n} of {m}", "print": "Print", "download_pdf": "Download PDF"},
    "es": {"page_n_of_m": "Página {n} de {m}", "print": "Imprimir",
           "download_pdf": "Descargar PDF"},
    "ar": {"page_n_of_m": "الصفحة {n} من {m}", "print": "اطبع", "download_pdf": "نزّل ملف PDF"},
})

def pdf_href(alert, settings: dict | None = None) -> str | None:
    """The alert's PDF relative to its page ("<slug>.pdf"), or None when PDFs are off."""
    if settings is not None and not settings.get("enabled", True):
        return None
    return SiteURLs.pdf_name(alert)


def letter_href(alert, target, office) -> str:
    """A letter as its alert's page links it, relative to that page: its PDF
    ("letters/<target>-<office>.pdf"), or its printable page for a draft, which has no
    PDFs."""
    if alert.draft:
        return letter_page(alert, target, office)
    return SiteURLs.letter_pdf(alert, target, office).removeprefix(alert.url)


def initialize(pelican) -> None:
    """The plugin's setup: merge the PDF setting, give templates qr_svg() and pdf_href(),
    letter_href() that links letters' PDFs when PDFs are made, and letter_envelope, the
    letter layout print.css applies for PDF["page_size"] (see settings.envelope)."""
    settings = pelican.settings
    settings["PDF"] = merge(settings.get("PDF"), settings)
    use_cache(Path(settings["CACHE_PATH"]) / "qr")
    # A new dict: Pelican's default JINJA_GLOBALS may be shared between settings objects.
    settings["JINJA_GLOBALS"] = {
        **(settings.get("JINJA_GLOBALS") or {}),
        "qr_svg": qr_svg,
        "pdf_href": partial(pdf_href, settings=settings["PDF"]),
        "letter_envelope": envelope(settings["PDF"]["page_size"]),
    }
    if settings["PDF"]["enabled"]:  # else the alerts plugin's link to the letter's page
        settings["JINJA_GLOBALS"]["letter_href"] = letter_href


def warm_up(state) -> None:
    """The "pdf-warm" step, once every file is read and before the pages are written: a
    worker imports WeasyPrint meanwhile, for the "pdfs" step (printpdf.build.start_warm).
    A build whose pages all come out as before never gets this far
    (alerts.build.unchanged); one that ends before its PDFs stops the worker at the next
    build's start."""
    conf = state.settings["PDF"]
    # PDF["workers"] = 1 renders in this process, as the README says: no worker at all.
    if conf["enabled"] and parallel(conf) and not state.problems.errors:
        _warm.append(start_warm())
        on_reset(_stop_warm)


#: This build's warm worker, until its "pdfs" step takes it or the next build's start
#: stops it (a module's, not the BuildState's: the reset that stops it drops that first).
_warm: list = []


def _stop_warm() -> None:
    while _warm:
        _warm.pop().shutdown(wait=False, cancel_futures=True)


def finalize(state) -> PdfStats:
    """The "pdfs" step: render every alert's written page, and its letters' pages, into
    PDFs beside them. Every page is written by now, so it also prunes the QR codes kept
    for them (qr.prune), PDFs on or off."""
    removed = qr.prune()
    if removed:
        logger.info("qr: removed %d kept QR codes no page asked for in %d days",
                    removed, qr.KEEP_DAYS)
    # settings["PDF"] was merged and checked by `initialize`, the step's setup.
    warm = _warm.pop() if _warm else None
    try:
        return build_pdfs(state.alerts, state.settings, state.output_path, state.problems,
                          warm)
    finally:
        if warm is not None:
            warm.shutdown()


#: What the print plugin adds to the build (see alerts.build.pipeline): PDFs are made from the
#: written pages, with the photos they show already published beside them.
ALERT_STEPS = (Step("pdf-warm", warm_up, phase="listed"),
               Step("pdfs", finalize, needs=("pages", "photos"), setup=initialize))


def register() -> None:
    signals.initialized.connect(_require_alerts)


def _require_alerts(pelican) -> None:
    require_alerts(pelican, "printpdf")
