"""Make every alert's PDF and its letters': reuse what the cache holds, render the rest on a
pool of workers."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import statistics
import sys
import time
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from alerts.build.pools import WorkerPool
from alerts.site.urls import SiteURLs
from printpdf.documents import Document, css_string, documents, page_css
from printpdf.pdfcache import PdfCache, Seen, job_key, publish
from printpdf.render import Job, Result, init_pool_worker, init_worker, render
from printpdf.sanitize import Prepared, prepare
from printpdf.settings import site_origin

# page_css and css_string are documents.py's; tools and tests know them from here.
__all__ = ["PdfStats", "build_pdfs", "css_string", "job_key_of", "make_job", "page_css"]

logger = logging.getLogger(__name__)

PDF_CSS = Path(__file__).with_name("pdf.css")


@dataclass
class PdfStats:
    """What one build did with PDFs, for the log and for benchmarks."""

    enabled: bool = True
    rendered: int = 0
    reused: int = 0
    failed: int = 0
    workers: int = 0
    wall_ms: float = 0.0
    #: Milliseconds each rendered PDF took inside its worker, by page URL.
    render_ms: dict[str, float] = field(default_factory=dict)

    @property
    def ms_per_pdf(self) -> float:
        return statistics.median(self.render_ms.values()) if self.render_ms else 0.0


def build_pdfs(alerts, settings: dict, output_path: Path, problems,
               warm: WorkerPool | None = None) -> PdfStats:
    """Publish a PDF for every alert, and for every letter it offers to print, into
    output_path; failures and letters longer than a page become build problems. `warm`:
    a worker started earlier (`start_warm`), which renders the first PDF."""
    conf = settings["PDF"]
    if not conf["enabled"]:
        logger.info("pdf: disabled by PDF['enabled']; no PDFs built")
        return PdfStats(enabled=False)
    start = time.perf_counter()
    output_path = Path(output_path)
    roots = {"output": output_path, "theme": Path(settings["THEME"])}
    cache = PdfCache(Path(settings["CACHE_PATH"]) / "pdfs", roots)
    origin = site_origin(conf, settings)
    base_css = PDF_CSS.read_text("utf-8")
    stats = PdfStats()
    by_page = {document.page: document for document in documents(alerts, settings)}
    with _Renderer(_workers(conf, len(by_page)), warm) as renderer:
        for url, document in by_page.items():
            page_file = SiteURLs.page_file(url)
            page = output_path / page_file
            try:
                # A page carried from the last build is the file it was: its digest is
                # known without reading it (alerts.build.filedigests).
                page_digest = cache.file_digest("output:" + page_file)
                # What the PDF sees of a page it saw before is known without parsing it.
                prepared, seen = None, cache.prepared(url, page_digest)
                if seen is None:
                    prepared, seen = _read(page, page_digest)
                key = job_key_of(document, seen, conf, origin, base_css)
                pages = cache.pages(url)
                fresh = cache.fresh(url, key) and (document.max_pages is None
                                                   or pages is not None)
                if not fresh and prepared is None:  # rendered from the page as it is
                    prepared, seen = _read(page, page_digest)
                    key = job_key_of(document, seen, conf, origin, base_css)
            except OSError as error:
                problems.add(document.source, document.line, "pdf",
                             f"the page {page} could not be read ({error.strerror}), so "
                             f"{document.name} is not made; fix the template error "
                             "reported above it")
                continue
            if fresh:
                cache.saw(url, seen)  # the page's clock words may have changed: remember it
                publish(cache.path(url), output_path / document.pdf)
                _check_length(document, pages, problems)
                stats.reused += 1
            else:
                job = make_job(document, prepared, conf, origin, roots, base_css,
                               cache.path(url), cache.photos, key)
                renderer.submit(job, (key, seen))
        stats.workers = renderer.used
        for job, (key, seen), result in renderer.results():
            document = by_page[job.page]
            for warning in result.warnings:
                logger.debug("pdf: %s: WeasyPrint: %s", document.source, warning)
            if result.ok:
                cache.store(job.page, key, result.resources, pages=result.pages, seen=seen,
                            photos=result.photos)
                publish(cache.path(job.page), output_path / document.pdf)
                _check_length(document, result.pages, problems)
                stats.rendered += 1
                stats.render_ms[job.page] = result.ms
            else:
                cache.forget(job.page)
                stats.failed += 1
                problems.add(document.source, document.line, "pdf",
                             f"{document.name} could not be made: {result.error}; "
                             f"{result.hint}")
    cache.prune(set(by_page))
    cache.save()
    stats.wall_ms = (time.perf_counter() - start) * 1000
    logger.info("pdf: %d rendered, %d reused, %d failed in %.0f ms "
                "(%.0f ms per PDF, %d workers)", stats.rendered, stats.reused,
                stats.failed, stats.wall_ms, stats.ms_per_pdf, stats.workers)
    return stats


def _read(page: Path, page_digest: str) -> tuple[Prepared, Seen]:
    """The page as its PDF is made from it (sanitize.prepare), and what the PDF sees."""
    prepared = prepare(page.read_bytes().decode("utf-8"))
    return prepared, Seen(page_digest, _digest(prepared.html), prepared.links)


def _check_length(document: Document, pages: int | None, problems) -> None:
    if document.max_pages is not None and pages is not None and pages > document.max_pages:
        # Only a letter has a limit: it is one sheet to sign and post.
        problems.add(document.source, document.line, "actions",
                     f"{document.name} does not fit on one page ({pages} pages); shorten it")


def job_key_of(document: Document, seen: Seen, conf: dict, origin: str, base_css: str) -> str:
    """The cache key of everything that shapes a document's PDF: what it sees of the page
    (sanitize.prepare), the styles, the metadata and WeasyPrint's options."""
    # The output folder is a fresh temporary one each build, so it stays out of the key;
    # the files read from it are checked one by one against the manifest instead.
    return job_key({"html": seen.html, "links": list(seen.links),
                    "url": origin + document.page, "origin": origin,
                    "css": [base_css, document.page_css], "metadata": document.metadata,
                    "options": _options(conf)})


