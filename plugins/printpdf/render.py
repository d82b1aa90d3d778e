"""Render one prepared page to a PDF file with WeasyPrint, in a worker process or in-line."""

from __future__ import annotations

import gc
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alerts.build.files import write_atomic
from printpdf.printphotos import fit_print_size
from printpdf.weasylog import Collect, quiet


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to render one PDF; plain data, so it pickles."""

    page: str  # the page's URL relative to the site ("alerts/x/es-MX/"): its key
    html: str  # the page, already through sanitize.prepare
    links: tuple[str, ...]  # the print stylesheets the page links, which prepare took out
    base_url: str  # the page's public URL: relative links resolve against it
    origin: str  # the site's public root; URLs below it are files of the built site
    roots: dict[str, str]  # the only folders the fetcher may read, by name
    base_css: str  # pdf.css
    page_css: str  # the document's @page rules: size, margins, header and footer texts
    metadata: dict[str, object]
    options: dict[str, object]  # WeasyPrint rendering and PDF options
    target: str  # the PDF file to write
    photos: str  # where photos resized to their printed size are kept (printphotos.py)


@dataclass
class Result:
    """What a render produced: the files it read and its number of pages, or why it failed."""

    page: str
    ok: bool
    ms: float
    resources: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    error: str = ""
    hint: str = ""
    warnings: list[str] = field(default_factory=list)
    photos: tuple[str, ...] = ()  # the print-size copies it embedded (printphotos.py)


def init_worker() -> None:
    """Import WeasyPrint (~0.65 s) and set up fonts once per worker process, not per PDF."""
    with quiet():
        from printpdf import styles

        styles.font_config()


def init_pool_worker() -> None:
    """init_worker for a process of the pool, which then leaves what it has so far, the
    build it was forked from (frozen by build.py) and WeasyPrint, out of Python's cycle
    collector: each collection walks only what the PDFs themselves make."""
    init_worker()
    gc.freeze()


def render(job: Job) -> Result:
    """Write job.target, or report the first thing that stopped or spoiled the PDF."""
    start = time.perf_counter()
    with quiet() as collect, _collected_after():
        result = _render(job, start, collect)
    result.ms = _ms(start)  # the collection after it included
    return result


@contextmanager
def _collected_after():
    """No cycle collection while WeasyPrint renders; one pass over what it made, after.

    Run each time 700 more objects were alive, the collector ran about 13 times a PDF
    (~11 ms) and found little each time; one pass over the youngest generation afterwards
    takes ~5 ms and frees the same: the ~7,500 objects a PDF leaves in reference cycles,
    so memory stays flat from one PDF to the next.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(0)


def _render(job: Job, start: float, collect: Collect) -> Result:
    import weasyprint

    from printpdf import styles
    from printpdf.fetcher import Refused, SandboxFetcher

    fetcher = SandboxFetcher(job.origin, job.roots)
    fonts = styles.font_config()
    try:
        html = weasyprint.HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
        # Stylesheets given here have user origin, and where two of them set a property
        # with the same specificity the later wins: print.css over pdf.css, the @page
        # rules over both. (A <style> left in the page would still beat all three.)
        links = [styles.page_sheet(href, html.base_url, fetcher, fonts) for href in job.links]
        sheets = [styles.user_sheet(job.base_css, job.origin, fonts),
                  *[sheet for sheet in links if sheet is not None],
                  styles.user_sheet(job.page_css, job.origin, fonts)]
        document = html.render(font_config=fonts, stylesheets=sheets, **job.options)
        photos = ()
        if job.options["dpi"]:
            photos = fit_print_size(document, job.options["dpi"], Path(job.photos))
        _apply_metadata(document, job.metadata)
        _no_attachments(document)
        pdf = document.write_pdf(**job.options)
    except Refused as refused:
        return Result(job.page, False, _ms(start), error=f"cannot fetch {refused}",
                      hint=refused.hint)
    except Exception as error:  # a WeasyPrint bug must name the alert, not end the build
        return Result(job.page, False, _ms(start), error=f"WeasyPrint failed: {error!r}",
                      hint="simplify the alert's HTML or report the error")
    errors = [r.getMessage() for r in collect.records
              if r.levelno >= logging.ERROR and not _harmless(r.getMessage())]
    if errors:
        # WeasyPrint only logs a broken image or stylesheet and goes on without it.
        return Result(job.page, False, _ms(start), error=f"WeasyPrint: {errors[0]}",
                      hint="fix or replace the file it names")
    write_atomic(job.target, pdf)  # a crash never leaves half a PDF in the cache
    warnings = [r.getMessage() for r in collect.records]
    return Result(job.page, True, _ms(start), dict(sorted(fetcher.fetched.items())),
                  pages=len(document.pages), warnings=warnings, photos=photos)


def _harmless(message: str) -> bool:
    # Tagging logs alt="" as an error, but an empty alt is how HTML marks a decorative image.
    return message.endswith("has no required alt description")


def _apply_metadata(document, metadata: dict) -> None:
    # Set from the Alert rather than read from <meta> tags, so the PDF's metadata
    # does not depend on what the page template happens to put in <head>.
    meta = document.metadata
    meta.title = metadata["title"]
    meta.authors = list(metadata["authors"])
    meta.description = metadata["description"]
    meta.keywords = list(metadata["keywords"])
    meta.created = metadata["created"]
    meta.modified = metadata["modified"]
    meta.lang = metadata["lang"]
    meta.generator = metadata["generator"]
    meta.custom = {}


def _no_attachments(document) -> None:
    # sanitize.prepare already removed them; this holds even if a page sneaks one past.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [("external" if kind == "attachment" else kind, *rest)
                      for kind, *rest in page.links]


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000
