"""The builds the benchmark times: settings files, commands, and what each build reports."""

from __future__ import annotations

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
# As `make publish` builds: absolute URLs, so oEmbed files and the email edition are
# written and timed too.
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

    def conf(self, name: str, pdf: dict | None = None) -> Path:
        path = self.root / f"{name}.conf.py"
        path.write_text(SITE_CONF.format(root=str(ROOT), plugins=str(ROOT / "plugins"),
                                         theme=str(ROOT / "theme"), cache=str(self.cache),
                                         pdf=pdf or {}), "utf-8")
        return path

    def bare(self, label: str) -> Run:
        """Bare Pelican, cold: no plugins, its default theme, native metadata."""
        conf = self.root / "bare.conf.py"
        conf.write_text(BARE_CONF, "utf-8")
        out = self.root / "out-bare"
        shutil.rmtree(out, ignore_errors=True)
        argv = [PYTHON, "-m", "pelican", str(self.corpus.bare), "-o", str(out), "-s", str(conf)]
        return Run(self._run(argv, label, plugins=False), load=_load())

    def site(self, label: str, conf: Path, *, pdf: bool = True) -> Run:
        """This site through its build CLI (`make html`), with the log at INFO for counts."""
        argv = [PYTHON, "-m", "alerts", "-v", "build", "-s", str(conf),
                "-i", str(self.corpus.alerts), "-o", str(self.root / "out-site")]
        if not pdf:
            argv.append("--no-pdf")
        manifest = self.cache / "cards" / "manifest.json"
        before = manifest.stat().st_mtime_ns if manifest.exists() else 0
        result = Run(self._run(argv, label, plugins=True), load=_load())
        _read_cards(result, manifest, before)
        _read_pdfs(result)
        result.steps = {name: int(ms) for name, ms in _STEP_LINE.findall(result.measurement.log)}
        _read_search(result)
        return result

    def clear_cache(self, what: str | None = None) -> None:
        shutil.rmtree(self.cache / what if what else self.cache, ignore_errors=True)
        shutil.rmtree(self.root / "out-site", ignore_errors=True)

    def _run(self, argv: list[str], label: str, plugins: bool) -> Measurement:
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
        out = self.root / "out-site"
        return sorted(p.stat().st_size / 1000 for p in out.glob("alerts/*/card.*"))


class BuildFailed(RuntimeError):
    """A timed build did not succeed; times of a failed build mean nothing."""


def _read_cards(result: Run, manifest: Path, before: int) -> None:
    """Card counts from the card cache's manifest, if this build wrote it."""
    try:
        if manifest.stat().st_mtime_ns == before:
            return  # cards off, or the build stopped before them
        last = json.loads(manifest.read_text("utf-8"))["last_render"]
    except (OSError, ValueError, KeyError):
        return
    result.cards_drawn, result.cards_reused = last["drawn"], last["reused"]
    result.ms_per_card = round(last["ms_per_card"], 1) if last["drawn"] else None


def _read_pdfs(result: Run) -> None:
    """PDF counts from the print plugin's INFO line (it has no machine-readable record)."""
    log = result.measurement.log
    if "pdf: disabled" in log:
        result.pdfs_rendered = result.pdfs_reused = result.pdfs_failed = 0
        return
    found = _PDF_LINE.findall(log)
    if found:
        rendered, reused, failed, wall, per, workers = map(int, found[-1])
        result.pdfs_rendered, result.pdfs_reused, result.pdfs_failed = rendered, reused, failed
        result.pdf_wall_ms, result.pdf_workers = wall, workers
        result.ms_per_pdf = per if rendered else None


def _read_search(result: Run) -> None:
    """What the search step did, from its INFO line."""
    found = _SEARCH_LINE.findall(result.measurement.log)
    if found:
        indexed, reused, seconds = found[-1]
        result.search_pages = int(indexed or reused)
        result.search_reused = bool(reused)
        result.search_seconds = float(seconds)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
