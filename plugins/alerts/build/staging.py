"""An atomic site build: Pelican writes into a temporary folder beside the output,
and only a build with no problem replaces the output folder.

A build that fails, is interrupted or is killed leaves the previous output exactly
as it was. A lock file beside the output makes a second build wait for the first.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from alerts.authoring.deadline import ConfigError, settle_source_date_epoch
from alerts.build import faults, spare, unchanged
from alerts.build import state as buildstate
from alerts.build.carry import verifying
from alerts.build.config import (
    CHECK_ONLY,
    LIVE_OUTPUT,
    PREVIEW,
    SETTINGS_FILE,
    SPARE_STAGING,
    SettingsError,
    settings_file,
)
from alerts.build.pipeline import plugin_names
from alerts.build.problems import AlertError, Problem, display_path

logger = logging.getLogger(__name__)

#: Old sites being removed, in the cache folder (see _discard).
TRASH = "trash"


@dataclass
class BuildResult:
    ok: bool
    alerts_checked: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # build errors that are not a file's
    #: Alerts held back until their date: (source path, the moment they appear).
    scheduled: list[tuple[str, datetime]] = field(default_factory=list)
    #: Nothing changed since the last build, which this result repeats: the output was
    #: left as it was (alerts.build.unchanged).
    unchanged: bool = False

    @property
    def problem_count(self) -> int:
        return len(self.errors) + len(self.failures)


def load_settings(conffile: str | os.PathLike, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    overrides = dict(overrides or {})
    for key in ("PATH", "OUTPUT_PATH", "CACHE_PATH"):
        if overrides.get(key):
            overrides[key] = os.path.abspath(overrides[key])
    if not Path(conffile).is_file():
        raise SettingsError("no such settings file; give the path of one, e.g. "
                            "CONFFILE=pelicanconf.py", source=str(conffile))
    try:
        settings = read_settings(str(conffile), override=overrides)
    except ValueError as exc:  # how Pelican says a setting of its own cannot work
        raise SettingsError(str(exc), source=str(conffile)) from None
    except SyntaxError as exc:  # the settings file is Python that does not parse
        raise SettingsError(f"line {exc.lineno}: {exc.msg}; fix the Python syntax there",
                            source=str(conffile)) from None
    # As given on the command line: a mistake in a setting names this file (alerts.build.config).
    settings[SETTINGS_FILE] = str(conffile)
    return settings


def build(settings: dict, *, check_only: bool = False) -> BuildResult:
    """Build the site described by `settings` into its OUTPUT_PATH, atomically."""
    settle_source_date_epoch()  # no worker or library may see it set but empty
    if "alerts" not in plugin_names(settings):
        listed = sorted(plugin_names(settings))
        error = SettingsError(f"PLUGINS = {listed!r} leaves out 'alerts', which the theme "
                              "and the other plugins need; add it, e.g. PLUGINS = "
                              "['alerts', 'sharing', 'printpdf']", source=settings_file(settings))
        return BuildResult(False, failures=[str(error)])
    output = Path(settings["OUTPUT_PATH"]).resolve()
    if output.exists() and not output.is_dir():
        raise ConfigError(f"OUTPUT_PATH {output} is a file; remove it or choose a folder")
    output.parent.mkdir(parents=True, exist_ok=True)
    trash = Path(settings["CACHE_PATH"]).resolve() / TRASH
    with _lock(output):
        staging = output.parent / f".{output.name}.tmp-{os.getpid()}"
        _remove_stale(output, trash)
        # `make check` has settings of its own (no PDFs) and writes no output, and the
        # live preview rebuilds only when a file changed: both always build, and keep no
        # record (its walks of the content and the output would cost the preview ~0.25 s
        # at a thousand alerts).
        last = unchanged.look(settings, output,
                              recorded=not (check_only or settings.get(PREVIEW)))
        if last.vouched and not verifying():
            _forget_logged_warnings()
            unchanged.replay(last.record)
            return replace(last.record.result, unchanged=True)
        recycled = not check_only and spare.take(output, staging)
        try:
            result, logged = _run_pelican({
                **settings, "OUTPUT_PATH": str(staging), "DELETE_OUTPUT_DIRECTORY": False,
                CHECK_ONLY: check_only, LIVE_OUTPUT: str(output) if output.is_dir() else None,
                SPARE_STAGING: recycled})
            if recycled and result.ok:
                spare.remove_empty(staging)
            if last.vouched and result.ok:
                _verify_unchanged(staging, output, result)
            if result.ok and not check_only:
                _swap(staging, output, trash)
                last.save(buildstate.current(), result, logged)
            return result
        finally:
            if staging.exists():  # the old site after a swap, or this build's own
                _discard(staging, trash, output)


def _verify_unchanged(staging: Path, output: Path, result: BuildResult) -> None:
    """ALERTS_VERIFY_INCREMENTAL: the record said nothing changed; the build just made
    must then be the output, file for file."""
    differ = unchanged.differences(staging, output)
    if differ:
        result.failures.append(
            f"the last build's record (alerts.build.unchanged) said nothing changed, but "
            f"the build writes other files: {', '.join(differ[:5])}")
        result.ok = False


def _run_pelican(settings: dict) -> tuple[BuildResult, list]:
    """The build's result, and the warnings it logged that the terminal shows."""
    from pelican import Pelican
    from pelican.log import console

    counter = _ErrorCounter(settings["PATH"])
    logged = unchanged.Logged(QuietSkippedFiles())
    root = logging.getLogger()
    root.addHandler(counter)
    root.addHandler(logged)
    failures: list[str] = []
    buildstate.reset()
    _forget_logged_warnings()
    # Pelican's own "Done: Processed N articles…" would say so of a failed build too;
    # the build says what it built (or why not) itself. -v (INFO) keeps it.
    console.quiet, quiet = not logging.getLogger().isEnabledFor(logging.INFO), console.quiet
    try:
        Pelican(settings).run()
    except ConfigError as exc:
        failures.append(str(exc))
    except Exception as exc:  # a template or plugin failure must still fail the build
        faults.log_traceback(exc, "where the build failed")
        failures.append(faults.describe(exc))
    finally:
        root.removeHandler(counter)
        root.removeHandler(logged)
        console.quiet = quiet
        _forget_rendered_bodies()
        buildstate.stop_background()  # a failed build does not leave Pagefind running
        buildstate.unfreeze()
    for error, about in counter.faults:
        faults.log_traceback(error, about)
    try:
        state = buildstate.current()
    except RuntimeError:  # Pelican failed before the plugin started
        return BuildResult(False, failures=failures or counter.messages), logged.records
    failures.extend(counter.messages)
    errors, warnings = state.problems.errors, state.problems.warnings
    scheduled = sorted((alert.source_path, moment) for alert, moment in state.scheduled)
    return BuildResult(not errors and not failures, len(state.alert_files),
                       errors, warnings, failures, scheduled), logged.records


