"""Pages carried from the previous build instead of rendered again.

Every page Pelican's writer would render gets a key: a digest of the build's shape (our
code and the libraries it uses, the settings), of the sources of its template and of the
templates that one extends, includes and imports, and of every value they can read —
the variables they name (found by Jinja's own analysis), looked up as the template
would, and whatever the writer is handed for the page. The manifest in `.cache/pages/` keeps,
for each page, the key it was rendered with, the files that render wrote, and the clock's
answers it used (see `noted`).

When a page's key and each of those answers are the same in this build, and each of its
files is still, in the live output, the very file that build wrote (same inode, size and
modification time), the files are hard-linked into the staging folder instead of
rendered. Anything else — a changed value, a new template, a hand-edited output file, a
manifest that is missing, damaged or from another version — renders the page, so a
carried page is always byte for byte what rendering it would give. Set
ALERTS_VERIFY_INCREMENTAL=1 to render carried pages anyway and fail the build where one
differs (the test suite does, across a matrix of changes).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import jinja2.meta

from alerts.authoring import deadline
from alerts.build.cache import Cache
from alerts.build.config import CHECK_ONLY, SPARE_STAGING
from alerts.build.files import link_or_copy, make_way
from alerts.build.fingerprint import Fingerprints, Uncarryable, build_digest
from alerts.build.folders import FoldersAhead

logger = logging.getLogger(__name__)

#: Change when what an entry records, or how a key is made, changes.
FORMAT = 1
VERIFY = "ALERTS_VERIFY_INCREMENTAL"


def verifying() -> bool:
    """Whether ALERTS_VERIFY_INCREMENTAL asks to render what would be carried, and compare."""
    return os.environ.get(VERIFY, "") not in ("", "0")

_MISSING = object()


class Pages:
    """One build's page keys, carries and renders, against the manifest of the last."""

    def __init__(self, cache_folder: Path, previous: Path | None, staging: Path,
                 settings: dict, now: datetime) -> None:
        self.cache = Cache(cache_folder, "pages", FORMAT)
        self.previous, self.staging, self.now = previous, staging, now
        # The same folders as text: joined with os.path for each of ten thousand files.
        self._previous = os.fspath(previous) if previous is not None else None
        self._staging = os.fspath(staging)
        self._folders = None
        # Folders are made ahead unless the replaced site's are there already.
        if previous is not None and not settings.get(CHECK_ONLY) \
                and not settings.get(SPARE_STAGING):
            self._folders = FoldersAhead(self._staging, _folders_of(self.cache.entries))
        self.settings = settings
        self.fingerprints = Fingerprints(settings)
        self.verify = verifying()
        self._shape: str | None = None
        self.rendered = self.carried = 0
        #: A template reads the build's "now" itself (or cannot say what it reads): its
        #: pages may change with every build (alerts.build.unchanged).
        self.reads_clock = False
        self._templates: dict[str, dict] = {}
        self._answers: dict[str, tuple | None] = {}  # _template's, by template name
        self._probes: list | None = None
        self._written: dict[str, list[str]] = {}  # page -> files its render wrote

    # -- keys --------------------------------------------------------------------------

    def key(self, template, context: dict, call: dict) -> str | None:
        """The key of one page: `context` is what its template is rendered with (the
        site's context and what the generator handed the writer for this page), `call`
        the writer's own arguments. None: the page cannot be carried (a template with a
        computed include, a body with links Pelican fills in per build)."""
        found = self._template(template)
        if found is None:
            return None
        looked_up, sources = found
        fp, globals_ = self.fingerprints.of, template.environment.globals
        parts = [self.shape, template.name or "", sources]
        try:
            parts += [f"{k}={fp(v)}" for k, v in sorted(call.items())]
            for name in looked_up:
                value = context.get(name, globals_.get(name, _MISSING))
                if value is not _MISSING:
                    parts.append(f"{name}={fp(value)}")
        except Uncarryable:
            return None
        return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _template(self, template) -> tuple[tuple[str, ...], str] | None:
        """Every variable `template` and the templates it pulls in can read (as
        `_looked_up` gives them), and a digest of their sources: a page is rendered again
        when one of them is edited, and only then. Jinja's analysis costs more than
        carrying a thousand pages, so its answer is kept in the manifest with the sources
        it read; the answer is worked out once a build for each template."""
        name = template.name
        if name not in self._answers:
            self._answers[name] = self._analysed(template)
        return self._answers[name]

    def _analysed(self, template) -> tuple[tuple[str, ...], str] | None:
        name = template.name
        if name not in self._templates:
            env = template.environment
            kept = self.cache.section("templates").get(name)
            found = _still(env, kept) if isinstance(kept, dict) else None
            if found is None:
                found = _analyse(env, name)
            self._templates[name] = found
        found = self._templates[name]
        if found["names"] is None:
            self.reads_clock = True
            return None
        if "now" in found["names"]:
            self.reads_clock = True
        sources = hashlib.sha256(repr(sorted(found["sources"].items())).encode()).hexdigest()
        return _looked_up(frozenset(found["names"])), sources

    @property
    def shape(self) -> str:
        """Code, libraries and settings (fingerprint.build_digest), once a build; asked
        first by the first file read (alerts.build.parsecache), when Pelican's readers
        have filled in the settings they fill in."""
        if self._shape is None:
            self._shape = build_digest(self.settings)
        return self._shape

    # -- carrying ----------------------------------------------------------------------

    def carryable(self, page: str, key: str | None) -> list[str] | None:
        """The files of `page` when its key and clock answers hold and the live output
        still has each as the last build wrote it; None: render the page."""
        files = self._still_there(page, key)
        if files is None or self.verify:
            return None  # with verify: render it, and compare in `rendered_files`
        return files

    def _still_there(self, page: str, key: str | None) -> list[str] | None:
        """The files of `page` if its key and clock answers hold and the live output has
        each as the last build wrote it."""
        record = self.cache.get(page)
        if key is None or self.previous is None or not isinstance(record, dict) \
                or record.get("key") != key or not self._answers_hold(record.get("probes")):
            return None
        files = record.get("files")
        if not isinstance(files, list) or not files \
                or not all(_same_file(self._previous, entry) for entry in files):
            return None
        return [entry[0] for entry in files]

    def carry(self, page: str, files: list[str]) -> None:
        """Link the files `carryable` gave from the live output into staging."""
        for name in files:
            link_or_copy(os.path.join(self._previous, name), os.path.join(self._staging, name))
        self.carried += 1
        self._written[page] = files

    def write(self, name: str, data: bytes) -> None:
        """Put a file a step made (an oEmbed answer, a calendar) at `name` in staging:
        linked from the live output when the last build wrote these very bytes there,
        written otherwise — the bytes are the key."""
        key = "bytes:" + hashlib.sha256(data).hexdigest()
        if self.carryable(name, key) == [name]:
            link_or_copy(os.path.join(self._previous, name), os.path.join(self._staging, name))
        else:
            path = self.staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            make_way(path)  # never written through a link into the live site
            path.write_bytes(data)
            self.cache.put(name, {"key": key, "probes": [], "files": [name]})
        self._written[name] = [name]

    def _answers_hold(self, probes) -> bool:
        if not isinstance(probes, list):
            return False
        for probe in probes:
            if not (isinstance(probe, list) and len(probe) == 4 and probe[0] == "time_left"):
                return False
            _, moment, lang, words = probe
            when = datetime.fromtimestamp(moment, UTC)
            if deadline.time_left(when, self.now, lang) != words:
                return False
        return True

    # -- rendering ---------------------------------------------------------------------

    def rendering(self, page: str) -> None:
        """A page is about to be rendered: record the clock answers it uses."""
        self._probes = []

    def noted(self, kind: str, moment: datetime, lang: str | None, words: str) -> None:
        """A template asked the clock (the time_left filter): the page's words hold only
        while the same question gets the same answer."""
        if self._probes is not None:
            self._probes.append([kind, moment.timestamp(), lang, words])

    def rendered_files(self, page: str, key: str | None, files: list[str]) -> None:
        """The page was rendered into `files` (paths under staging)."""
        probes, self._probes = self._probes or [], None
        self.rendered += 1
        logger.debug("alerts: pages: rendered %s", page)
        relative = [os.path.relpath(f, self.staging) for f in files]
        if self.verify:
            self._compare(page, key, relative)
        if key is None:
            self.cache.drop(page)
            return
        self.cache.put(page, {"key": key, "probes": probes, "files": relative})
        self._written[page] = relative

    def _compare(self, page: str, key: str | None, relative: list[str]) -> None:
        if self._still_there(page, key) is None:
            return  # it would have been rendered anyway
        for name in relative:
            old, new = self.previous / name, self.staging / name
            if not old.is_file() or old.read_bytes() != new.read_bytes():
                logger.error("alerts: incremental: %s would have been carried from the last "
                             "build but renders differently now; what it shows is missing "
                             "from its key (alerts.build.fingerprint)", name)

    # -- the build's end ---------------------------------------------------------------

    def save(self, keep: bool = True) -> None:
        """Record, for every page of this build, its files as they are now in staging
        (what the next build checks in the live output), and forget other pages. A
        build that will not replace the live output (`keep` False: it failed, or it only
        checks) leaves the manifest as it was: it still describes that output."""
        logger.info("alerts: pages: %d rendered, %d carried", self.rendered, self.carried)
        if self._folders is not None:
            self._folders.finish()
        if not keep:
            return
        for page, files in self._written.items():
            record = self.cache.entries.get(page)
            if not isinstance(record, dict):
                continue
            stats = []
            for name in files:
                try:
                    st = os.stat(os.path.join(self._staging, name))
                except OSError:
                    stats = None
                    break
                stats.append([name, st.st_ino, st.st_size, st.st_mtime_ns])
            if stats:
                record["files"] = stats
            else:
                self.cache.drop(page)
        for page in list(self.cache.entries):
            if page not in self._written:
                self.cache.drop(page)
        self.cache.prune()
        self.cache.save(templates=self._templates)


