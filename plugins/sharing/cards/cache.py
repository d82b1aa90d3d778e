"""Card cache: a digest of all that shapes a card, a manifest beside the cards, a drawing pool."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import site
import sys
import threading
import time
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import features

from alerts.build.cache import MANIFEST as MANIFEST  # the manifest's name, for tests and bench/
from alerts.build.cache import Cache
from alerts.build.filedigests import FileDigests
from alerts.build.files import write_atomic
from alerts.build.pools import WorkerPool
from sharing.cards import draw as cards
from sharing.cards.text import ELLIPSIS

log = logging.getLogger(__name__)

#: Raise to redraw every card when the cache format itself changes.
CACHE_VERSION = 1
#: Starting two worker processes costs about as much as drawing a handful of cards, so
#: fewer cards than this are drawn in this process.
POOL_MIN = 4
LAYOUT_KEYS_WITHOUT_PIXELS = ("enabled", "workers")


@dataclass(frozen=True)
class CardJob:
    """One card: where it goes (from the site root, without extension) and what it shows."""

    name: str
    spec: cards.CardSpec
    layout: dict = field(hash=False, compare=False)


@dataclass
class RenderResult:
    """What a render did: each job's cached file, how many cards were drawn and how fast."""

    files: dict[str, Path]
    drawn: int = 0
    reused: int = 0
    workers: int = 0  # processes in the pool; 0 when drawn here or not at all
    pids: set[int] = field(default_factory=set)  # the processes that drew
    ms_per_card: float = 0.0  # mean time to draw and encode one card, in the process that drew it
    seconds: float = 0.0  # wall time of the whole render


@lru_cache(maxsize=1)  # once a process: its code and libraries do not change under it
def code_version() -> str:
    """A digest of the drawing code and the libraries whose output shapes the pixels."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in ("coverage.py", "draw.py", "fonts.py", "text.py"):
        h.update((here / name).read_bytes())
    for lib in ("freetype2", "raqm", "fribidi", "harfbuzz", "jpg", "zlib", "webp"):
        h.update(f"{lib}={features.version(lib)};".encode())
    h.update(PIL.__version__.encode())
    return h.hexdigest()


def digest(job: CardJob, files: FileDigests, layouts: dict | None = None) -> str:
    """The cache key of a card: its text, photo, logo, layout, the fonts that draw it, the
    code. `layouts` keeps each layout's JSON for the next job: every alert has the same."""
    spec = job.spec
    title_text = spec.title + spec.header + ELLIPSIS
    text_text = "".join(t for t, _ in spec.lines) + ELLIPSIS
    fonts = []
    for chain, text in ((spec.title_fonts, title_text), (spec.text_fonts, text_text)):
        used = chain.used(text)
        fonts.append([[files(f.path), f.index] for f in chain.fonts if f in used])
    payload = {
        "version": CACHE_VERSION,
        "code": code_version(),
        "text": [spec.title, spec.header, spec.lines, spec.lang],
        "photo": spec.photo and files(spec.photo),
        "logo": spec.logo and files(spec.logo),
        "fonts": fonts,
        "layout": _layout_json(job.layout, {} if layouts is None else layouts),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _layout_json(layout: dict, known: dict) -> str:
    kept = known.get(id(layout))
    if kept is None or kept[0] is not layout:
        shown = {k: v for k, v in layout.items() if k not in LAYOUT_KEYS_WITHOUT_PIXELS}
        kept = known[id(layout)] = (layout, json.dumps(shown, sort_keys=True,
                                                       ensure_ascii=False, default=str))
    return kept[1]


def render(jobs: list[CardJob], cache_dir: Path, workers: int = 0) -> RenderResult:
    """Draw the cards whose digest is not in cache_dir yet; return where every job's card is."""
    started = time.perf_counter()
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Entries: each card's name ("alerts/x/card") and its file, named by its digest.
    cache = Cache(cache_dir, "cards", CACHE_VERSION)
    files = FileDigests(cache.section("files"))
    result = RenderResult(files={})
    todo: dict[Path, CardJob] = {}
    layouts: dict = {}
    for job in jobs:
        ext = cards.FORMATS[cards.card_format(job.spec, job.layout)][0]
        name = f"{digest(job, files, layouts)}.{ext}"
        cache.put(job.name, name)
        path = result.files[job.name] = cache.use(name)
        if not path.exists():
            todo.setdefault(path, job)  # two alerts may look the same: draw once
    result.reused = len(jobs) - len(todo)
    result.drawn = len(todo)
    if todo:
        done = _draw_all(todo, workers, result)
        result.ms_per_card = sum(ms for ms, _ in done) / len(done)
        result.pids = {pid for _, pid in done}
    result.seconds = time.perf_counter() - started
    cache.prune()  # cards no job uses any more
    # bench/ reads the counts of the last render (asdict would copy every file's path first)
    cache.save(files=files.seen, last_render={
        f.name: getattr(result, f.name) for f in fields(result)
        if f.name not in ("files", "pids")})
    log.info("cards: drew %d, reused %d, %.1f ms per card drawn, %d workers, %.2f s",
             result.drawn, result.reused, result.ms_per_card, result.workers, result.seconds)
    return result


def _draw_all(todo: dict[Path, CardJob], workers: int, result: RenderResult) -> list[tuple]:
    workers = workers or os.cpu_count() or 1
    # Cards that share a photo one after another: in the same chunk, one worker decodes
    # and darkens the photo once and draws them all on it (cards.photo_background).
    todo = dict(sorted(todo.items(), key=lambda item: (item[1].spec.photo or "", item[0])))
    if len(todo) < POOL_MIN or workers < 2:
        return [draw_one(job, str(path)) for path, job in todo.items()]
    result.workers = min(workers, len(todo))
    chunk = max(1, len(todo) // (result.workers * 4))
    # The folder this package is imported from, so a spawned worker can unpickle jobs.
    root = str(Path(__file__).resolve().parents[__name__.count(".")])
    with WorkerPool(result.workers, _context(), site.addsitedir, (root,)) as pool:
        paths = [str(p) for p in todo]
        return list(pool.map(draw_one, todo.values(), paths, chunksize=chunk))


def _context():
    # fork starts a worker in milliseconds with Pillow, the drawing code and the fonts'
    # coverage already loaded, and is safe while this process runs a single thread
    # (a plain build). With threads (pelican --listen) a forked child could inherit a
    # held lock, so workers then start from a clean forkserver process instead, which
    # imports the drawing code once.
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def draw_one(job: CardJob, path: str) -> tuple[float, int]:
    """Draw, encode and store one card; returns the milliseconds it took and who drew it."""
    started = time.perf_counter()
    image = cards.draw(job.spec, job.layout)
    data, _ = cards.encode(image, job.spec, job.layout)
    elapsed = (time.perf_counter() - started) * 1000
    write_atomic(path, data)  # a card in the cache is always whole
    return elapsed, os.getpid()
