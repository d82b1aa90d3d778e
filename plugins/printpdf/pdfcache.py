"""Reuse PDFs across builds: a key of everything that shapes one, and the files each one read."""

from __future__ import annotations

import errno
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alerts.build.cache import Cache, code_digest
from alerts.build.filedigests import FileDigests
from alerts.build.files import link_or_copy

#: Bump when the cache layout changes; the plugin's own code is hashed in automatically.
#: 2: PDFs are keyed by their page URL (translations have their own); 3: alerts.build.cache's
#: manifest; 4: letters' PDFs, and each entry's page count; 5: what each PDF saw of its page;
#: 6: the print-size photos each PDF embedded.
FORMAT = 6
#: The subfolder of photos resized to their printed size (printphotos.py).
PHOTOS = "print-photos"


@cache  # once a process: its code and libraries do not change under it
def code_fingerprint() -> str:
    """A digest of this plugin's code and the versions of the libraries that draw the PDF."""
    here = Path(__file__).parent
    return code_digest(f"format {FORMAT}", here, [*here.glob("*.py"), *here.glob("*.css")],
                       ("weasyprint", "pydyf", "segno", "tinycss2", "fonttools"))


def job_key(parts: dict) -> str:
    """The cache key of one PDF: a digest of its page, styles, metadata and options."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((code_fingerprint() + text).encode()).hexdigest()


@dataclass(frozen=True)
class Seen:
    """What a PDF saw of its page: the page file's digest, and the digest and stylesheet
    links of what sanitize.prepare keeps of it. The manifest remembers it per page, so a
    page with the same bytes as before is not parsed again to learn its PDF's key."""

    page: str
    html: str
    links: tuple[str, ...]


class PdfCache:
    """The folder of cached PDFs (alerts.build.cache), one file per page (an alert's, a
    letter's), each entry with the key it was made from, its size, its number of pages,
    the digests of the files it read and the print-size photos it embedded."""

    def __init__(self, folder: Path, roots: dict[str, Path]) -> None:
        self.folder = Path(folder)
        self.roots = {name: Path(root) for name, root in roots.items()}
        self._cache = Cache(self.folder, "pdfs", FORMAT)
        # By resource name: the output root is another staging folder every build.
        self._files = FileDigests(self._cache.section("files"))

    @property
    def photos(self) -> Path:
        """Where photos resized to their printed size are kept, for every PDF."""
        return self.folder / PHOTOS

    @property
    def entries(self) -> dict[str, dict]:
        """Each page's entry: {"key", "size", "pages", "resources", "photos", "seen"}."""
        return self._cache.entries

    def path(self, page: str) -> Path:
        """The cached PDF of the page at `page` ("alerts/x/es-MX/", "alerts/x/letters/a-b/")."""
        return self._cache.path(_file_name(page))

    def fresh(self, page: str, key: str) -> bool:
        """Whether the cached PDF of `page` was made from this key and unchanged files."""
        entry = self._cache.entries.get(page)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        try:
            if self.path(page).stat().st_size != entry.get("size"):
                return False
        except OSError:
            return False
        resources = entry.get("resources")
        return isinstance(resources, dict) and all(
            self.digest(res) == sha for res, sha in resources.items())

    def digest(self, resource: str) -> str | None:
        """The sha256 of a resource ("root:relative/path") as it is now, None if it is gone."""
        try:
            return self.file_digest(resource)
        except OSError:
            return None

    def file_digest(self, resource: str) -> str:
        """As `digest`, but a file that cannot be read raises OSError (with its reason)."""
        name, _, rel = resource.partition(":")
        if name not in self.roots:
            raise FileNotFoundError(errno.ENOENT, f"no folder is named {name!r}")
        return self._files(self.roots[name] / rel, resource)

    def pages(self, page: str) -> int | None:
        """How many pages the cached PDF of `page` has, if its entry says."""
        entry = self._cache.entries.get(page)
        count = entry.get("pages") if isinstance(entry, dict) else None
        return count if isinstance(count, int) and not isinstance(count, bool) else None

    def store(self, page: str, key: str, resources: dict[str, str], *,
              pages: int | None = None, seen: Seen | None = None,
              photos: tuple[str, ...] = ()) -> None:
        size = self.path(page).stat().st_size
        self._cache.put(page, {"key": key, "size": size, "pages": pages,
                               "resources": resources, "photos": list(photos)})
        if seen is not None:
            self.saw(page, seen)

    def prepared(self, page: str, page_digest: str) -> Seen | None:
        """What the PDF of `page` saw of it when the page file had this digest, if known."""
        entry = self._cache.entries.get(page)
        seen = entry.get("seen") if isinstance(entry, dict) else None
        try:
            if seen["page"] == page_digest:
                return Seen(seen["page"], seen["html"], tuple(seen["links"]))
        except (TypeError, KeyError):
            pass  # another shape: parse the page again
        return None

    def saw(self, page: str, seen: Seen) -> None:
        """Remember what the cached PDF of `page` saw of the page as it is now."""
        entry = self._cache.get(page)
        if isinstance(entry, dict):
            entry["seen"] = {"page": seen.page, "html": seen.html, "links": list(seen.links)}

    def forget(self, page: str) -> None:
        self._cache.drop(page)

    def prune(self, pages: set[str]) -> None:
        """Drop the PDFs of pages that no longer exist, and the print-size photos no PDF
        left embeds (a replaced photo, a changed layout), so the cache does not grow
        forever."""
        for page in pages:
            self._cache.get(page)
            self._cache.use(_file_name(page))
        self._cache.prune()
        embedded = set()
        for entry in self._cache.entries.values():
            photos = entry.get("photos") if isinstance(entry, dict) else None
            if isinstance(photos, list):
                embedded.update(name for name in photos if isinstance(name, str))
        self._cache.prune_folder(PHOTOS, embedded)

    def save(self) -> None:
        self._cache.save(files=self._files.seen)


def _file_name(page: str) -> str:
    return f"{page.strip('/').replace('/', '_')}.pdf"


#: Put a cached PDF into the output: a hard link when possible, else a copy. The output
#: folder is fresh each build and the cache replaces files by rename, so sharing an
#: inode never lets one change the other.
publish = link_or_copy
