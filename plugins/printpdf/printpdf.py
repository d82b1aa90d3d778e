"""Print and PDF for alerts: Jinja helpers at `initialized`, one PDF per alert at `finalized`."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from pelican import signals

from alerts import buildstate
from alerts.i18n import register_strings

from .build import PdfStats, build_pdfs
from .qr import qr_svg, use_cache
from .settings import DEFAULTS, merge

logger = logging.getLogger(__name__)

__all__ = ["DEFAULTS", "build_pdfs", "finalize", "initialize", "last_stats", "pdf_href",
           "qr_svg", "register"]

register_strings({
    "en": {"page_n_of_m": "Page {n} of {m}", "print": "Print", "download_pdf": "Download PDF"},
    "es": {"page_n_of_m": "Página {n} de {m}", "print": "Imprimir",
           "download_pdf": "Descargar PDF"},
    "ar": {"page_n_of_m": "الصفحة {n} من {m}", "print": "اطبع", "download_pdf": "نزّل ملف PDF"},
})

#: The statistics of the last build's PDFs, for benchmarks that run Pelican whole.
last_stats: PdfStats | None = None


def pdf_href(alert, settings: dict | None = None) -> str | None:
    """The alert's PDF relative to its page ("<slug>.pdf"), or None when PDFs are off."""
    if settings is not None and not settings.get("enabled", True):
        return None
    return f"{alert.slug}.pdf"


def initialize(pelican) -> None:
    """Merge the PDF setting and give templates qr_svg() and pdf_href()."""
    settings = pelican.settings
    settings["PDF"] = merge(settings.get("PDF"))
    use_cache(Path(settings["CACHE_PATH"]) / "qr")
    # A new dict: Pelican's default JINJA_GLOBALS may be shared between settings objects.
    settings["JINJA_GLOBALS"] = {
        **(settings.get("JINJA_GLOBALS") or {}),
        "qr_svg": qr_svg,
        "pdf_href": partial(pdf_href, settings=settings["PDF"]),
    }


def finalize(pelican) -> PdfStats:
    """Render every alert's written page into alerts/<slug>/<slug>.pdf."""
    global last_stats
    state = buildstate.current()
    settings = pelican.settings
    # Idempotent; it matters only when a caller skipped `initialized`.
    settings["PDF"] = merge(settings.get("PDF"))
    last_stats = build_pdfs(state.alerts, settings, state.output_path, state.problems)
    return last_stats


def register() -> None:
    signals.initialized.connect(initialize)
    signals.finalized.connect(finalize)
