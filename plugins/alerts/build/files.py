"""Writing the build's files: whole or not at all, and shared between cache and output.

Every file the build keeps between runs (photos, cards, PDFs, QR codes, manifests) is
written through `replacing` or `write_atomic`: into a temporary file in the same folder,
then renamed over the target. A build that is killed halfway therefore leaves either the
old file or the new one, never half of one, and a file the output shares by hard link is
never changed in place (the rename gives the cache a new inode).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

#: Temporary files end so; a cache's prune recognises (and ages out) those of killed builds.
PARTIAL = ".part"
#: Published files are served by a web server running as another user.
MODE = 0o644


@contextmanager
def replacing(path: str | os.PathLike, *, mode: int = MODE) -> Iterator[Path]:
    """A temporary path beside `path` for the block to write; renamed over `path` when the
    block ends without an error, removed when it fails (or is interrupted)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PARTIAL)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        os.chmod(partial, mode)  # mkstemp makes 0600, which the web server could not read
        os.replace(partial, path)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise


def write_atomic(path: str | os.PathLike, data: bytes | str, *, fsync: bool = False,
                 mode: int = MODE) -> None:
    """Write `data` (text as UTF-8) to `path` whole or not at all. `fsync` also waits until
    the bytes are on disk, for a file that must survive a power cut, not only a crash."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path, mode=mode) as partial, open(partial, "wb") as handle:
        handle.write(raw)
        if fsync:
            handle.flush()
            os.fsync(handle.fileno())


def make_way(path: str | os.PathLike) -> None:
    """Remove what is at `path` before a new file is put there: a file (removed, never
    written into: it may be a hard link into the live site or a cache), or an empty
    folder made ahead for files that no longer come (alerts.build.folders: a page whose
    address was the last build's folder). A folder with files in it stays, and the write
    then fails naming it."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:  # a folder: EISDIR on Linux, EPERM elsewhere
        if not os.path.isdir(path):
            raise
        os.rmdir(path)


def link_or_copy(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Put `source` at `target`, replacing what is there: a hard link where the file system
    allows one (no bytes copied), else a copy (another file system, or links refused).

    Most targets are new files in a fresh staging folder, so the link is tried first and
    the folder made, or the old file removed, only when the link says so: at a thousand
    alerts these calls run ten thousand times a build."""
    source, target = os.fspath(source), os.fspath(target)
    for _ in range(3):
        try:
            os.link(source, target)
            return
        except FileExistsError:  # a link never replaces a file: the old name goes first
            make_way(target)
        except FileNotFoundError:
            if not os.path.exists(source):
                raise
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        except OSError:  # another file system, or links refused
            break
    with replacing(target) as partial:  # a new file renamed over the name, whole
        shutil.copyfile(source, partial)
