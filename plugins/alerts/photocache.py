"""Photo work done once: what a photo file checked out as, and its clean published copy.

Decoding every pixel (to catch truncated files) and re-encoding without metadata are
the costliest steps of a build; both depend only on the file's bytes. The cache keys
them by a hash of those bytes, so an unchanged photo costs one read and a hard link.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

#: Change when the published encoding changes, so old copies are not reused.
ENCODING = "1600px q85 progressive no-metadata v1"


class PhotoCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self.manifest_path = folder / "manifest.json"
        try:
            self.checked = json.loads(self.manifest_path.read_text("utf-8"))
        except (OSError, ValueError):
            self.checked = {}
        self._digests: dict[Path, str] = {}
        self._used: set[str] = set()  # cached files this build published
        self.encoded = self.reused = 0

    def digest(self, source: Path) -> str:
        if source not in self._digests:
            self._digests[source] = hashlib.sha256(source.read_bytes()).hexdigest()
        return self._digests[source]

    def known(self, source: Path) -> tuple[str, int, int] | None:
        """(format, width, height) of a photo with these bytes that checked out before."""
        entry = self.checked.get(self.digest(source))
        return tuple(entry) if entry else None

    def remember(self, source: Path, fmt: str, width: int, height: int) -> None:
        self.checked[self.digest(source)] = [fmt, width, height]

    def publish(self, source: Path, suffix: str, destination: Path, encode) -> None:
        """Put the clean copy of `source` at `destination`, encoding it only once."""
        key = hashlib.sha256(f"{self.digest(source)} {ENCODING}".encode()).hexdigest()
        cached = self.folder / f"{key}{suffix}"
        self._used.add(cached.name)
        if cached.is_file():
            self.reused += 1
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f".{cached.name}.{os.getpid()}")
            encode(partial)
            os.replace(partial, cached)  # a killed build never leaves half a photo
            self.encoded += 1
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.unlink(missing_ok=True)
        try:
            os.link(cached, destination)
        except OSError:  # another file system
            shutil.copyfile(cached, destination)

    def save(self) -> None:
        """Write the manifest and forget photos this build no longer uses."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for path in self.folder.iterdir():
            if path.name not in self._used and path != self.manifest_path:
                path.unlink(missing_ok=True)
        seen = set(self._digests.values())
        checked = {k: v for k, v in self.checked.items() if k in seen}
        partial = self.manifest_path.with_name(f".manifest.{os.getpid()}")
        partial.write_text(json.dumps(checked, sort_keys=True), "utf-8")
        os.replace(partial, self.manifest_path)
