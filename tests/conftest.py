"""Shared test helpers: a tiny real Pelican build per scenario, into a temporary folder."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from alerts.authoring.model import Action, Alert
from alerts.build.staging import BuildResult, build, load_settings

ROOT = Path(__file__).resolve().parent.parent

# The Ctrl-C tests send SIGINT to the builds and devservers they start, as a terminal
# does. A shell that runs `make test` in the background (`make test &` in a script)
# leaves SIGINT ignored, and a started program inherits that and would never hear the
# Ctrl-C; with a handler here instead, each program starts with the default again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

NEW_YORK = ZoneInfo("America/New_York")

#: 2026-11-30T12:00:00Z: the "now" of every test build unless a test says otherwise.
EPOCH = 1796040000

MINIMAL_ALERT = """\
---
title: Tell the council to fund the clinic
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
targets: City council
actions:
  - label: Email the council
    url: https://example.org/act
    kind: email
---

The clinic closes in January unless the council funds it.
"""


def park_alert(**changes) -> Alert:
    """A small Alert value, built without Pelican, for unit tests of sharing and meta."""
    values = dict(
        source_path="content/alerts/save-the-park.md", title="Save the park", slug="save-the-park",
        date=datetime(2024, 5, 1, 9, 0, tzinfo=NEW_YORK), timezone=NEW_YORK, targets=(),
        actions=(Action("Sign", "https://example.org/sign", "petition"),),
        summary="The council votes on Friday.", share_text="Call the council before Friday!",
        lang="en", url="alerts/save-the-park/", hashtags=("SaveThePark",),
    )
    values.update(changes)
    return Alert(**values)


@pytest.fixture(autouse=True)
def _pelican_forgets_warnings():
    """Pelican's log filter drops a warning already logged in this process; each test
    must see its own."""
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


@dataclass
class Site:
    """A built (or failed) site: where it is, and what the build said."""

    root: Path
    content: Path
    output: Path
    result: BuildResult

    def html(self, relpath: str) -> BeautifulSoup:
        return BeautifulSoup((self.output / relpath).read_text("utf-8"), "html.parser")

    def alert(self, slug: str) -> BeautifulSoup:
        return self.html(f"alerts/{slug}/index.html")

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.result.errors + self.result.warnings] + \
            self.result.failures


def replace_once(text: str, old: str, new: str) -> str:
    """`text` with its first `old` replaced: a mistake written into a good alert. A test
    whose `old` is no longer there fails here, rather than testing the good alert."""
    assert old in text, old
    return text.replace(old, new, 1)


def errors_of(result: BuildResult, name: str) -> list[str]:
    """The build's errors in content file `<name>.md`, as printed."""
    return [str(p) for p in result.errors if p.path.endswith(f"/{name}.md")]


def write_files(content: Path, files: dict[str, str | bytes]) -> None:
    for relpath, data in files.items():
        path = content / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, "utf-8")


def build_site(root: Path, files: dict[str, str | bytes], *, settings: dict | None = None,
               epoch: int | str | None = EPOCH, pdf: bool = False,
               conf: Path | None = None, env: dict | None = None) -> Site:
    """Build `files` (content-relative path → text or bytes) into `root`/output with the
    project's settings and theme, through the real pipeline.

    PDFs are off unless `pdf=True` (they have their own tests); `settings` overrides
    any setting; `epoch` sets SOURCE_DATE_EPOCH (None: unset, the real clock; a string:
    that value as it is, e.g. "" as a shell's `SOURCE_DATE_EPOCH=` gives it); `env` sets
    other variables for the build (publishconf.py reads SITEURL). The environment is put
    back afterwards.
    """
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    write_files(content, files)
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(root / "output"),
                 "CACHE_PATH": str(root / "cache")}
    if not pdf:
        overrides["PDF"] = {"enabled": False}
    overrides.update(settings or {})
    with pytest.MonkeyPatch.context() as mp:
        if epoch is None:
            mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        else:
            mp.setenv("SOURCE_DATE_EPOCH", str(epoch))
        for name, value in (env or {}).items():
            mp.setenv(name, value)
        result = build(load_settings(conf or ROOT / "pelicanconf.py", overrides))
    return Site(root, content, root / "output", result)


def forget_last_build(root: Path) -> None:
    """Make the next `build_site` into `root` build even when nothing changed: without
    the last build's record (alerts.build.unchanged) it cannot skip the build. For tests
    of what a rebuild reuses from each cache."""
    (root / "cache" / "build" / "last.pickle").unlink(missing_ok=True)


