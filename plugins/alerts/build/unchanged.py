"""A build with nothing to do: when nothing the last build read has changed, the output
is left as it is and the build says what the last one said.

After each build that replaced the output, a record in the cache (`build/last.pickle`)
keeps

- a digest of the inputs: our code, the libraries and the settings
  (fingerprint.build_digest), and the path, size, modification time and inode of every
  file under the content folder, the theme, the theme's static and template override
  folders and the plugin folders; beside it, each photo an alert showed, as its parse
  found it (it may be anywhere);
- the moments at which the clock changes what the site says (every parse's deadlines,
  closing windows, publication, update and outcome dates: alerts.build.parsecache) and
  how many had passed, every "… left" the pages show (alerts.build.carry) and the other
  answers the clock gave (the day a letter is dated: BuildState.clock);
- a digest of the output folder as that build left it: every file and folder, with its
  inode, size and modification time;
- what the build reported: its result and the warnings it logged.

A build whose inputs digest, clock and output all match returns that result and logs
those warnings again, without starting Pelican; anything else builds. A file changed in
place with the same size and modification time is the one change this misses, as make
and rsync miss it (`make clean` or a touch of the file builds anew). With
ALERTS_VERIFY_INCREMENTAL=1 the build runs anyway and fails if its output differs from
the output the record vouched for.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import os
import pickle
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alerts.authoring import deadline
from alerts.build.files import write_atomic
from alerts.build.parsecache import same_stat

logger = logging.getLogger(__name__)

#: Change when what the record holds, or how a digest is made, changes.
FORMAT = 1


@dataclass
class Record:
    """What one build read and wrote, for the next build to compare."""

    inputs: str
    output: str
    moments: list[float] = field(default_factory=list)
    passed: int = 0
    probes: list[tuple[float, str | None, str]] = field(default_factory=list)
    #: Other answers of the clock (BuildState.clock), e.g. ("today", zone, day).
    clock: list[tuple] = field(default_factory=list)
    #: The photos the alerts showed, wherever they are, each as the parse that read it
    #: found it (alerts.build.parsecache).
    photos: list[list] = field(default_factory=list)
    result: object = None
    #: The warnings the build logged: (logger name, level, message).
    logged: list[tuple[str, int, str]] = field(default_factory=list)
    format: int = FORMAT


#: What Python writes beside the plugins' code as it runs (the code is in build_digest).
_NOT_READ = {"__pycache__"}


def path(settings: dict) -> Path:
    return Path(settings["CACHE_PATH"]) / "build" / "last.pickle"


def inputs_digest(settings: dict, output: Path) -> str:
    """Code, libraries, settings, and the stat of every file under the folders a build
    reads (see the module's text); taken before the build reads any of them."""
    from alerts.build.fingerprint import build_digest

    skip = {str(output.resolve()), str(Path(settings["CACHE_PATH"]).resolve())}
    digest = hashlib.sha256(build_digest(settings).encode())
    for folder in _input_folders(settings):
        digest.update(f"\0{folder}\0".encode("utf-8", "surrogateescape"))
        digest.update(tree_digest(folder, skip).encode())
    return digest.hexdigest()


def _input_folders(settings: dict) -> list[str]:
    theme = Path(settings.get("THEME") or ".")
    folders = [settings.get("PATH"), str(theme)]
    folders += [str(theme / p) for p in settings.get("THEME_STATIC_PATHS") or ()]
    folders += list(settings.get("THEME_TEMPLATES_OVERRIDES") or ())
    folders += list(settings.get("PLUGIN_PATHS") or ())
    folders.append(str(Path(__file__).resolve().parents[2]))  # our own plugins
    return sorted({str(Path(f).resolve()) for f in folders if f})


def tree_digest(root: str | Path, skip: set[str] = frozenset()) -> str:
    """Every file and folder under `root` (following links, none of `skip`), each with
    its inode, size and modification time; a missing `root` has a digest of its own."""
    found: list[tuple] = []
    waiting = [str(root)]
    while waiting:
        folder = waiting.pop()
        try:
            entries = os.scandir(folder)
        except OSError as exc:
            found.append((folder, type(exc).__name__))
            continue
        with entries:
            for entry in entries:
                if entry.path in skip or entry.name in _NOT_READ \
                        or entry.name.startswith(".#"):  # an editor's lock file
                    continue
                try:
                    if entry.is_dir():
                        waiting.append(entry.path)
                        found.append((entry.path, "dir"))
                        continue
                    st = entry.stat()
                except OSError:  # gone while we looked, or a broken link
                    found.append((entry.path, "gone"))
                    continue
                found.append((entry.path, st.st_ino, st.st_size, st.st_mtime_ns))
    found.sort()
    prefix = len(str(root))
    text = "\n".join(repr((name[prefix:], *rest)) for name, *rest in found)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def load(settings: dict) -> Record | None:
    try:
        with open(path(settings), "rb") as handle:
            record = pickle.load(handle)  # noqa: S301 - our own cache folder
    except FileNotFoundError:
        return None
    except Exception:  # cut short, another Python, another version of our classes
        logger.debug("alerts: build record unreadable", exc_info=True)
        return None
    return record if isinstance(record, Record) and record.format == FORMAT else None


def changed(record: Record | None, settings: dict, output: Path, inputs: str) -> str | None:
    """What makes this build differ from the one `record` describes, in a few words;
    None when it would write again exactly what `output` holds: same inputs, no moment
    crossed, every clock answer the same, the output untouched."""
    if record is None:
        return "no record of the last build"
    if not output.is_dir():
        return "no output yet"
    if record.inputs != inputs:
        return "the content, theme, settings or code changed"
    now = deadline.build_now()
    if bisect.bisect_right(record.moments, now.timestamp()) != record.passed:
        return "a deadline, closing window, publication or update moment has passed"
    for moment, lang, words in record.probes:
        if deadline.time_left(datetime.fromtimestamp(moment, UTC), now, lang) != words:
            return f"a page's time left is no longer {words!r}"
    for kind, question, answer in record.clock:
        if kind != "today" or deadline.today(now, question).isoformat() != answer:
            return f"it is no longer {answer} in {question}"
    if not all(same_stat(photo) for photo in record.photos):
        return "a photo changed"
    if record.output != tree_digest(output):
        return "the output was changed since the last build"
    return None


@dataclass
class Look:
    """What the record of the last build says of this one, taken as it starts."""

    settings: dict
    output: Path
    #: Whether this build keeps a record (not `make check`, not the live preview).
    recorded: bool
    inputs: str = ""
    record: Record | None = None
    #: Why this build differs from the recorded one (None: it does not).
    why: str | None = None

    @property
    def vouched(self) -> bool:
        """The recorded build wrote exactly what this one would."""
        return self.record is not None and self.why is None

    def save(self, state, result, logged) -> None:
        """Record the build that just replaced the output (`state`: its BuildState)."""
        # Without a record of its own (the live preview), what the last one says of the
        # output is no longer true; a template that shows "now" itself differs each build.
        if not self.recorded or state.pages.reads_clock:
            forget(self.settings)
        else:
            _save(self, state, result, logged)


def look(settings: dict, output: Path, *, recorded: bool) -> Look:
    """Compare this build, before it reads anything, with the record of the last."""
    found = Look(settings, output, recorded)
    if recorded:
        found.inputs = inputs_digest(settings, output)
        found.record = load(settings)
        found.why = changed(found.record, settings, output, found.inputs)
        if found.why is not None:
            logger.info("alerts: building: %s", found.why)
    return found


def _save(look: Look, state, result, logged) -> None:
    moments: set[float] = set()
    photos: set[tuple] = set()
    if state.parses is not None:
        moments, photos = state.parses.moments, state.parses.photos
    probes = {(p[1], p[2], p[3]) for entry in state.pages.cache.entries.values()
              if isinstance(entry, dict) for p in entry.get("probes") or ()}
    now = state.now.timestamp()
    ordered = sorted(moments)
    record = Record(look.inputs, tree_digest(look.output), ordered,
                    bisect.bisect_right(ordered, now), sorted(probes, key=repr),
                    sorted(state.clock), [list(p) for p in sorted(photos)], result,
                    list(logged))
    write_atomic(path(look.settings), pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))


def forget(settings: dict) -> None:
    path(settings).unlink(missing_ok=True)


def replay(record: Record) -> None:
    """Say again what the recorded build logged."""
    logger.info("alerts: nothing changed since the last build; the output is as it left it")
    for name, level, message in record.logged:
        logging.getLogger(name).log(level, "%s", message)


class Logged(logging.Handler):
    """The warnings a build logs that the terminal shows, to say again when a later
    build finds nothing changed."""

    def __init__(self, shown: logging.Filter) -> None:
        super().__init__(logging.WARNING)
        self.shown = shown
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if self.shown.filter(record):
            self.records.append((record.name, record.levelno, record.getMessage()))


def differences(built: Path, output: Path) -> list[str]:
    """The files, relative to both folders, that one has and the other has not, or that
    hold other bytes."""
    def files(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

    ours, theirs = files(built), files(output)
    differ = ours ^ theirs
    differ |= {name for name in ours & theirs
               if (built / name).read_bytes() != (output / name).read_bytes()}
    return sorted(differ)
