"""The builds the benchmark times: settings files, commands, and what each build reports."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus import EPOCH, Corpus
from measure import Measurement, run

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
#: A failed build is tried again after a pause: plugins edited mid-run break one build.
RETRIES, RETRY_WAIT = 2, 30

_STEP_LINE = re.compile(r"alerts: step ([\w-]+): (\d+) ms")
_PDF_LINE = re.compile(r"pdf: (\d+) rendered, (\d+) reused, (\d+) failed in (\d+) ms "
                       r"\((\d+) ms per PDF, (\d+) workers\)")
#: The search step's INFO line (alerts.site.searchindex): pages indexed or reused, seconds.
_SEARCH_LINE = re.compile(r"search: (?:indexed (\d+) pages|(\d+) pages unchanged, index "
                          r"reused) in ([\d.]+) s")
#: The build's INFO line on its pages: written from their templates, or carried over
#: unchanged from the previous build (incremental builds; older builds do not say it).
PAGES_LINE = re.compile(r"alerts: pages: (\d+) rendered, (\d+) carried")
#: The build's INFO line when it found nothing changed since the last build and stopped
#: (alerts.build.unchanged): nothing was drawn, rendered or carried.
UNCHANGED_LINE = "alerts: nothing changed since the last build"

BARE_CONF = """\
AUTHOR = "Campaigns team"
SITENAME = "Action Alerts"
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
PLUGINS = []  # none at all: an empty list also stops namespace-plugin discovery
"""

SITE_CONF = """\
import sys

sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa: F403, E402

PLUGIN_PATHS = [{plugins!r}]
THEME = {theme!r}
CACHE_PATH = {cache!r}
PDF = {{**PDF, **{pdf!r}}}  # noqa: F405
"""
#: As `make publish` builds: absolute URLs, so oEmbed files and the email edition are
#: written and timed too. The devserver's settings leave it out, as `make devserver` does.
PUBLISH_CONF = """\
SITEURL = "https://alerts.example.org"
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
"""


@dataclass
class Run:
    """One timed build and what it reported about cards and PDFs."""

    measurement: Measurement
    cards_drawn: int | None = None
    cards_reused: int | None = None
    ms_per_card: float | None = None
    pdfs_rendered: int | None = None
    pdfs_reused: int | None = None
    pdfs_failed: int | None = None
    pdf_wall_ms: float | None = None
    ms_per_pdf: float | None = None
    pdf_workers: int | None = None
    pages_rendered: int | None = None  # from PAGES_LINE; None when the build does not say
    pages_carried: int | None = None
    html_changed: int | None = None  # HTML files of the output whose bytes this build changed
    html_own: int | None = None  # HTML files of the edited alert (under alerts/<slug>/)
    html_listings: int | None = None  # HTML files that belong to no one alert
    event_seconds: float | None = None  # devserver: from the write to the build's event
    search_pages: int | None = None  # alert pages in the search index
    search_reused: bool | None = None  # the cached index was reused: nothing indexed
    search_seconds: float | None = None  # the search step's own time
    load: str = ""  # /proc/loadavg when the build ended: other work on the machine skews times
    #: Milliseconds each pipeline step took (the build's "alerts: step NAME: N ms" lines).
    steps: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict:
        m = self.measurement
        data = {k: v for k, v in self.__dict__.items() if k != "measurement"}
        return {"seconds": round(m.seconds, 3), "max_rss_mb": round(m.max_rss_mb, 1),
                "tree_rss_mb": round(m.tree_rss_mb, 1), "returncode": m.returncode, **data}


@dataclass
class Workdir:
    """One corpus's work folder: settings files, outputs and the site's cache."""

    corpus: Corpus
    root: Path
    logs: list[Path] = field(default_factory=list)

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def theme(self) -> Path:
        """The work folder's copy of the theme, which the template rows edit."""
        return self.root / "theme"

    @property
    def output(self) -> Path:
        return self.root / "out-site"

    def copy_theme(self) -> None:
        """A fresh copy of the project's theme, so an edit never touches the real one."""
        shutil.rmtree(self.theme, ignore_errors=True)
        shutil.copytree(ROOT / "theme", self.theme)

    def conf(self, name: str, pdf: dict | None = None, *, cache: Path | None = None,
             publish: bool = True) -> Path:
        path = self.root / f"{name}.conf.py"
        text = SITE_CONF.format(root=str(ROOT), plugins=str(ROOT / "plugins"),
                                theme=str(self.theme), cache=str(cache or self.cache),
                                pdf=pdf or {})
        path.write_text(text + (PUBLISH_CONF if publish else ""), "utf-8")
        return path

    def bare(self, label: str) -> Run:
        """Bare Pelican, cold: no plugins, its default theme, native metadata."""
        conf = self.root / "bare.conf.py"
        conf.write_text(BARE_CONF, "utf-8")
        out = self.root / "out-bare"
        shutil.rmtree(out, ignore_errors=True)
        argv = [PYTHON, "-m", "pelican", str(self.corpus.bare), "-o", str(out), "-s", str(conf)]
        return Run(self._run(argv, label, plugins=False), load=load_average())

    def site(self, label: str, conf: Path, *, pdf: bool = True,
             edited: str | None = None, build: bool = False) -> Run:
        """This site through its build CLI (`make html`), with the log at INFO for counts.

        With `edited` (an alert's slug), also count the output's HTML files the build
        changed, and those of that alert and of no one alert (outside the timing). With
        `build`, first remove the record of the last build (alerts.build.unchanged), so
        that the build runs even when nothing changed."""
        if build:
            (self.cache / "build" / "last.pickle").unlink(missing_ok=True)
        argv = [PYTHON, "-m", "alerts", "-v", "build", "-s", str(conf),
                "-i", str(self.corpus.alerts), "-o", str(self.output)]
        if not pdf:
            argv.append("--no-pdf")
        manifest = self.cache / "cards" / "manifest.json"
        before = manifest.stat().st_mtime_ns if manifest.exists() else 0
        pages_before = html_digests(self.output) if edited else {}
        result = Run(self._run(argv, label, plugins=True), load=load_average())
        read_cards(result, manifest, before)
        read_log(result, result.measurement.log)
        if UNCHANGED_LINE in result.measurement.log:
            result.cards_drawn = 0
        if edited:
            count_html(result, pages_before, html_digests(self.output), edited)
        return result

    def clear_cache(self, what: str | None = None) -> None:
        shutil.rmtree(self.cache / what if what else self.cache, ignore_errors=True)
        shutil.rmtree(self.output, ignore_errors=True)

    def _run(self, argv: list[str], label: str, plugins: bool) -> Measurement:
        settle(self.root)
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
        if plugins:
            env["PYTHONPATH"] = str(ROOT / "plugins")
        log = self.root / "logs" / f"{label}.log"
        self.logs.append(log)
        for attempt in range(RETRIES + 1):
            measurement = run(argv, env, self.root, log)
            if measurement.returncode == 0:
                return measurement
            tail = "\n".join(measurement.log.splitlines()[-15:])
            print(f"  {label} exited {measurement.returncode} (log {log}):\n{tail}",
                  file=sys.stderr, flush=True)
            if attempt < RETRIES:
                time.sleep(RETRY_WAIT)
        raise BuildFailed(f"{label} failed {RETRIES + 1} times; see {log}")

    def card_sizes_kb(self) -> list[float]:
        """The size of every card in the last site output, in KB."""
        return sorted(p.stat().st_size / 1000 for p in self.output.glob("alerts/*/card.*"))


