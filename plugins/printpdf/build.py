"""Make every alert's PDF: reuse what the cache holds, render the rest on a pool of workers."""

from __future__ import annotations

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
from alerts.site.i18n import t
from alerts.site.urls import SiteURLs
from printpdf.pdfcache import PdfCache, job_key, publish
from printpdf.render import Job, Result, init_worker, render
from printpdf.sanitize import Prepared, prepare
from printpdf.settings import public_root, site_origin

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
    #: Milliseconds each rendered PDF took inside its worker, by alert page URL.
    render_ms: dict[str, float] = field(default_factory=dict)

    @property
    def ms_per_pdf(self) -> float:
        return statistics.median(self.render_ms.values()) if self.render_ms else 0.0


def pdf_path(output_path: Path, alert) -> Path:
    """Where an alert's PDF is published: beside its page (each translation beside its
    own), named for its slug."""
    return Path(output_path) / SiteURLs.pdf(alert)


def build_pdfs(alerts, settings: dict, output_path: Path, problems) -> PdfStats:
    """Publish a PDF for every alert into output_path; failures become build problems."""
    conf = settings["PDF"]
    if not conf["enabled"]:
        logger.info("pdf: disabled by PDF['enabled']; no PDFs built")
        return PdfStats(enabled=False)
    start = time.perf_counter()
    output_path = Path(output_path)
    roots = {"output": output_path, "theme": Path(settings["THEME"])}
    cache = PdfCache(Path(settings["CACHE_PATH"]) / "pdfs", roots)
    origin = site_origin(conf, settings)
    preview = public_root(conf, settings) is None
    base_css = PDF_CSS.read_text("utf-8")
    stats = PdfStats()
    by_page = {alert.url: alert for alert in alerts}
    with _Renderer(_workers(conf, len(by_page))) as renderer:
        for url, alert in sorted(by_page.items()):
            page = output_path / SiteURLs.page_file(url)
            try:
                prepared = prepare(page.read_text("utf-8"))
            except OSError as error:
                problems.add(alert.source_path, 1, "pdf",
                             f"the page {page} could not be read ({error.strerror}), so it "
                             "has no PDF; fix the template error reported above it")
                continue
            job, key = make_job(alert, prepared, conf, settings, origin, roots, base_css,
                                cache.path(url), preview=preview)
            if cache.fresh(url, key):
                publish(cache.path(url), pdf_path(output_path, alert))
                stats.reused += 1
            else:
                renderer.submit(job, key)
        stats.workers = renderer.used
        for job, key, result in renderer.results():
            alert = by_page[job.page]
            for warning in result.warnings:
                logger.debug("pdf: %s: WeasyPrint: %s", alert.source_path, warning)
            if result.ok:
                cache.store(job.page, key, result.resources)
                publish(cache.path(job.page), pdf_path(output_path, alert))
                stats.rendered += 1
                stats.render_ms[job.page] = result.ms
            else:
                cache.forget(job.page)
                stats.failed += 1
                problems.add(alert.source_path, 1, "pdf",
                             f"the PDF could not be made: {result.error}; {result.hint}")
    cache.prune(set(by_page))
    cache.save()
    stats.wall_ms = (time.perf_counter() - start) * 1000
    logger.info("pdf: %d rendered, %d reused, %d failed in %.0f ms "
                "(%.0f ms per PDF, %d workers)", stats.rendered, stats.reused,
                stats.failed, stats.wall_ms, stats.ms_per_pdf, stats.workers)
    return stats


