"""The only way WeasyPrint reads anything: files of the built site and theme, never the network."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# A fixed table, so a machine's /etc/mime.types cannot change how a resource is read.
MIME_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class Refused(FatalURLFetchingError):
    """A resource the PDF needs but may not or cannot read; stops the render."""

    def __init__(self, url: str, reason: str, hint: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.hint = url, reason, hint


class SandboxFetcher(URLFetcher):
    """Map the site's own URLs to files under fixed roots; refuse everything else."""

    def __init__(self, origin: str, roots: dict[str, str | Path]) -> None:
        # No redirect handler and fail_on_errors: a refusal can never degrade into a warning.
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)
        self.origin = origin
        self.roots = {name: Path(root).resolve() for name, root in roots.items()}
        #: "root:relative/path" -> sha256 of every file read, for the PDF cache.
        self.fetched: dict[str, str] = {}

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)  # self-contained: reads no file, no network
        name, path = self.locate(url)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise Refused(self.shown(url), f"cannot be read ({error.strerror})",
                          "check the file's permissions") from None
        self.fetched[f"{name}:{path.relative_to(self.roots[name]).as_posix()}"] = (
            hashlib.sha256(data).hexdigest())
        mime = MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(url, data, {"Content-Type": mime or "application/octet-stream"})

    def shown(self, url: str) -> str:
        """The URL as a writer would recognise it: site paths start with "/"."""
        return "/" + url[len(self.origin):] if url.startswith(self.origin) else url

    def locate(self, url: str) -> tuple[str, Path]:
        """The root name and the existing file a URL stands for, or raise Refused."""
        parts = urlsplit(url)
        bare = parts._replace(query="", fragment="").geturl()
        if bare.startswith(self.origin):
            name = "output"
            path = self.roots[name] / url2pathname(bare[len(self.origin):])
        elif parts.scheme == "file":
            path = Path(url2pathname(parts.path))
            name = next((n for n, r in self.roots.items() if _inside(path, r)), None)
            if name is None:
                raise Refused(url, "is outside the built site and theme",
                              "put the file in content/ or the theme and link it relatively")
        else:
            raise Refused(url, "is not part of this site; PDFs are built offline and never "
                               "fetch from the network",
                          "save the file under content/ and link it relatively")
        if not _inside(path, self.roots[name]):
            raise Refused(self.shown(url), "leads outside the built site",
                          "link a file inside content/ or the theme")
        path = path.resolve()
        if not path.is_file():
            raise Refused(self.shown(url), "does not exist in the built site",
                          "check the path, and that the file is published with the site")
        return name, path


class NoFetch(URLFetcher):
    """For the plugin's own stylesheets, which are parsed once per worker: they load nothing."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url, headers=None):
        raise Refused(url, "is loaded by a PDF stylesheet, and those may not load files",
                      "style the file from theme/static/css/print.css instead")


def _inside(path: Path, root: Path) -> bool:
    # resolve() follows symlinks, so a link inside the site cannot point out of it.
    return path.resolve().is_relative_to(root)
