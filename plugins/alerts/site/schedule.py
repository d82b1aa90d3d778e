"""When the clock alone changes the site: every upcoming moment at which a rebuild would
change a page (`make schedule`), read from the content with the pure parser, without
running Pelican or writing anything.

The moments, each exact to the second and in UTC:

    publishes     an alert's `date` (a translation waits for its original): the first
                  build at or after it publishes the alert (alerts.reader holds it back)
    closing-soon  the deadline less ALERTS["closing_soon_hours"]: the state becomes
                  "closing" (alerts.authoring.deadline.state)
    closes        the deadline: the alert closes and leaves the home page and the feeds
    days-left     each time the whole days left drop ("12 days left" -> "11 days left"),
                  while the time left is counted in days (48 hours and more): the
                  alert page, its embeds and the listings print it as built

Below 48 hours the words count hours, then minutes; those changes are not listed (one a
minute would say nothing a deploy can act on) — the pages' script keeps the words right
for readers with JavaScript, and by then the alert is marked "closing".
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alerts.authoring.deadline import scheduled, utc_stamp
from alerts.authoring.model import Alert
from alerts.authoring.parse import Parser, Stop, refuse_outside_link
from alerts.build.photocache import PhotoCache
from alerts.build.problems import Problems, display_path
from alerts.build.settings import alerts_folder, within
from alerts.site.urls import SiteURLs

#: The kinds of moment, in the order they are listed when they fall on the same second.
KINDS = ("publishes", "closing-soon", "closes", "days-left")
_DAY = timedelta(days=1)
#: The time left is shown in days from this much on (alerts.authoring.deadline.time_left).
_IN_DAYS = timedelta(hours=48)
_SECOND = timedelta(seconds=1)
_EXTENSIONS = (".md", ".markdown")


@dataclass(frozen=True)
class Moment:
    """One upcoming change: when, what, which page (URL relative to SITEURL), which file."""

    at: datetime
    kind: str
    url: str
    source: str

    def sort_key(self) -> tuple:
        return (self.at, KINDS.index(self.kind), self.url, self.source)

    def line(self) -> str:
        return f"{utc_stamp(self.at)}  {self.kind}  {self.url}"

    def as_json(self) -> dict:
        return {"at": utc_stamp(self.at), "kind": self.kind, "url": self.url,
                "source": display_path(self.source)}


def moments(alerts: list[Alert], now: datetime, closing_hours: float) -> list[Moment]:
    """Every moment after `now` at which a rebuild changes one of `alerts`' pages, soonest
    first; moments on the same second in KINDS order, then by page."""
    originals = {a.slug: a.date for a in alerts if not a.translation}
    found: list[Moment] = []
    for alert in alerts:
        appears = alert.date
        if alert.translation and alert.slug in originals:
            appears = max(appears, originals[alert.slug])

        def add(at: datetime, kind: str, alert=alert) -> None:
            found.append(Moment(at.astimezone(UTC), kind, alert.url, alert.source_path))

        if scheduled(appears, now):
            add(appears, "publishes")
        if alert.deadline is None:
            continue
        # In UTC before any arithmetic: an aware datetime's own zone would add wall-clock
        # hours, an hour off across a daylight saving change.
        deadline = alert.deadline.astimezone(UTC)
        since = max(now, appears.astimezone(UTC))  # a change before it appears is no change
        closing = deadline - timedelta(hours=closing_hours)
        if closing_hours > 0 and closing > since:
            add(closing, "closing-soon")
        if deadline > since:
            add(deadline, "closes")
        # "N days left" holds from exactly N days before the deadline until then; a build
        # one second later says N - 1 (or, at N = 2, "47 hours left").
        days = int((deadline - since) / _DAY)
        for whole in range(_IN_DAYS // _DAY, days + 1):
            at = deadline - whole * _DAY + _SECOND
            if at > since:
                add(at, "days-left")
    return sorted(found, key=Moment.sort_key)


def alert_files(settings: dict) -> list[Path]:
    """The alert files Pelican would read: under ARTICLE_PATHS and the alerts folder,
    Markdown, not excluded (ARTICLE_EXCLUDES) or ignored (IGNORE_FILES); sorted."""
    content = Path(settings["PATH"])
    alerts_dir = alerts_folder(settings)
    ignores = settings.get("IGNORE_FILES") or ()
    excluded = {Path(os.path.abspath(content / e)) for e in settings.get("ARTICLE_EXCLUDES") or ()}
    found = set()
    for top in settings.get("ARTICLE_PATHS") or [""]:
        for dirpath, dirs, files in os.walk(content / top, followlinks=True):
            dirs[:] = [d for d in dirs if Path(os.path.abspath(Path(dirpath) / d)) not in excluded
                       and not any(fnmatch.fnmatch(d, pattern) for pattern in ignores)]
            for name in files:
                path = Path(os.path.abspath(Path(dirpath) / name))
                if path.suffix.lower() in _EXTENSIONS and within(str(path), alerts_dir) \
                        and not any(fnmatch.fnmatch(name, pattern) for pattern in ignores):
                    found.add(path)
    return sorted(found)


def read_alerts(settings: dict, now: datetime) -> tuple[list[Alert], Problems]:
    """Every good alert (drafts and scheduled ones too; not `status: skip`), parsed as a
    build would, and the problems of the others. Reads photos; writes nothing."""
    parser = Parser(settings, now=now, urls=SiteURLs(settings),
                    photos=PhotoCache(Path(settings["CACHE_PATH"]) / "photos"))
    content = os.path.realpath(settings["PATH"])
    problems, alerts = Problems(), []
    for path in alert_files(settings):
        try:
            refuse_outside_link(os.path.realpath(path), content)
            result = parser.parse(Parser.decode(path.read_bytes()), path, is_alert=True)
        except Stop as stop:
            problems.add(path, stop.line, stop.field, stop.message)
            continue
        for line, field, message, warning in result.problems:
            problems.add(path, line, field, message, warning=warning)
        if result.ok and result.alert is not None \
                and result.metadata.get("status") != "skip":
            alerts.append(result.alert)
    return alerts, problems
