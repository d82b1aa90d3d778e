"""Content digests of files, read again only when a file is no longer the one it was.

Photos (the photo cache), fonts, logos and photos (cards), a print page and the files it
shows (PDFs) and an alert's page (its email edition) are hashed to key the work made from
them. Reading and hashing every one of them on every build costs more than the rest of
an unchanged build, so each digest is kept with the file's size, modification time and
inode, and trusted while all three are the same: a file edited or written anew gets
another modification time, a file renamed over it another inode. The change this cannot
see is a file rewritten in place with the same size and its old modification time put
back (as `cp -p` or `touch -r` can) — the blind spot make has too; the build's record of
its inputs (alerts.build.unchanged) trusts the same three.
"""

from __future__ import annotations

import hashlib
import os


def file_stamp(path: str | os.PathLike) -> list[int]:
    """What says a file is still the one it was: its size, modification time and inode.
    Raises OSError when it cannot be read."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class FileDigests:
    """sha256 digests of files, each learnt once a build. `known` is what an earlier
    build's `seen` held; `seen` is every digest this build asked for, to keep for the
    next."""

    def __init__(self, known: dict | None = None) -> None:
        self.known: dict[str, list] = known if isinstance(known, dict) else {}
        self.seen: dict[str, list] = {}

    def __call__(self, path: str | os.PathLike, name: str | None = None) -> str:
        """The digest of the file at `path`, remembered under `name` (the path itself
        unless given: a file in the staging folder has another path every build).
        Raises OSError when the file cannot be read."""
        name = os.fspath(path) if name is None else name
        if name in self.seen:
            return self.seen[name][3]
        stamp = file_stamp(path)
        entry = self.known.get(name)
        if not (isinstance(entry, list) and len(entry) == 4 and entry[:3] == stamp
                and isinstance(entry[3], str)):
            with open(path, "rb") as handle:
                entry = [*stamp, hashlib.file_digest(handle, "sha256").hexdigest()]
        self.seen[name] = entry
        return entry[3]