def _forget_rendered_bodies() -> None:
    """Pelican keeps each content's body and summary (Content.get_content, get_summary)
    in a cache on the class, keyed by the content itself: every build's articles, and
    all they hold, would stay in memory for as long as the process runs (a devserver
    kept ~40,000 more objects with each rebuild at a thousand alerts)."""
    from pelican.contents import Content

    for name in ("get_content", "get_summary"):
        kept = getattr(vars(Content).get(name), "cache", None)
        if isinstance(kept, dict):
            kept.clear()


def _forget_logged_warnings() -> None:
    """Pelican drops a warning it has logged before in this process; every build (a
    devserver rebuild, a test) must show its own warnings again."""
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


class _ErrorCounter(logging.Handler):
    """Collects ERROR records that are not about a file whose problems are recorded. A
    file that made the code fail (Pelican's "Could not process", logged inside its
    `except` without the exception) is named by its path, with the exception."""

    def __init__(self, content: str) -> None:
        super().__init__(logging.ERROR)
        self.content = content
        self.messages: list[str] = []
        self.faults: list[tuple[BaseException, str]] = []  # logged with -v afterwards

    def emit(self, record: logging.LogRecord) -> None:
        if _about_recorded_file(record):
            return
        error = sys.exc_info()[1] or (record.exc_info[1] if record.exc_info else None)
        if record.msg == "Could not process %s" and record.args and error is not None:
            path = display_path(os.path.join(self.content, str(record.args[0])))
            self.messages.append(f"{path}: could not be read: {faults.describe(error)}")
            self.faults.append((error, f"where reading {path} failed"))
        else:
            self.messages.append(record.getMessage().splitlines()[0])


#: Pelican warnings that our own problems replace: the feed one (the sharing plugin says
#: it about SITEURL) and those about translations (alerts.site.translations and the slug
#: check name the files, and fail the build).
_REPLACED_WARNINGS = ("Feeds generated without SITEURL", "There are %s items",
                      'All items ("%s")', "There are %s original")


class QuietSkippedFiles(logging.Filter):
    """Hides Pelican's "Could not process" for files whose problems we report ourselves,
    and the warnings our own messages replace."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(_REPLACED_WARNINGS):
            return False
        return not _about_recorded_file(record)


def _about_recorded_file(record: logging.LogRecord) -> bool:
    # Pelican logs "Could not process %s" from inside its `except`, without exc_info.
    return isinstance(sys.exc_info()[1], AlertError) or (
        bool(record.exc_info) and isinstance(record.exc_info[1], AlertError))


@contextmanager
def _lock(output: Path):
    path = output.parent / f".{output.name}.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Another build is writing {output} (lock {path}); waiting for it to "
                  "finish…", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale(output: Path, trash: Path) -> None:
    """Staging folders of builds that were killed (we hold the lock, so none is live),
    and old sites a removal did not finish."""
    for stale in output.parent.glob(f".{output.name}.tmp-*"):
        _discard(stale, trash)
    if trash.is_dir():
        for old in trash.iterdir():
            _remove_later(old)


def _discard(folder: Path, trash: Path, output: Path | None = None) -> None:
    """Remove a whole site without waiting for it: removing ten thousand files and two
    thousand folders takes seconds, which neither the writer nor the live preview
    should wait for. The folder moves into the cache's trash at once, and a process of
    its own removes it (it outlives a command that ends first); with `output`, removes
    its files only and keeps its folders for that output's next build (alerts.build.spare).
    Where it cannot move there (another file system), it is removed now."""
    try:
        trash.mkdir(parents=True, exist_ok=True)
        moved = trash / f"{folder.name}-{time.time_ns()}"
        os.rename(folder, moved)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    _remove_later(moved, output)


def _remove_later(folder: Path, output: Path | None = None) -> None:
    try:
        process = subprocess.Popen(spare.removal(folder, output), start_new_session=True,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    # Waited for on a thread, so a long-running devserver leaves no finished process.
    threading.Thread(target=process.wait, daemon=True).start()


def _swap(staging: Path, output: Path, trash: Path) -> None:
    """Put `staging` in place of `output` in one step where the kernel can."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        return  # staging now holds the old site; the caller removes it
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    os.rename(output, old)
    os.rename(staging, output)
    _discard(old, trash, output)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two paths atomically (Linux 3.15+)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0