class BuildFailed(RuntimeError):
    """A timed build did not succeed; times of a failed build mean nothing."""


def read_log(result: Run, log: str) -> None:
    """Everything one build's INFO lines tell: step times, PDFs, search, pages."""
    result.steps = {name: int(ms) for name, ms in _STEP_LINE.findall(log)}
    _read_pdfs(result, log)
    _read_search(result, log)
    found = PAGES_LINE.findall(log)
    if found:
        result.pages_rendered, result.pages_carried = map(int, found[-1])
    elif UNCHANGED_LINE in log:
        result.pages_rendered = result.pages_carried = result.pdfs_rendered = 0


def html_digests(folder: Path) -> dict[str, bytes]:
    """Each HTML file under `folder` (by its path there) and a digest of its bytes."""
    return {str(p.relative_to(folder)): hashlib.blake2b(p.read_bytes(), digest_size=16).digest()
            for p in folder.rglob("*.html")} if folder.is_dir() else {}


def count_html(result: Run, before: dict[str, bytes], after: dict[str, bytes],
               slug: str) -> None:
    """The output's HTML files a build changed (added ones included), the edited alert's
    own ones (under alerts/<slug>/) and those of no one alert (listings, targets…)."""
    result.html_changed = sum(1 for path, digest in after.items() if before.get(path) != digest)
    result.html_own = sum(1 for path in after if path.startswith(f"alerts/{slug}/"))
    result.html_listings = sum(1 for path in after if not _ALERT_FILE.match(path))


#: A file of one of the corpus's alerts (alert-0042, corpus.py): alerts/<slug>/… (its
#: page, translations, embed, email, letters).
_ALERT_FILE = re.compile(r"alerts/alert-\d+/")


def read_cards(result: Run, manifest: Path, before: int) -> None:
    """Card counts from the card cache's manifest, if this build wrote it."""
    try:
        if manifest.stat().st_mtime_ns == before:
            return  # cards off, or the build stopped before them
        last = json.loads(manifest.read_text("utf-8"))["last_render"]
    except (OSError, ValueError, KeyError):
        return
    result.cards_drawn, result.cards_reused = last["drawn"], last["reused"]
    result.ms_per_card = round(last["ms_per_card"], 1) if last["drawn"] else None


def _read_pdfs(result: Run, log: str) -> None:
    """PDF counts from the print plugin's INFO line (it has no machine-readable record)."""
    if "pdf: disabled" in log:
        result.pdfs_rendered = result.pdfs_reused = result.pdfs_failed = 0
        return
    found = _PDF_LINE.findall(log)
    if found:
        rendered, reused, failed, wall, per, workers = map(int, found[-1])
        result.pdfs_rendered, result.pdfs_reused, result.pdfs_failed = rendered, reused, failed
        result.pdf_wall_ms, result.pdf_workers = wall, workers
        result.ms_per_pdf = per if rendered else None


def _read_search(result: Run, log: str) -> None:
    """What the search step did, from its INFO line."""
    found = _SEARCH_LINE.findall(log)
    if found:
        indexed, reused, seconds = found[-1]
        result.search_pages = int(indexed or reused)
        result.search_reused = bool(reused)
        result.search_seconds = float(seconds)


def settle(root: Path, timeout: float = 120) -> None:
    """Wait until the old sites the last builds moved into a cache's trash are removed
    (alerts.build.staging removes them in a process of its own, after the build has
    ended): that removal must not run during the next timed build, ours or bare
    Pelican's."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(
            any(trash.iterdir()) for trash in root.glob("cache*/trash") if trash.is_dir()):
        time.sleep(0.1)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
