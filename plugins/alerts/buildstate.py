"""What one build knows beyond a single file: "now", every alert, every problem.

Pelican runs plugins as signal handlers with no shared object of their own, so the
alerts plugin keeps one BuildState per build, made fresh when Pelican initialises.
The sharing and print plugins read it at `finalized` to draw cards and PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .model import Alert, AlertImage
from .photocache import PhotoCache
from .problems import Problems


@dataclass
class BuildState:
    now: datetime  # aware UTC; SOURCE_DATE_EPOCH or the clock, read once
    settings: dict
    output_path: Path
    photos: PhotoCache | None = None  # checked and re-encoded photos, kept between builds
    alerts: list[Alert] = field(default_factory=list)
    #: Photos to publish without metadata: (the page's folder, the image).
    images: list[tuple[str, AlertImage]] = field(default_factory=list)
    alert_files: set[str] = field(default_factory=set)  # every alert file read, good or bad
    problems: Problems = field(default_factory=Problems)


_current: BuildState | None = None


def start(state: BuildState) -> BuildState:
    global _current
    _current = state
    return state


def current() -> BuildState:
    if _current is None:
        raise RuntimeError("no build is running: the alerts plugin was not initialised")
    return _current


def reset() -> None:
    global _current
    _current = None
