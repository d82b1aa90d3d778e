"""The "search" step: index the published alert pages with Pagefind into the build's
search bundle (SEARCH_BUNDLE_URL), or reuse the bundle the cache keeps for the same pages.

Pagefind is the binary the pinned `pagefind_bin` wheel carries; nothing is downloaded.
It reads a copy of what it indexes of each page, which the cache keeps (`pages/`) and
a build rewrites only where a page changed, and writes into a work folder beside the
cache, with no PAGEFIND_* variable in its environment, so no `pagefind.yml` or setting of the
machine changes what it does. Its exit status is checked and it has TIMEOUT seconds: a
failure, a missing binary or a timeout stops the build with one message, and the
previous site stays (alerts.build.staging).

What the copy holds, which is also the cache key (`indexed_html`): the page's language as
its `<html lang>`, a regional one ("es-MX") written as its language ("es") so that one
language is one index, and the element Pagefind indexes, less the clock text
(`data-volatile`, "3 days left"). Only the files a search page loads are published: the
script, the entry file, the language indexes and their WebAssembly. Pagefind's own UI
files (pagefind-ui.js, its stylesheets) and its web worker are not: the page has a UI of
its own (theme/static/js/search.js), which runs Pagefind with `noWorker`, so only the
search page needs `'wasm-unsafe-eval'` (alerts.site.headers).

Pagefind 1.5.2 writes its filter indexes, metadata and entry file in hash-map order,
which differs from run to run with the same pages; alerts.site.pagefindorder writes
them in one order, so the same pages give the same bytes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager
from importlib import metadata
from pathlib import Path

from alerts.build.cache import STALE_PARTIAL_SECONDS, Cache
from alerts.build.config import PREVIEW
from alerts.build.files import MODE, link_or_copy
from alerts.site.i18n import base_lang
from alerts.site.pagefindorder import ENTRY, settle

logger = logging.getLogger(__name__)

#: Seconds Pagefind may take; 1000 alerts took 2.5 s on a busy 2-core machine.
TIMEOUT = 600
#: Page parts that are not the alert's words: the language switcher and other
#: navigation, buttons, share links, the embed code, print-only text, clock text and what
#: the page hides (the closed notice of an open alert) but the filters and meta it holds.
EXCLUDED = ("[data-volatile], [hidden]:not(.search-data), nav, button, .share, .embed-code, "
            ".tools, .print-only")
#: Bumped when what the step gives Pagefind or keeps of its output changes.
FORMAT = 1
#: Pagefind works in a folder so named beside the cache folder, removed when it is done.
WORK_PREFIX = ".search-work-"
#: The cache's copy of what Pagefind indexes, kept from build to build (`_mirror`).
SITE_FOLDER = "pages"
#: The folders of index data a search loads; with ENTRY, the script, the .pf_meta files
#: and the WebAssembly of each indexed language, all a search page needs.
_DATA_FOLDERS = ("fragment", "index", "filter")

#: The text of a `data-volatile` element up to its first tag ("11 days left").
_VOLATILE = re.compile(rb"(data-volatile\b[^>]*>)[^<]*")
_HTML_LANG = re.compile(rb'<html\b[^>]*?\blang="([^"]*)"', re.IGNORECASE)
_BODY = b"data-pagefind-body"


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site; the build stops and the old site stays."""


def pagefind_binary() -> Path:
    """The Pagefind binary of the pinned `pagefind_bin` wheel."""
    try:
        from pagefind_bin import get_executable
        return Path(get_executable())
    except (ImportError, OSError) as exc:
        raise SearchIndexError(
            f"search: the Pagefind binary is missing ({exc}); install the pinned packages "
            "with `.venv/bin/pip install -r requirements.lock` (make html does)") from None


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "missing"


def indexed_html(page: bytes) -> bytes:
    """A page as Pagefind is given it: its language as `<html lang>` ("es" for "es-MX"),
    then only the element it indexes (`data-pagefind-body`, to the last end tag of that
    element's name), without clock text. Less to parse, and the index is made again only
    when what it holds changes, not when, say, the navigation does."""
    found = _HTML_LANG.search(page)
    lang = base_lang(found[1].decode("ascii", "replace") if found else None)
    at = page.find(_BODY)
    start = page.rfind(b"<", 0, at)
    name = page[start + 1:at].split(None, 1)[0] if at > 0 and start >= 0 else b""
    end = page.rfind(b"</" + name + b">") if name else -1
    if end < at:  # no element to index: the whole page, as Pagefind would read it
        body = page
    else:
        body = page[start:end + len(name) + 3]
    body = _VOLATILE.sub(rb"\1", body)
    return (b'<!doctype html><html lang="' + lang.encode("ascii", "replace")
            + b'"><head><meta charset="utf-8"></head><body>' + body + b"</body></html>")