def make_job(document: Document, page: Prepared, conf: dict, origin: str, roots: dict,
             base_css: str, target: Path, photos: Path, key: str) -> Job:
    """The render job for one document whose PDF has the cache key `key`."""
    options = _options(conf)
    # A fixed identifier instead of none or a random one: same key, same bytes.
    options["pdf_identifier"] = key[:32].encode()
    return Job(page=document.page, html=page.html, links=page.links,
               base_url=origin + document.page, origin=origin,
               roots={name: str(root) for name, root in roots.items()}, base_css=base_css,
               page_css=document.page_css, metadata=document.metadata, options=options,
               target=str(target), photos=str(photos))


def _options(conf: dict) -> dict:
    """WeasyPrint's rendering and PDF options."""
    return {
        "pdf_version": "1.7",
        "pdf_tags": bool(conf["tagged"]),
        "dpi": conf["image_dpi"],
        "jpeg_quality": conf["jpeg_quality"],
        "optimize_images": False,  # lossless recompression costs ~0.5 s a photo for ~4%
        "presentational_hints": False,
        "custom_metadata": False,
        "uncompressed_pdf": False,
        "attachments": None,
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _workers(conf: dict, jobs: int) -> int:
    return max(0, min(conf["workers"] or os.cpu_count() or 1, jobs))


def parallel(conf: dict) -> bool:
    """Whether PDFs may render on more than one worker."""
    return _workers(conf, 2) > 1


def start_warm() -> WorkerPool:
    """One worker, started now, that imports WeasyPrint and sets up its fonts (~1 s)
    while this process still reads files and writes pages: the one PDF an edited alert
    needs is then rendered without waiting for that. The caller shuts it down."""
    context = get_context("fork" if sys.platform == "linux" else None)
    pool = WorkerPool(1, context, init_pool_worker)
    pool.submit(int)  # a worker starts with its first job
    return pool


class _Renderer:
    """Renders each job as it is handed over. With more than one worker, on a pool started
    at the second job: the workers import WeasyPrint and render while this process is still
    reading the next pages, rather than after all of them. One job alone (an edited alert)
    or one worker: in this process, which saves forking workers that would have nothing
    to do — or, when the build started a warm worker (`start_warm`), on it: the first job
    at once, and the others shared with a pool of one worker fewer."""

    def __init__(self, workers: int, warm: WorkerPool | None = None) -> None:
        self.workers = workers
        #: A worker started before this step, with WeasyPrint imported: the first job
        #: goes to it; a pool, if more jobs come, has one worker fewer.
        self._warm = warm
        #: Jobs handed to each pool per worker it has, by pool: the next goes to the less
        #: busy one (each pool's own workers take its jobs as they come free).
        self._share: dict[int, float] = {id(warm): 0.0}
        # Each job with its Result, its Future on the pool, or None while it waits to see
        # whether a second job comes.
        # `tag` is whatever the caller hands over with a job and wants back with its result.
        self._outcomes: list[tuple[Job, object, Result | Future | None]] = []
        self._pool: WorkerPool | None = None
        self._stack = ExitStack()
        self._imported = False  # WeasyPrint, in this process

    def __enter__(self) -> _Renderer:
        if not gc.get_freeze_count():
            # Everything the build holds so far (alerts, pages, templates) stays out of the
            # cycle collector while PDFs render, here and in the workers forked from here:
            # every full collection walked all of it, ~18 of ~200 ms a PDF at 200 alerts.
            # Given back to the collector when the step ends; what of it became garbage
            # meanwhile is collected then. (In a build it is frozen already, from its
            # "listed" phase to its end: alerts.build.state.freeze_read.)
            gc.freeze()
            self._stack.callback(gc.unfreeze)
        return self

    def __exit__(self, *exc):
        return self._stack.__exit__(*exc)  # the pool ends its workers on Ctrl-C or SIGTERM

    @property
    def used(self) -> int:
        """Workers that render: 0 when nothing was handed over."""
        return (self.workers if self._pool else 1) if self._outcomes else 0

    def submit(self, job: Job, tag: object) -> None:
        if self._warm is not None:
            pool = self._warm
            if self._outcomes and self.workers > 1:
                if self._pool is None:
                    self._start_pool(self.workers - 1)
                pool = min((self._warm, self._pool), key=lambda p: self._share[id(p)])
            self._share[id(pool)] += 1 / pool.workers
            self._outcomes.append((job, tag, pool.submit(render, job)))
        elif self.workers <= 1:
            self._outcomes.append((job, tag, self._here(job)))
        elif self._pool is None and not self._outcomes:
            self._outcomes.append((job, tag, None))  # the pool starts with a second job
        else:
            if self._pool is None:
                self._start_pool()
            self._outcomes.append((job, tag, self._pool.submit(render, job)))

    def _start_pool(self, workers: int | None = None) -> None:
        # fork starts workers without re-importing Pelican; elsewhere use the default.
        context = get_context("fork" if sys.platform == "linux" else None)
        self._pool = self._stack.enter_context(
            WorkerPool(workers or self.workers, context, init_pool_worker))
        self._share[id(self._pool)] = 0.0
        self._outcomes = [(job, tag, self._pool.submit(render, job) if outcome is None
                           else outcome) for job, tag, outcome in self._outcomes]

    def _here(self, job: Job) -> Result:
        if not self._imported:
            init_worker()  # import before the first PDF's clock starts
            self._imported = True
        return render(job)

    def results(self):
        """(job, tag, result) for every job handed over, in the order they were."""
        for job, tag, outcome in self._outcomes:
            if outcome is None:
                outcome = self._here(job)
            yield job, tag, outcome if isinstance(outcome, Result) else _result(job, outcome)


def _result(job: Job, future) -> Result:
    try:
        return future.result()
    except Exception as error:  # a worker that died (out of memory, killed) names its PDF
        return Result(job.page, False, 0.0, error=f"the PDF worker stopped: {error!r}",
                      hint="run the build again; if it repeats, build with PDF['workers'] = 1")