@pytest.fixture
def make_site(tmp_path):
    """`build_site` into a new folder under the test's tmp_path on each call."""
    counter = iter(range(1000))

    def make(files: dict[str, str | bytes], *, root: Path | None = None, **options) -> Site:
        return build_site(root or tmp_path / f"site{next(counter)}", files, **options)

    return make


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m alerts ARGS` as the Makefile does."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "alerts", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True, timeout=timeout, check=False,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a folder was left untouched."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- PDFs --------------------------------------------------------------------------------

class PdfLog(NamedTuple):
    """What one build did with PDFs, as it logged it."""

    rendered: int
    reused: int
    failed: int
    ms_per_pdf: float
    workers: int


_PDF_LINE = re.compile(r"pdf: (\d+) rendered, (\d+) reused, (\d+) failed in [\d.]+ ms "
                       r"\(([\d.]+) ms per PDF, (\d+) workers\)")


@pytest.fixture
def pdf_log(caplog):
    """A function that reads what the test's last build did with PDFs from the line the
    build logs at INFO on logger printpdf.build: `pdf: N rendered, M reused, K failed in
    … ms (… ms per PDF, W workers)`."""
    caplog.set_level(logging.INFO, logger="printpdf.build")

    def last() -> PdfLog:
        found = [match for record in caplog.records if record.name == "printpdf.build"
                 and (match := _PDF_LINE.fullmatch(record.getMessage()))]
        assert found, "no build logged `pdf: N rendered, M reused, K failed`"
        match = found[-1]
        return PdfLog(int(match[1]), int(match[2]), int(match[3]), float(match[4]),
                      int(match[5]))

    return last


@pytest.fixture(scope="session")
def compiled_templates(tmp_path_factory) -> dict:
    """Settings that keep the theme's compiled templates (Jinja's bytecode cache) from one
    build of the session to the next. Compiling them is most of a small build's time
    (~0.3 s of ~0.35 s); the pages are the same. A template edited, or in another folder
    (hooked_templates), is compiled again: the cache goes by file path and source."""
    import jinja2

    # The project's options, always: compiled code depends on them, the cache's keys do not.
    options = load_settings(ROOT / "pelicanconf.py")["JINJA_ENVIRONMENT"]
    folder = tmp_path_factory.mktemp("jinja")
    return {"JINJA_ENVIRONMENT": {**options,
                                  "bytecode_cache": jinja2.FileSystemBytecodeCache(str(folder))}}


def hooked_templates(dest: Path) -> dict:
    """The settings for a build whose alert pages also carry raw HTML that the settings
    TEST_HEAD and TEST_BODY give (alert slug -> HTML), in the page's <head> and at the end
    of its <article>: what a theme's template could put in front of the PDF step, and a
    writer's Markdown never can.

    The theme's own alert.html with those two hooks, written into `dest` and found there
    first (THEME_TEMPLATES_OVERRIDES); every other template is the theme's, and the page
    of an alert with no hook is the page the theme writes.
    """
    text = (ROOT / "theme" / "templates" / "alert.html").read_text("utf-8")
    for anchor, name, after in (("{% block head %}", "TEST_HEAD", True),
                                ("</article>", "TEST_BODY", False)):
        assert text.count(anchor) == 1, f"theme/templates/alert.html: {anchor!r} is not " \
                                        "there exactly once"
        # As statements, so that trim_blocks leaves the page's text as it was.
        html = (f"{{% if {name} is defined %}}{{{{ {name}.get(alert.slug, '') | safe }}}}"
                "{% endif %}")
        text = text.replace(anchor, anchor + html if after else html + anchor)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "alert.html").write_text(text, "utf-8")
    return {"THEME_TEMPLATES_OVERRIDES": [str(dest)]}


@pytest.fixture(scope="session")
def hooked_theme(tmp_path_factory) -> dict:
    """hooked_templates, once for the session."""
    return hooked_templates(tmp_path_factory.mktemp("hooked-templates"))


def theme_static(dest: Path) -> dict:
    """A copy of theme/static/ at `dest` for a test to change, and the setting that makes
    the build publish it instead (the theme's templates stay where they are)."""
    shutil.copytree(ROOT / "theme" / "static", dest)
    return {"THEME_STATIC_PATHS": [str(dest)]}  # Pelican joins it to THEME: absolute wins


def tool(*args: str) -> str:
    """Run a command-line tool (poppler's pdftotext, pdfinfo…) and return its output."""
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout
