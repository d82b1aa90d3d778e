"""What one build knows beyond a single file: "now", every alert, every problem.

Pelican runs plugins as signal handlers with no shared object of their own, so the
alerts plugin keeps one BuildState per build, made fresh when Pelican initialises
(`start`) and dropped by the build when it ends (`reset`). Each step of the pipeline is
handed it.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from alerts.authoring.model import Alert, AlertImage
from alerts.build.photocache import PhotoCache
from alerts.build.problems import Problems
from alerts.site.urls import SiteURLs

logger = logging.getLogger(__name__)


@dataclass
class BuildState:
    now: datetime  # aware UTC; SOURCE_DATE_EPOCH or the clock, read once
    settings: dict
    output_path: Path
    urls: SiteURLs | None = None  # where every page and file lives
    photos: PhotoCache | None = None  # checked and re-encoded photos, kept between builds
    alerts: list[Alert] = field(default_factory=list)
    #: Drafts and their translations (built under drafts/, listed nowhere), each once.
    drafts: list[Alert] = field(default_factory=list)
    #: Photos to publish without metadata: (the page's folder, the image).
    images: list[tuple[str, AlertImage]] = field(default_factory=list)
    alert_files: set[str] = field(default_factory=set)  # every alert file read, good or bad
    #: Slugs of alert files that could not be published: their translations are not
    #: "without an original", the original is broken (and reported).
    failed_slugs: set[str] = field(default_factory=set)
    problems: Problems = field(default_factory=Problems)
    #: Alerts dated after "now", read and checked but not published, each with the
    #: moment it appears (a translation's is its original's when that is later).
    scheduled: list[tuple[Alert, datetime]] = field(default_factory=list)
    #: Every plugin's steps, in the order they run (alerts.build.pipeline).
    steps: tuple = ()
    #: Pages carried from the last build or rendered (alerts.build.carry.Pages).
    pages: object = None
    #: Parses kept from earlier builds (alerts.build.parsecache.ParseCache).
    parses: object = None
    #: Answers the clock gave beyond the pages' "… left" (alerts.build.carry): what
    #: alerts.build.unchanged asks again, e.g. ("today", zone, "2026-12-03").
    clock: set = field(default_factory=set)
    #: Work a step started for a later step to finish, by name (the search index): the
    #: later step pops it; what is left when the build ends is stopped (`stop_background`).
    background: dict = field(default_factory=dict)


_current: BuildState | None = None
#: The functions that drop what modules keep of a build outside BuildState (on_reset).
_resets: list[Callable[[], None]] = []


def start(state: BuildState) -> BuildState:
    global _current
    _current = state
    return state


def current() -> BuildState:
    if _current is None:
        raise RuntimeError("no build is running: the alerts plugin was not initialised")
    return _current


def on_reset(forget: Callable[[], None]) -> None:
    """Have `reset` call `forget`: for a module that must keep something of a build where
    no BuildState reaches (a Jinja global, a worker process), so no build sees another's."""
    if forget not in _resets:
        _resets.append(forget)


def stop_background() -> None:
    """Stop the work steps started for later steps that never ran, as when the build
    failed between them: each has a `cancel()`. alerts.build.staging calls it as each
    build ends."""
    while _current is not None and _current.background:
        name, work = _current.background.popitem()
        try:
            work.cancel()
        except OSError as error:  # the build's own outcome is what it reports
            logger.warning("alerts: %s: stopping it left something behind: %s", name, error)


#: Whether this build froze what it had read (`freeze_read`), to unfreeze it as it ends.
_froze = False


def freeze_read() -> None:
    """Keep what the build has read so far (alerts, pages, templates, Pelican's objects)
    out of Python's cycle collector until the build ends (`unfreeze`): it lives that long
    anyway, and each full collection in the steps walked all of it again (76 ms of a
    one-edit build's cards step at 1000 alerts). Workers forked meanwhile inherit the
    same. The plugin's "listed" phase calls it, once every file is read."""
    global _froze
    if not gc.get_freeze_count():
        gc.freeze()
        _froze = True


def unfreeze() -> None:
    """Give what `freeze_read` froze back to the collector; what became garbage meanwhile
    is collected with the next full collection."""
    global _froze
    if _froze:
        gc.unfreeze()
        _froze = False


def reset() -> None:
    """Drop the build state and what modules keep per build; alerts.build.staging calls it as
    each build starts."""
    global _current
    stop_background()
    unfreeze()
    _current = None
    for forget in _resets:
        forget()