def make_job(alert, page: Prepared, conf: dict, settings: dict, origin: str, roots: dict,
             base_css: str, target: Path, *, preview: bool = False) -> tuple[Job, str]:
    """The render job for one alert and the cache key of everything that shapes its PDF."""
    url = origin + alert.url
    # The address is isolated as left-to-right text, so an Arabic or Hebrew footer does
    # not move its slashes; a preview build has no address to show.
    address = t("preview", alert.lang) if preview else f"\u2066{url}\u2069"
    alert_css = page_css(conf, settings.get("SITENAME") or "", address, alert.lang)
    metadata = {
        "title": alert.title,
        "authors": list(alert.authors) or ([settings["AUTHOR"]] if settings.get("AUTHOR")
                                           else []),
        "description": alert.summary,
        "keywords": list(alert.tags),
        "created": alert.date.isoformat(timespec="seconds"),
        "modified": (alert.modified or alert.date).isoformat(timespec="seconds"),
        "lang": alert.lang,
        "generator": "Pelican",
    }
    options = {
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
    # The output folder is a fresh temporary one each build, so it stays out of the key;
    # the files read from it are checked one by one against the manifest instead.
    key = job_key({"html": page.html, "links": page.links, "url": url, "origin": origin,
                   "css": [base_css, alert_css],
                   "metadata": metadata, "options": options})
    # A fixed identifier instead of none or a random one: same key, same bytes.
    options["pdf_identifier"] = key[:32].encode()
    job = Job(page=alert.url, html=page.html, links=page.links, base_url=url, origin=origin,
              roots={name: str(root) for name, root in roots.items()},
              base_css=base_css, page_css=alert_css, metadata=metadata, options=options,
              target=str(target))
    return job, key


def page_css(conf: dict, site_name: str, address: str, lang: str | None) -> str:
    """The @page rules of one alert: size, margins, and the texts of the margin boxes
    (the site's name, the alert's address, the page count)."""
    before, _, rest = t("page_n_of_m", lang).partition("{n}")
    middle, _, after = rest.partition("{m}")
    counter = " ".join(part for part in (
        css_string(before) if before else "", "counter(page)",
        css_string(middle) if middle else "", "counter(pages)",
        css_string(after) if after else "") if part)
    # !important: an @page rule in the page's own print.css must not win, whatever its
    # specificity.
    return (f"\n@page {{ size: {conf['page_size']} !important; "
            f"margin: {conf['margins']} !important;\n"
            f"  @top-left {{ content: {css_string(site_name)}; }}\n"
            f"  @bottom-left {{ content: {css_string(address)}; }}\n"
            f"  @bottom-right {{ content: {counter}; }}\n}}\n")


def css_string(text: str) -> str:
    """`text` as a CSS string literal, with quotes, backslashes and controls escaped."""
    return '"' + "".join(
        f"\\{ord(c):x} " if c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F else c
        for c in text) + '"'


def _workers(conf: dict, jobs: int) -> int:
    return max(0, min(conf["workers"] or os.cpu_count() or 1, jobs))


class _Renderer:
    """Renders each job as it is handed over. With more than one worker, on a pool started
    at the second job: the workers import WeasyPrint and render while this process is still
    reading the next pages, rather than after all of them. One job alone (an edited alert)
    or one worker: in this process, which saves forking workers that would have nothing
    to do."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        # Each job with its Result, its Future on the pool, or None while it waits to see
        # whether a second job comes.
        self._outcomes: list[tuple[Job, str, Result | Future | None]] = []
        self._pool: WorkerPool | None = None
        self._stack = ExitStack()
        self._imported = False  # WeasyPrint, in this process

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *exc):
        return self._stack.__exit__(*exc)  # the pool ends its workers on Ctrl-C or SIGTERM

    @property
    def used(self) -> int:
        """Workers that render: 0 when nothing was handed over."""
        return (self.workers if self._pool else 1) if self._outcomes else 0

    def submit(self, job: Job, key: str) -> None:
        if self.workers <= 1:
            self._outcomes.append((job, key, self._here(job)))
        elif self._pool is None and not self._outcomes:
            self._outcomes.append((job, key, None))  # the pool starts with a second job
        else:
            if self._pool is None:
                self._start_pool()
            self._outcomes.append((job, key, self._pool.submit(render, job)))

    def _start_pool(self) -> None:
        # fork starts workers without re-importing Pelican; elsewhere use the default.
        context = get_context("fork" if sys.platform == "linux" else None)
        self._pool = self._stack.enter_context(WorkerPool(self.workers, context, init_worker))
        self._outcomes = [(job, key, self._pool.submit(render, job))
                          for job, key, _ in self._outcomes]

    def _here(self, job: Job) -> Result:
        if not self._imported:
            init_worker()  # import before the first PDF's clock starts
            self._imported = True
        return render(job)

    def results(self):
        """(job, key, result) for every job handed over, in the order they were."""
        for job, key, outcome in self._outcomes:
            if outcome is None:
                outcome = self._here(job)
            yield job, key, outcome if isinstance(outcome, Result) else _result(job, outcome)


def _result(job: Job, future) -> Result:
    try:
        return future.result()
    except Exception as error:  # a worker that died (out of memory, killed) names its alert
        return Result(job.page, False, 0.0, error=f"the PDF worker stopped: {error!r}",
                      hint="run the build again; if it repeats, build with PDF['workers'] = 1")
