"""Photo work done once: what a photo file checked out as, and its clean published copy.

Decoding every pixel (to catch truncated files) and re-encoding without metadata are
the costliest steps of a build; both depend only on the file's bytes. The cache keys
them by a hash of those bytes, so an unchanged photo costs one read and a hard link — not
even the read while the file is the one it was (same size, modification time and
inode: the "stats" section remembers its hash).
Its entries are the photos that checked out ({digest: [format, width, height]}); its
files are the clean copies, named by the digest and the encoding.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from alerts.build.cache import Cache
from alerts.build.filedigests import FileDigests
from alerts.build.files import link_or_copy

#: Change when the published encoding changes, so old copies are not reused.
ENCODING = "1600px q85 progressive no-metadata v1"
#: Change when what an entry records changes.
VERSION = 1


class PhotoCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._cache = Cache(self.folder, "photos", VERSION)
        # A photo that is still the file it was is not read again to learn its digest
        # (a site's photos are hundreds of MB).
        self._digests = FileDigests(self._cache.section("stats"))
        self.encoded = self.reused = 0

    def digest(self, source: Path) -> str:
        return self._digests(source)

    def known(self, source: Path) -> tuple[str, int, int] | None:
        """(format, width, height) of a photo with these bytes that checked out before."""
        entry = self._cache.get(self.digest(source))
        if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str) \
                and all(isinstance(n, int) for n in entry[1:]):
            return tuple(entry)
        return None  # not seen, or not an entry this code wrote: check the photo again

    def remember(self, source: Path, fmt: str, width: int, height: int) -> None:
        self._cache.put(self.digest(source), [fmt, width, height])

    def publish(self, source: Path, suffix: str, destination: Path, encode) -> None:
        """Put the clean copy of `source` at `destination`, encoding it only once;
        `encode(path)` writes the clean copy to path."""
        key = hashlib.sha256(f"{self.digest(source)} {ENCODING}".encode()).hexdigest()
        name = f"{key}{suffix}"
        cached = self._cache.use(name)
        if cached.is_file():
            self.reused += 1
        else:
            with self._cache.writing(name) as partial:  # a killed build leaves no half photo
                encode(partial)
            self.encoded += 1
        link_or_copy(cached, destination)

    def save(self) -> None:
        """Write the manifest and forget photos this build no longer uses."""
        self._cache.prune()
        self._cache.save(stats=self._digests.seen)
