"""Reuse PDFs across builds: a key of everything that shapes one, and the files each one read."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from functools import cache
from importlib.metadata import version
from pathlib import Path

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: Bump when the cache layout changes; the plugin's own code is hashed in automatically.
FORMAT = 2  # 2: PDFs are keyed by their page URL (translations have their own)


@cache
def code_fingerprint() -> str:
    """A digest of this plugin's code and the versions of the libraries that draw the PDF."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for name in ("weasyprint", "pydyf", "segno", "tinycss2", "fonttools"):
        digest.update(f"{name} {version(name)}\n".encode())
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *here.glob("*.css")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def job_key(parts: dict) -> str:
    """The cache key of one PDF: a digest of its page, styles, metadata and options."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((code_fingerprint() + text).encode()).hexdigest()


class PdfCache:
    """The folder of cached PDFs with a manifest of each one's key and the files it read."""

    def __init__(self, folder: Path, roots: dict[str, Path]) -> None:
        self.folder = Path(folder)
        self.roots = {name: Path(root) for name, root in roots.items()}
        self.entries: dict[str, dict] = self._load()
        self._digests: dict[str, str | None] = {}

    def _load(self) -> dict[str, dict]:
        try:
            data = json.loads((self.folder / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return {}  # no cache yet, or a damaged one: render everything
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        return data.get("pdfs", {})

    def path(self, page: str) -> Path:
        """The cached PDF of the alert page at `page` ("alerts/x/es-MX/")."""
        return self.folder / f"{page.strip('/').replace('/', '_')}.pdf"

    def fresh(self, page: str, key: str) -> bool:
        """Whether the cached PDF of `page` was made from this key and unchanged files."""
        entry = self.entries.get(page)
        if not entry or entry.get("key") != key:
            return False
        try:
            if self.path(page).stat().st_size != entry.get("size"):
                return False
        except OSError:
            return False
        return all(self.digest(res) == sha for res, sha in entry.get("resources", {}).items())

    def digest(self, resource: str) -> str | None:
        """The sha256 of a resource ("root:relative/path") as it is now, None if it is gone."""
        if resource not in self._digests:
            name, _, rel = resource.partition(":")
            root = self.roots.get(name)
            try:
                data = (root / rel).read_bytes() if root else None
            except OSError:
                data = None
            self._digests[resource] = hashlib.sha256(data).hexdigest() if data else None
        return self._digests[resource]

    def store(self, page: str, key: str, resources: dict[str, str]) -> None:
        size = self.path(page).stat().st_size
        self.entries[page] = {"key": key, "size": size, "resources": resources}

    def forget(self, page: str) -> None:
        self.entries.pop(page, None)

    def prune(self, pages: set[str]) -> None:
        """Drop the PDFs of alerts that no longer exist, so the cache does not grow forever."""
        for page in set(self.entries) - pages:
            del self.entries[page]
            self.path(page).unlink(missing_ok=True)

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "pdfs": dict(sorted(self.entries.items()))}
        partial = self.folder / f".{MANIFEST}.{os.getpid()}.part"
        partial.write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")
        partial.replace(self.folder / MANIFEST)


def publish(cached: Path, target: Path) -> None:
    """Put a cached PDF into the output: a hard link when possible, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        # The output folder is fresh each build and the cache replaces files by rename,
        # so sharing an inode never lets one change the other.
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)
