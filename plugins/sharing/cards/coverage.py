"""Which code points a card font has, read from its cmap once and kept between builds.

Reading the cmaps of the two shipped fonts (and importing fontTools to do it) costs a
build about 120 ms, every build, though the fonts never change. So what each face covers
is kept in CACHE_PATH/fonts/ as ranges of code points, with the file's size, modification
time and inode, and trusted while all three are the same: the rule, and its one blind
spot, of alerts.build.filedigests. A kept record that is damaged, or a manifest of
another version, is not trusted: the cmap is read again.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from alerts.build import state as buildstate
from alerts.build.cache import Cache
from alerts.build.filedigests import file_stamp

if TYPE_CHECKING:
    from sharing.cards.fonts import FontFile

log = logging.getLogger(__name__)

KIND, VERSION = "font coverage", 1
#: The running build's kept coverage, set by the cards step; None: read every font.
_kept: Cache | None = None


def use_cache(folder: Path | None) -> None:
    """Keep what fonts cover in `folder`, for this build (None: keep nothing)."""
    global _kept
    _kept = Cache(folder, KIND, VERSION) if folder is not None else None


buildstate.on_reset(lambda: use_cache(None))


def save() -> None:
    """Write what this build learnt, leaving out the fonts gone or changed since."""
    if _kept is None:
        return
    _kept.entries = {name: record for name, record in sorted(_kept.entries.items())
                     if isinstance(record, list) and record[:3] == _stamp(name.split("\0")[0])}
    _kept.save()


# Asked for every character drawn, so each face is looked up once a process.
@cache
def coverage(font: FontFile) -> frozenset[int]:
    """Code points the face maps to a glyph, read from its cmap; empty if it has no outlines."""
    name = f"{font.path}\0{font.index}"
    stamp = _stamp(font.path)
    record = _kept.get(name) if _kept is not None else None
    if stamp and isinstance(record, list) and len(record) == 4 and record[:3] == stamp:
        points = _points(record[3])
        if points is not None:
            return points
    points = _read(font)
    if _kept is not None and stamp:
        _kept.put(name, [*stamp, _ranges(points)])
    return points


def _stamp(path: str) -> list[int] | None:
    try:
        return file_stamp(path)
    except OSError:
        return None


def _read(font: FontFile) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    number = font.index if font.path.lower().endswith(".ttc") else -1
    try:
        with TTFont(font.path, fontNumber=number, lazy=True) as face:
            # Bitmap-only faces (colour emoji) cannot be drawn at any size.
            if not any(tag in face for tag in ("glyf", "CFF ", "CFF2")):
                return frozenset()
            return frozenset(face.getBestCmap() or ())
    except Exception as exc:  # a broken font file must not stop the build
        log.warning("cards: cannot read font %s: %s", font.path, exc)
        return frozenset()


def _ranges(points: frozenset[int]) -> list[int]:
    """[first, last, first, last, ...]: a font's few thousand code points in a few hundred
    numbers."""
    flat: list[int] = []
    for point in sorted(points):
        if flat and flat[-1] == point - 1:
            flat[-1] = point
        else:
            flat += [point, point]
    return flat


def _points(flat) -> frozenset[int] | None:
    """The code points `_ranges` kept, or None when the record is not what it wrote."""
    if not isinstance(flat, list) or len(flat) % 2 or not all(
            type(n) is int and 0 <= n <= 0x10FFFF for n in flat):
        return None
    return frozenset(p for first, last in zip(flat[::2], flat[1::2], strict=True)
                     for p in range(first, last + 1))
