"""A folder of work kept between builds (photos, cards, PDFs), and the manifest that says
what each file in it is.

Each kind of work names its files by a digest of everything that shapes them (photos,
cards) or by the page they belong to with that digest in their entry (PDFs), so a file
is reused only when nothing that went into it changed. The manifest is
`{"format": "<kind> <version>", "entries": {name: record}, ...}`; the kind decides what a
record holds and may keep other sections beside "entries".

- A manifest that is missing, cut short, damaged or of another format or version is not
  read at all: the cache starts empty and the next save writes a good one. Files are
  then reused only where their name alone proves what they hold.
- `prune` forgets every entry and removes every file this build did not use, so the
  folder holds one build's worth of work and never grows without bound; a kind that
  keeps files in a subfolder prunes it with `prune_folder` (the PDFs' print-size photos).
- Files and the manifest are written whole or not at all (alerts.build.files), so a killed
  build leaves a cache the next build can trust.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from functools import cache
from importlib.metadata import version
from pathlib import Path

from alerts.build.files import PARTIAL, replacing, write_atomic

MANIFEST = "manifest.json"
#: A temporary file older than this was left by a killed build; a live one is seconds old.
STALE_PARTIAL_SECONDS = 3600


class Cache:
    """One kind's cache folder: its entries, its files, and what this build used."""

    def __init__(self, folder: str | Path, kind: str, version: int | str) -> None:
        self.folder = Path(folder)
        self.format = f"{kind} {version}"
        self.manifest_path = self.folder / MANIFEST
        self._text = ""  # the manifest as read: a save that would write the same skips it
        self._data = self._load()
        self.entries: dict[str, object] = self._data.pop("entries", {})
        self._used_entries: set[str] = set()
        self._used_files: set[str] = set()

    def _load(self) -> dict:
        try:
            self._text = self.manifest_path.read_text("utf-8")
            data = json.loads(self._text)
        except (OSError, ValueError):  # no cache yet, or one cut short: start empty
            return {}
        if not isinstance(data, dict) or data.get("format") != self.format \
                or not isinstance(data.get("entries"), dict):
            return {}  # another version's manifest means something else: never trust it
        return data

    def section(self, name: str) -> dict:
        """Another part of the manifest the kind saved, e.g. the cards' file digests."""
        value = self._data.get(name)
        return value if isinstance(value, dict) else {}

    # -- entries: what the kind records under a name ----------------------------------

    def get(self, name: str):
        """The record under `name` (kept by the next prune), or None."""
        record = self.entries.get(name)
        if record is not None:
            self._used_entries.add(name)
        return record

    def put(self, name: str, record) -> None:
        self.entries[name] = record
        self._used_entries.add(name)

    def drop(self, name: str) -> None:
        self.entries.pop(name, None)
        self._used_entries.discard(name)

    # -- files ------------------------------------------------------------------------

    def path(self, name: str) -> Path:
        """Where the file `name` is kept (whether or not it exists yet)."""
        return self.folder / name

    def use(self, name: str) -> Path:
        """The path of the file `name`, which the next prune keeps."""
        self._used_files.add(name)
        return self.path(name)

    def writing(self, name: str) -> AbstractContextManager[Path]:
        """A temporary path for an encoder that writes files itself; the file `name`
        appears, whole, when the block ends without an error."""
        return replacing(self.use(name))

    # -- one build's end ----------------------------------------------------------------

    def prune(self) -> None:
        """Forget the entries and remove the files this build did not use."""
        self.entries = {k: v for k, v in self.entries.items() if k in self._used_entries}
        _remove_files(self.folder, {MANIFEST} | self._used_files)

    def prune_folder(self, subfolder: str, keep: set[str]) -> None:
        """Remove the files of `subfolder` not named in `keep`: a kind that keeps files
        there says which its kept entries still need."""
        _remove_files(self.folder / subfolder, keep)

    def save(self, **sections) -> None:
        """Write the manifest: the entries, and any other sections the kind keeps."""
        data = {**sections, "format": self.format, "entries": self.entries}
        # One line, sorted: json's fast encoder (an indented manifest takes ten times as
        # long to write), and the same text for the same manifest.
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if text == self._text:
            return  # what the manifest already says: a build that changed nothing writes none
        write_atomic(self.manifest_path, text)
        self._text = text


def _remove_files(folder: Path, keep: set[str]) -> None:
    """Remove each file of `folder` (not its subfolders) not named in `keep`, except the
    temporary file of a build still writing it."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name in keep or not path.is_file():
            continue
        if path.name.endswith(PARTIAL) and not _stale(path):
            continue  # being written by another build that shares this cache
        path.unlink(missing_ok=True)


def _stale(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS
    except OSError:
        return False


@cache  # a library's code is imported once a process: a newer install is not used
def installed(name: str) -> str:
    """The installed version of the library `name`; asked for on every build (a
    devserver's too), and importlib.metadata reads the package's files to answer."""
    return version(name)


def code_digest(label: str, root: Path, files: Iterable[Path], packages: Iterable[str]) -> str:
    """A digest of the code that makes one kind's files (`files`, named from `root`) and of
    the versions of the libraries it uses: part of every key of that kind, so that new code
    or a new library makes each file anew. Each kind computes it once a process."""
    digest = hashlib.sha256(label.encode())
    for name in packages:
        digest.update(f"{name} {installed(name)}\n".encode())
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