def _analyse(env, name: str) -> dict:
    """{"names": the undeclared variables of template `name` and of every template it
    extends, includes or imports (None when one is named only at render time, so what
    it reads cannot be known), "sources": {template: digest of its source}}."""
    names: set[str] = set()
    sources: dict[str, str] = {}
    waiting = [name]
    while waiting:
        current = waiting.pop()
        if current in sources:
            continue
        source = env.loader.get_source(env, current)[0]
        sources[current] = _digest(source)
        tree = env.parse(source)
        names |= jinja2.meta.find_undeclared_variables(tree)
        for ref in jinja2.meta.find_referenced_templates(tree):
            if ref is None:
                return {"names": None, "sources": sources}
            waiting.append(ref)
    return {"names": sorted(names), "sources": sources}


def _still(env, kept: dict) -> dict | None:
    """A kept analysis, if every source it read is as it was."""
    sources = kept.get("sources")
    if not isinstance(sources, dict) or not sources or not (
            kept.get("names") is None or isinstance(kept.get("names"), list)):
        return None
    for name, digest in sources.items():
        try:
            if _digest(env.loader.get_source(env, name)[0]) != digest:
                return None
        except Exception:  # a template gone or unreadable: analyse again
            return None
    return kept


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=64)  # a handful of templates, asked for every page
def _looked_up(names: frozenset[str]) -> tuple[str, ...]:
    """The values a page's key covers for a template that reads `names`, in order.
    Pelican's writer hands a template `articles_page`, `dates_paginator`… made from
    `articles` and `dates`: a template that reads those reads the lists."""
    sources = {source for source in ("articles", "dates")
               if any(n.startswith(source + "_") for n in names)}
    return tuple(sorted(names | sources))


def _folders_of(entries: dict) -> Iterator[str]:
    """The folders the last build wrote each page's files into."""
    for record in entries.values():
        files = record.get("files") if isinstance(record, dict) else None
        for entry in files if isinstance(files, list) else ():
            if isinstance(entry, list) and entry and isinstance(entry[0], str):
                yield os.path.dirname(entry[0])


def _same_file(folder: str, entry) -> bool:
    if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str)):
        return False
    name, ino, size, mtime = entry
    if name.startswith(("/", "..")) or "/../" in name:
        return False
    try:
        st = os.stat(os.path.join(folder, name))
    except OSError:
        return False
    return (st.st_ino, st.st_size, st.st_mtime_ns) == (ino, size, mtime)