def alert_pages(state) -> list[tuple[str, bytes]]:
    """(URL, bytes as indexed) of every published alert page, each language version."""
    output = Path(state.output_path)
    urls = sorted({alert.url for alert in state.alerts if not alert.draft})
    return [(url, indexed_html((output / state.urls.page_file(url)).read_bytes()))
            for url in urls]


def cache_key(pages: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256(json.dumps(
        {"format": FORMAT, "pagefind": pagefind_version(), "exclude": EXCLUDED}).encode())
    for url, page in pages:
        digest.update(f"\0{url}\0{len(page)}\0".encode())
        digest.update(page)
    return digest.hexdigest()


def start_index(state) -> None:
    """The "search-start" step, as soon as the alert pages are written: when the index
    must be made again, the pages' copy is brought up to date and Pagefind starts on it,
    in a process of its own, while the other pages are written and the other steps draw
    cards and PDFs; the "search" step waits for it. A build that fails before then stops
    it (alerts.build.state.stop_background)."""
    if state.settings.get(PREVIEW):
        return
    job = _Job(alert_pages(state), time.perf_counter(), state.settings)
    if job.pages and not job.reuse():
        job.start()
    state.background["search"] = job


def write_index(state) -> None:
    """The "search" step: the search bundle in the build's output."""
    if state.settings.get(PREVIEW):
        # Pagefind reads every page again after any edit (seconds at a thousand alerts):
        # the live preview shows pages as they change, `make html` makes the index.
        logger.info("alerts: search: no index in the live preview; make html writes it")
        return
    job = state.background.pop("search", None)
    if job is None:  # no "search-start" step ran: reuse the index or make it now
        job = _Job(alert_pages(state), time.perf_counter(), state.settings)
        if job.pages:
            job.reuse()
    if not job.pages:
        logger.info("alerts: search: no published alert to index")
        return
    record = job.finish()
    cache = job.cache
    cache.put("bundle", record)
    bundle = Path(state.output_path) / state.urls.search_bundle
    for rel, name in sorted(record["files"].items()):
        link_or_copy(cache.use(name), bundle / rel)
    cache.prune()
    cache.save()
    seconds = time.perf_counter() - job.started
    if job.reused:
        logger.info("alerts: search: %d pages unchanged, index reused in %.2f s",
                    len(job.pages), seconds)
    else:
        logger.info("alerts: search: indexed %d pages in %.2f s", len(job.pages), seconds)


class _Job:
    """One build's search index: the bundle the cache keeps for the same pages, or one
    Pagefind makes (`start`, then `finish`)."""

    def __init__(self, pages: list[tuple[str, bytes]], started: float, settings: dict) -> None:
        self.pages, self.started = pages, started
        folder = Path(settings["CACHE_PATH"]) / "search"
        self.cache = Cache(folder, "search", FORMAT) if pages else None
        self.key = cache_key(pages) if pages else ""
        self.record: dict | None = None
        self.reused = False
        self._run: _Pagefind | None = None

    def reuse(self) -> bool:
        """Whether the cache keeps the bundle of these pages, with every file of it."""
        record = self.cache.get("bundle")
        if isinstance(record, dict) and record.get("key") == self.key \
                and isinstance(record.get("files"), dict) \
                and all(self.cache.path(name).is_file() for name in record["files"].values()):
            self.record, self.reused = record, True
        return self.reused

    def start(self) -> None:
        self._run = _Pagefind(self.pages, self.cache)

    def finish(self) -> dict:
        """The bundle's record, {"key", "files"}, once Pagefind made it (started now if
        `start` was not called); SearchIndexError if it could not."""
        if self.record is None:
            run, self._run = self._run or _Pagefind(self.pages, self.cache), None
            self.record = {"key": self.key, "files": run.finish()}
        return self.record

    def cancel(self) -> None:
        """Stop Pagefind if it runs: the build ends without waiting for it."""
        run, self._run = self._run, None
        if run is not None:
            run.stop()


class _Pagefind:
    """Pagefind indexing the cache's copy of the pages (`_mirror`) into a work folder
    beside the cache, in a process of its own; the build holds the copy until its
    "search" step has kept what Pagefind wrote, or it stops Pagefind (`stop`).
    No thread: the copy is brought up to date here, ~30 ms for a thousand pages, which a
    thread would take ten times longer over while it and the build took turns."""

    def __init__(self, pages: list[tuple[str, bytes]], cache: Cache) -> None:
        binary = pagefind_binary()
        # Beside the cache, so that Pagefind's files move into it without a copy.
        cache.folder.mkdir(parents=True, exist_ok=True)
        _remove_stale(cache.folder.parent)
        self.cache, self.count = cache, len(pages)
        site = (cache.folder / SITE_FOLDER).absolute()  # Pagefind runs in the work folder
        self._stack = ExitStack()  # closed last to first: Pagefind, its log, the folders
        with self._stack:
            self._stack.enter_context(_held(site))
            self.work = Path(self._stack.enter_context(tempfile.TemporaryDirectory(
                prefix=WORK_PREFIX, dir=cache.folder.parent)))
            _mirror(pages, site)
            env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
            command = [str(binary), "--site", str(site), "--output-path", "bundle",
                       "--exclude-selectors", EXCLUDED, "--quiet"]
            # What it says goes to a file: a pipe nobody reads until it ends could fill.
            self._said = self._stack.enter_context((self.work / "said.log").open("w+b"))
            self._process: subprocess.Popen | None = None
            self._stack.callback(self._end)  # before it starts: Ctrl-C may come at any time
            try:
                self._process = subprocess.Popen(
                    command, cwd=self.work, env=env, stdin=subprocess.DEVNULL,
                    stdout=self._said, stderr=subprocess.STDOUT)
            except OSError as exc:
                raise SearchIndexError(
                    f"search: Pagefind could not run ({binary}: {exc.strerror or exc}); the "
                    "site was not replaced") from None
            # TIMEOUT counts from here, however long the steps between take.
            self._deadline = time.monotonic() + TIMEOUT
            self._stack = self._stack.pop_all()  # kept open until `finish` or `stop`

    def finish(self) -> dict[str, str]:
        """Wait for Pagefind; keep the files a search needs in the cache, by content.
        Returns {path in the bundle: name in the cache}."""
        with self._stack:
            try:
                status = self._process.wait(
                    timeout=max(0.0, self._deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise SearchIndexError(
                    f"search: Pagefind did not finish indexing {self.count} alert pages in "
                    f"{TIMEOUT} s; the site was not replaced") from None
            self._said.seek(0)
            said = " ".join(self._said.read().decode("utf-8", "replace").split())[-600:]
            if status != 0:
                raise SearchIndexError(
                    f"search: Pagefind failed with exit status {status} indexing "
                    f"{self.count} alert pages: {said or 'no message'}; the site was not "
                    "replaced")
            return _keep(self.work / "bundle", self.cache, said)

    def stop(self) -> None:
        self._stack.close()

    def _end(self) -> None:
        if self._process is not None and self._process.poll() is None:
            # The build stopped before Pagefind finished.
            self._process.kill()
            self._process.wait()


@contextmanager
def _held(site: Path):
    """The pages folder, for this build alone: builds of two outputs may share a cache."""
    site.mkdir(parents=True, exist_ok=True)
    handle = os.open(site, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing the folder releases the lock


def _mirror(pages: list[tuple[str, bytes]], site: Path) -> None:
    """Make `site` hold exactly `pages`, each as `<url>/index.html`, writing only the files
    whose bytes differ: after one edit, one file rather than a thousand. What a killed
    build left half-written differs, so it is written again; what no page is, is removed."""
    wanted = set()
    for url, page in pages:
        file = site / url / "index.html"
        wanted.add(str(file))
        try:
            if file.read_bytes() == page:
                continue
        except OSError:
            file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(page)
    for folder, _subfolders, files in os.walk(site, topdown=False):
        for name in files:
            if os.path.join(folder, name) not in wanted:
                os.unlink(os.path.join(folder, name))
        if folder != str(site) and not os.listdir(folder):
            os.rmdir(folder)


def _keep(bundle: Path, cache: Cache, said: str) -> dict[str, str]:
    try:
        entry = json.loads((bundle / ENTRY).read_text("utf-8"))
        wasm = {language["wasm"] for language in entry["languages"].values()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SearchIndexError(f"search: Pagefind wrote no usable {ENTRY} ({exc}): "
                               f"{said or 'no message'}; the site was not replaced") from None
    settle(bundle)  # the same pages, the same bytes (alerts.site.pagefindorder)
    files: dict[str, str] = {}
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        rel = path.relative_to(bundle).as_posix()
        if not _published(rel, wasm):
            continue
        name = hashlib.sha256(path.read_bytes()).hexdigest()[:40] + path.suffix
        if not cache.path(name).is_file():
            os.chmod(path, MODE)
            os.replace(path, cache.use(name))  # whole or not at all, like write_atomic
        files[rel] = name
    return files


def _remove_stale(folder: Path) -> None:
    """Work folders of builds that were killed while Pagefind ran."""
    for old in folder.glob(WORK_PREFIX + "*"):
        try:
            if time.time() - old.stat().st_mtime > STALE_PARTIAL_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


def _published(rel: str, wasm: set[str]) -> bool:
    """Whether a file of Pagefind's output is one a search page loads."""
    if rel.split("/")[0] in _DATA_FOLDERS:
        return True
    if rel in ("pagefind.js", ENTRY):
        return True
    if rel.startswith("pagefind.") and rel.endswith(".pf_meta"):
        return True
    return rel.startswith("wasm.") and rel.endswith(".pagefind") and rel[5:-9] in wasm
