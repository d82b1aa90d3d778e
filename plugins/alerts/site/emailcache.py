"""The email editions of the last builds, kept in the cache, so a rebuild renders only the
emails whose alert changed (alerts.site.emailedition).

An email is keyed by its alert's page as this build wrote it (its words, state, deadline,
actions, photo and addresses are all on the page), the alert's own text with its merge
tags as tokens (two tags with the same fallback look alike on the page), and what every
email of the build shares: the edition's settings, its templates and stylesheet, and the
code and libraries that write it. A key seen before puts the kept files in the output by
hard link; anything else renders, and is kept for next time. A page that changes in a way
the email does not show (its countdown words) only renders its email again.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from alerts.build.cache import Cache, code_digest
from alerts.build.filedigests import FileDigests
from alerts.build.files import link_or_copy, write_atomic

#: Bump when what a cached email holds changes; the plugin's code is hashed in below.
FORMAT = 1
_PLUGIN = Path(__file__).resolve().parents[1]


@cache  # once a process: its code and libraries do not change under it
def code_fingerprint() -> str:
    """A digest of the alerts plugin's code and the libraries that write an email."""
    return code_digest(f"format {FORMAT}", _PLUGIN, _PLUGIN.rglob("*.py"),
                       ("css-inline", "babel", "jinja2"))


class EmailCache:
    """The folder of kept email editions: `<key>.html` and `<key>.txt`."""

    def __init__(self, folder: Path, shared: dict) -> None:
        self._cache = Cache(folder, "email", FORMAT)
        self.shared = hashlib.sha256(
            (code_fingerprint() + json.dumps(shared, sort_keys=True)).encode()).hexdigest()
        # The pages' digests, by their place in the site: the output is another staging
        # folder every build, and a page carried from the last build is not read again.
        self._pages = FileDigests(self._cache.section("pages"))
        self.rendered = self.reused = 0

    def key(self, page: Path, name: str, tagged: tuple[str, ...]) -> str:
        """The key of the email of the alert whose page is the file `page`, at `name` in
        the site."""
        digest = hashlib.sha256(self.shared.encode())
        digest.update(self._pages(page, name).encode())
        digest.update(json.dumps(tagged).encode())
        return digest.hexdigest()

    def reuse(self, key: str, html: Path, text: Path) -> bool:
        """Put the kept edition of `key` at `html` and `text`, if there is one."""
        kept = [self._cache.path(f"{key}.{kind}") for kind in ("html", "txt")]
        if not all(path.is_file() for path in kept):
            return False
        for source, target in zip(kept, (html, text), strict=True):
            link_or_copy(self._cache.use(source.name), target)
        self.reused += 1
        return True

    def store(self, key: str, html: str, text: str) -> tuple[Path, Path]:
        """Keep a rendered edition; the files to put in the output."""
        paths = []
        for kind, data in (("html", html), ("txt", text)):
            path = self._cache.use(f"{key}.{kind}")
            write_atomic(path, data.encode("utf-8"))
            paths.append(path)
        self.rendered += 1
        return paths[0], paths[1]

    def finish(self) -> None:
        """Drop the editions this build did not use, and save the manifest."""
        self._cache.prune()
        self._cache.save(pages=self._pages.seen)
