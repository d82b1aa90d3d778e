"""Each file's parse, kept from one build to the next.

Parsing (front-matter checks, Markdown, photo checks) is most of the cost of reading an
alert. A parse depends on the file's bytes, the photos it shows, the settings, our code
and the libraries it uses — and on "now" only through comparisons with moments the file
itself names: its deadline, the start of its closing window, its updates' and outcome's
dates. So a parse is kept with

- a key: a digest of the bytes, the file's path, the settings and the code;
- the photos it read, each by path, size, modification time and inode;
- those moments, and how many of them had passed when it was parsed.

It is reused while the key, every photo and the number of passed moments are the same:
between two moments every comparison with "now" comes out the same. Files with errors
are parsed anew on every build (their messages may name "now"); their problems are
reported each time. A kept parse that cannot be read — cut short, from another version
of Python or of our code — is parsed anew and replaced.

The process also holds the last build's parses as objects (`_held`): a devserver builds
again and again in one process. A file whose size, modification time and inode are those
it had when its parse was held, with the same settings and code, is then not even read,
and its kept parse not unpickled (together about a seventh of a rebuild at 1000 alerts);
that is make's blind spot, which the rest of the build shares (alerts.build.unchanged),
and ALERTS_VERIFY_INCREMENTAL=1 reads every file.
A kept file removed (`make clean`), damaged or rewritten sends the build back to the
folder. Each build gets copies of the parses, so nothing a build fills in (an alert's
versions) reaches the next.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import os
import pickle
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from alerts.build.files import write_atomic

logger = logging.getLogger(__name__)

#: Change when what an entry holds changes.
FORMAT = 1


class ParseCache:
    """The kept parses of one content folder, one file each in `folder`."""

    #: The entries the last build that kept its parses used, by file name, each as
    #: (the stat of its kept file, the entry, the stat of the source file and the digest
    #: of the settings and code when it was read, whether it is an alert), and the folder
    #: they belong to: one site's worth, replaced by each build.
    _held: ClassVar[tuple[Path | None, dict[str, tuple]]] = (None, {})

    def __init__(self, folder: Path, shape, closing_hours: float, *,
                 keep: bool = True, trust_stat: bool = True) -> None:
        """`shape()` gives the digest of the settings and code, asked at the first file:
        Pelican's readers fill in some settings (MARKDOWN's extensions) only after they
        are made, and a build must see the settings as every build sees them."""
        self.folder, self._shape, self.closing_hours = Path(folder), shape, closing_hours
        self.shape: str | None = None
        self.keep = keep  # False: use kept parses, keep none (`make check`)
        #: False: read every file (ALERTS_VERIFY_INCREMENTAL checks what stat would miss).
        self.trust_stat = trust_stat
        self.reused = self.parsed = 0
        self._used: set[str] = set()
        held_folder, held = ParseCache._held
        self._held_entries = held if held_folder == self.folder else {}
        self._entries: dict[str, tuple] = {}  # what this build used, for the next one
        #: Of every good parse this build used: its moments, and its photos as it found
        #: them (what alerts.build.unchanged records).
        self.moments: set[float] = set()
        self.photos: set[tuple] = set()
        self._photo_stats: dict[str, list | None] = {}  # a photo many alerts show: once

    def key(self, source_path, raw: bytes, is_alert: bool) -> str:
        if self.shape is None:
            self.shape = self._shape()
        digest = hashlib.sha256(f"{FORMAT}\0{self.shape}\0{source_path}\0{is_alert}\0"
                                .encode("utf-8", "surrogatepass"))
        digest.update(raw)
        return digest.hexdigest()

    def _name(self, source_path) -> str:
        name = hashlib.sha256(str(source_path).encode("utf-8", "surrogatepass")).hexdigest()
        self._used.add(name[:32])
        return name[:32]

    @staticmethod
    def stat(source_path) -> tuple | None:
        """The source file's stat, taken before it is read (see `get`)."""
        return _file_stat(source_path)

    def recall(self, source_path, is_alert: bool, now: datetime):
        """The parse this process holds for the file when the file, the settings and code,
        and the kept file are as they were when it was held, or None: then read the file."""
        if self.shape is None:
            self.shape = self._shape()
        name = self._name(source_path)
        held = self._held_entries.get(name)
        if held is None or not self.trust_stat:
            return None
        kept_as, _, source_as, shape, alert = held
        if (shape, alert) != (self.shape, is_alert) or source_as is None \
                or source_as != self.stat(source_path) \
                or kept_as != _file_stat(os.path.join(self.folder, f"{name}.pickle")):
            return None
        return self._use(name, held, now)

    def get(self, source_path, key: str, now: datetime, seen: tuple | None = None,
            is_alert: bool = False):
        """The kept parse of this file for this key and "now", or None. `seen`: the
        file's stat before it was read, held with the parse for `recall`."""
        name = self._name(source_path)
        path = self.folder / f"{name}.pickle"
        held = self._held_entries.get(name)
        if held is not None and held[0] == _file_stat(path):
            kept_as, entry = held[:2]  # what the kept file holds, as an object already
        else:
            kept_as, entry = self._load(source_path, path)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return self._use(name, (kept_as, entry, seen, self.shape, is_alert), now)

    def _use(self, name: str, held: tuple, now: datetime):
        """The held entry's parse, if "now" and its photos still hold; held for the next
        build in this process."""
        entry = held[1]
        if entry.get("passed") != bisect.bisect_right(entry.get("moments", ()),
                                                      now.timestamp()) \
                or not all(same_stat(dep, self._photo_stats) for dep in entry.get("deps", ())):
            return None
        self.reused += 1
        self._note(entry)
        self._entries[name] = held
        result = _copy(entry["result"])
        _mark(result, entry)
        return result

    def _load(self, source_path, path: Path) -> tuple[tuple | None, object]:
        """The stat of the kept file and what it holds; (None, None) when unreadable."""
        try:
            with open(path, "rb") as handle:
                kept_as = _stat_key(os.fstat(handle.fileno()))
                return kept_as, pickle.load(handle)  # noqa: S301 - our own cache folder
        except FileNotFoundError:
            return None, None
        except Exception:  # cut short, another Python, another version of our classes
            logger.debug("alerts: parse cache entry of %s unreadable", source_path,
                         exc_info=True)
            return None, None

    def put(self, source_path, key: str, now: datetime, result, seen: tuple | None = None,
            is_alert: bool = False) -> None:
        """Keep a parse with no error (and its warnings) for the next build."""
        self.parsed += 1
        if not result.ok:
            return
        moments = sorted(self._moments(result))
        deps = [_stat(image.source) for _, image in result.images]
        if any(dep is None for dep in deps):
            return
        entry = {"key": key, "moments": moments, "deps": deps, "result": result,
                 "passed": bisect.bisect_right(moments, now.timestamp())}
        _mark(result, entry)
        self._note(entry)
        if not self.keep:
            return
        try:
            data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # something in it that pickle cannot keep: parse it each time
            logger.debug("alerts: parse of %s not kept", source_path, exc_info=True)
            return
        name = self._name(source_path)
        path = self.folder / f"{name}.pickle"
        write_atomic(path, data)
        # As it is now, before the build fills anything in: what unpickling would give.
        self._entries[name] = (_file_stat(path), {**entry, "result": _copy(result)}, seen,
                               self.shape, is_alert)

    def _note(self, entry: dict) -> None:
        self.moments.update(entry["moments"])
        self.photos.update(tuple(dep) for dep in entry["deps"])

    def _moments(self, result) -> set[float]:
        """Every moment at which a comparison with "now" in the parse changes."""
        alert = result.alert
        if alert is None:
            return set()
        found = {alert.date}
        if alert.deadline is not None:
            found |= {alert.deadline, alert.deadline - timedelta(hours=self.closing_hours)}
        found |= {update.date for update in alert.updates}
        if alert.outcome_date is not None:
            found.add(alert.outcome_date)
        return {moment.timestamp() for moment in found}

    def prune(self) -> None:
        """Remove the kept parses of files this build did not read, and hold this
        build's for the next build in this process."""
        ParseCache._held = (self.folder, self._entries)
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.pickle"):
            if path.stem not in self._used:
                path.unlink(missing_ok=True)


def _file_stat(path: str | os.PathLike) -> tuple | None:
    try:
        return _stat_key(os.stat(path))
    except OSError:
        return None


def _stat_key(st: os.stat_result) -> tuple:
    return st.st_size, st.st_mtime_ns, st.st_ino


def _copy(result):
    """A parse to hand to one build: the build fills in its alert (versions, where its
    follow-up leads), so the alert is copied, and the metadata that holds it."""
    result = _shallow(result)
    if result.alert is not None:
        result.alert = _shallow(result.alert)
    result.metadata = dict(result.metadata)
    if "alert" in result.metadata:
        result.metadata["alert"] = result.alert
    return result


def _shallow(value):
    """copy.copy of one of our dataclasses (plain __dict__ ones), without copy's
    general machinery: a held parse is copied for every file of every rebuild."""
    made = object.__new__(type(value))
    made.__dict__.update(value.__dict__)
    return made


def _mark(result, entry: dict) -> None:
    """Tell the alert what its parse read: what a page's key needs of it (model.Alert)."""
    if result.alert is not None:
        result.alert.parsed_as = hashlib.sha256(
            repr((entry["key"], entry["deps"], entry["passed"])).encode()).hexdigest()


def _stat(path) -> list | None:
    """A photo as a parse depends on it: its path, size, modification time and inode."""
    found = _file_stat(Path(path))
    return None if found is None else [str(path), *found]


def same_stat(dep, seen: dict | None = None) -> bool:
    """Whether a file is as `_stat` found it; `seen` keeps each path's stat for the
    next question (a photo many alerts show is stat-ed once a build)."""
    if not (isinstance(dep, list) and len(dep) == 4 and isinstance(dep[0], str)):
        return False
    if seen is None:
        return _stat(dep[0]) == dep
    if dep[0] not in seen:
        seen[dep[0]] = _stat(dep[0])
    return seen[dep[0]] == dep
