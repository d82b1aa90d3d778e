"""Calendars (RFC 5545, written with icalendar): a reminder of every deadline and event.

Each published alert with a deadline or an event action publishes `deadline.ics` beside
its page (SiteURLs.calendar): the deadline as an event in the alert's zone, with that
zone's VTIMEZONE and an alarm ALERTS["reminder"] before it, then each event action. The
site publishes `calendar.ics` (CALENDAR_SAVE_AS), to subscribe to: every open or closing
alert's deadline and events, each alert once (in the site's language when it has a
version in it); a closed alert leaves it at the first build after its deadline. Drafts
are in neither.

The same inputs give the same bytes: every UID comes from the site's host and the
original alert's URL (so each language version of a deadline is one calendar entry),
DTSTAMP is when the alert was last revised (Alert.revised: RFC 5545 asks, for a
calendar without METHOD, when the information was last revised, not when the file was
written), and each zone's rules cover a window worked out from the events, not from the
clock.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import icalendar

from alerts.authoring.model import CLOSED
from alerts.build.cache import Cache, code_digest
from alerts.build.settings import reminder
from alerts.site.i18n import base_lang, register_strings, t

logger = logging.getLogger(__name__)

register_strings({
    "en": {"deadline_of": "Deadline: {title}", "reminder_of": "Reminder: {title}",
           "add_to_calendar": "Add to calendar",
           "subscribe_calendar": "Subscribe to the deadlines calendar",
           "event_where": "Where"},
    "es": {"deadline_of": "Fecha límite: {title}", "reminder_of": "Recordatorio: {title}",
           "add_to_calendar": "Añadir al calendario",
           "subscribe_calendar": "Suscribirse al calendario de fechas límite",
           "event_where": "Dónde"},
})

PRODID = "-//Action alerts//Pelican//EN"
_END = b"END:VCALENDAR\r\n"
#: Bump when what the cache keeps of an event changes; this module is hashed in anyway.
FORMAT = 1
#: The DTSTAMP an event is serialised with, before its alert's revision is put in its place.
_PLACEHOLDER = datetime(1970, 1, 1, tzinfo=UTC)
_PLACEHOLDER_LINE = b"DTSTAMP:19700101T000000Z\r\n"
#: The UID a calendar's head is serialised with, before its own is put in its place.
_UID_PLACEHOLDER = "calendar-uid"
_UID_PLACEHOLDER_LINE = f"UID:{_UID_PLACEHOLDER}\r\n".encode()
#: Text that icalendar writes in a UID as it is (no `\\`, `;`, `,` or line break), and
#: the longest content line it writes without folding (it folds a line of 75 octets;
#: RFC 5545 3.1 allows 75 before the line break).
_PLAIN_UID = re.compile(r"[A-Za-z0-9._~/@%:+=-]*")
_FOLD_OCTETS = 74


class Spec(NamedTuple):
    """Everything one VEVENT says but its DTSTAMP: what the cache keys it by, and the
    moment put in as DTSTAMP."""

    uid: str
    summary: str
    start: datetime
    end: datetime | None
    description: str
    url: str | None
    reminder_text: str
    location: str | None
    lang: str
    stamp: datetime


class Entry(NamedTuple):
    """One VEVENT, serialised once for the alert's file and the site's."""

    start: datetime
    uid: str
    tzids: frozenset[str]  # the zones its times name (none for UTC)
    years: tuple[int, int]  # of its first and last moment
    ical: bytes

    @classmethod
    def of(cls, event: icalendar.Event) -> Entry:
        times = [event[key] for key in ("DTSTART", "DTEND") if key in event]
        years = [time.dt.year for time in times]
        return cls(event.start, str(event["UID"]),
                   frozenset(t.params["TZID"] for t in times if "TZID" in t.params),
                   (min(years), max(years)), event.to_ical())

    def record(self) -> dict:
        return {"uid": self.uid, "tzids": sorted(self.tzids), "years": list(self.years),
                "ical": self.ical.decode("utf-8")}

    @classmethod
    def kept(cls, start: datetime, record: dict) -> Entry:
        return cls(start, record["uid"], frozenset(record["tzids"]),
                   tuple(record["years"]), record["ical"].encode("utf-8"))

    def stamped(self, line: bytes) -> Entry:
        """This entry with its placeholder DTSTAMP line replaced by `line`."""
        return self._replace(ical=self.ical.replace(_PLACEHOLDER_LINE, line, 1))


class Calendars:
    """The calendars of one build: the site's address and the reminder."""

    def __init__(self, settings: dict, reminder: timedelta | None,
                 kept: Cache | None = None) -> None:
        self.siteurl = (settings.get("SITEURL") or "").rstrip("/")
        self.host = urlsplit(self.siteurl).hostname or "localhost"
        self.name = settings.get("SITENAME") or "Action alerts"
        self.reminder = reminder
        #: Each zone's VTIMEZONE by (zone, first year, last year): most alerts share one.
        self._zones: dict[tuple[str, int, int], bytes] = {}
        self._heads: dict[str | None, bytes] = {}
        #: VEVENTs serialised by earlier builds, by a digest of their Spec (see _entry).
        self._kept = kept
        self._shared = f"{_code_fingerprint()}\n{reminder!r}\n"
        self.serialised = self.reused = 0

    def page(self, alert, anchor: str = "") -> str | None:
        """The alert page's absolute address (at `anchor`); None without a SITEURL."""
        return f"{self.siteurl}/{alert.url}{anchor}" if self.siteurl else None

    @staticmethod
    def _uid_base(alert) -> str:
        # The original's URL: a translation's deadline is the same entry in a calendar.
        return next((v.url for v in alert.versions if v.original), alert.url)

    def entries(self, alert) -> list[Entry]:
        """The alert's deadline, then each of its event actions, as VEVENTs."""
        return [self._entry(spec) for spec in self.specs(alert)]

    def specs(self, alert) -> list[Spec]:
        found = []
        uid = self._uid_base(alert)
        if alert.deadline is not None:
            action = alert.primary_action
            href = action.url or self.page(alert, action.href)
            description = "\n\n".join(part for part in (
                f"{action.label}: {href}" if href else action.label, alert.summary) if part)
            found.append(Spec(
                f"{uid}deadline@{self.host}", t("deadline_of", alert.lang, title=alert.title),
                alert.deadline, None, description, self.page(alert),
                t("reminder_of", alert.lang, title=alert.title), None, alert.lang,
                alert.revised))
        for action in alert.actions:
            if action.kind != "event" or action.start is None:
                continue
            page = self.page(alert)
            description = "\n\n".join(part for part in (alert.title, page) if part)
            found.append(Spec(
                f"{uid}{action.anchor}@{self.host}", action.label, action.start, action.end,
                description, action.url or page,
                t("reminder_of", alert.lang, title=action.label), action.location or None,
                alert.lang, alert.revised))
        return found

    def _entry(self, spec: Spec) -> Entry:
        """The VEVENT of `spec`, as an earlier build serialised it when one did: a Spec
        and the reminder say all that the event holds but DTSTAMP, which is written with
        a placeholder and put in afterwards, so kept and fresh entries are the same bytes."""
        key = hashlib.sha256((self._shared + repr(spec[:-1])).encode()).hexdigest()
        record = self._kept.get(key) if self._kept is not None else None
        if isinstance(record, dict):
            try:
                entry = Entry.kept(spec.start, record)
            except (KeyError, TypeError, ValueError, AttributeError):
                entry = None  # another shape: serialise it again
            if entry is not None:
                self.reused += 1
                return entry.stamped(_stamp_line(spec.stamp))
        entry = Entry.of(self._event(spec))
        self.serialised += 1
        if self._kept is not None:
            self._kept.put(key, entry.record())
        return entry.stamped(_stamp_line(spec.stamp))

    def _event(self, spec: Spec) -> icalendar.Event:
        # Without DTEND a timed event ends as it starts (RFC 5545 3.6.1): a deadline is
        # a moment, and DTEND may not equal DTSTART.
        event = icalendar.Event.new(uid=spec.uid, start=spec.start, end=spec.end,
                                    stamp=_PLACEHOLDER)
        event.add("summary", spec.summary, parameters={"LANGUAGE": spec.lang})
        event.add("description", spec.description, parameters={"LANGUAGE": spec.lang})
        if spec.url:
            event.add("url", spec.url)
        if self.reminder is not None:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", spec.reminder_text)
            alarm.add("trigger", -self.reminder)  # before DTSTART
            event.add_component(alarm)
        if spec.location:
            event.add("location", spec.location, parameters={"LANGUAGE": spec.lang})
        return event

    def calendar(self, entries: list[Entry], path: str, name: str | None = None) -> bytes:
        """A VCALENDAR of `entries` with the VTIMEZONE of each zone they use; its UID is
        its own file's `path` at the site's host (icalendar would pick a random one). A
        calendar to subscribe to has a `name` and says how often to refresh it; a file
        to import once (deadline.ics) needs neither.

        Put together from pieces icalendar serialised — the calendar's own properties,
        each zone once per build, each event once — in the order icalendar itself
        writes them (zones first), but with the zones sorted by name: icalendar's
        add_missing_timezones goes through a set, whose order changes from one process
        to the next, and the bytes must not."""
        uid = _uid_line(f"{path}@{self.host}")
        head = self._head(name).replace(_UID_PLACEHOLDER_LINE, uid, 1)
        zones = b""
        if entries:
            # Each zone's rules from a year before the first event to a year after the
            # last, rather than icalendar's 1970–2038: smaller, and the same bytes.
            first = min(entry.years[0] for entry in entries) - 1
            last = max(entry.years[1] for entry in entries) + 1
            tzids = sorted(set().union(*(entry.tzids for entry in entries)))
            zones = b"".join(self._zone(tzid, first, last) for tzid in tzids)
        return head + zones + b"".join(e.ical for e in entries) + _END

    def _head(self, name: str | None) -> bytes:
        """The calendar's own properties, with a placeholder UID: serialised once a build
        for each name (icalendar took ~0.15 ms a file for it: 148 ms of the step at 1000
        alerts, 23 ms now)."""
        if name not in self._heads:
            calendar = icalendar.Calendar()  # Calendar.new would give it a random UID
            calendar.add("version", "2.0")
            calendar.add("prodid", PRODID)
            calendar.add("uid", _UID_PLACEHOLDER)
            if name is not None:
                calendar.calendar_name = name  # NAME and X-WR-CALNAME
                # RFC 7986 asks for VALUE=DURATION; Outlook reads X-PUBLISHED-TTL instead.
                calendar.add("refresh-interval", timedelta(days=1),
                             parameters={"VALUE": "DURATION"})
                calendar.add("x-published-ttl", "P1D")
            head = calendar.to_ical()
            assert head.endswith(_END) and head.count(_UID_PLACEHOLDER_LINE) == 1
            self._heads[name] = head[:-len(_END)]
        return self._heads[name]

    def _zone(self, tzid: str, first: int, last: int) -> bytes:
        key = (tzid, first, last)
        if key not in self._zones:
            self._zones[key] = icalendar.Timezone.from_tzid(
                tzid, first_date=date(first, 1, 1), last_date=date(last, 12, 31)).to_ical()
        return self._zones[key]


def _listed(alerts, default_lang: str) -> list:
    """Each alert once, for the site's calendar: its version in the site's language,
    else its original, else its first version (as the listings show it)."""
    by_slug: dict[str, list] = {}
    for alert in alerts:
        by_slug.setdefault(alert.slug, []).append(alert)
    site = base_lang(default_lang)
    return [next((a for a in group if base_lang(a.lang) == site),
                 next((a for a in group if not a.translation), group[0]))
            for group in by_slug.values()]


def write_calendars(state) -> None:
    """The "calendars" step: each alert's deadline.ics and the site's calendar.ics."""
    kept = Cache(Path(state.settings["CACHE_PATH"]) / "calendars", "calendars", FORMAT)
    calendars = Calendars(state.settings, reminder(state.settings), kept)
    published = [alert for alert in state.alerts if not alert.draft]
    entries = {id(alert): calendars.entries(alert) for alert in published}
    for alert in published:
        if entries[id(alert)]:
            path = state.urls.calendar(alert)
            state.pages.write(path, calendars.calendar(entries[id(alert)], path))
    every = [entry for alert in _listed(published, state.settings.get("DEFAULT_LANG") or "en")
             if alert.state != CLOSED for entry in entries[id(alert)]]
    every.sort(key=lambda entry: (entry.start, entry.uid))
    path = state.urls.site_calendar
    state.pages.write(path, calendars.calendar(every, path, calendars.name))
    kept.prune()  # the events no alert has any more
    kept.save()
    logger.info("alerts: calendars: %d events serialised, %d reused", calendars.serialised,
                calendars.reused)


@lru_cache(maxsize=16384)  # a calendar per alert, each the same from build to build
def _uid_line(uid: str) -> bytes:
    """The calendar's UID line, escaped and folded as icalendar writes it. A UID of
    address characters alone on a line short enough not to fold is written as it is:
    icalendar took ~70 µs for each, in each build's new process."""
    line = b"UID:" + uid.encode()
    if len(line) <= _FOLD_OCTETS and _PLAIN_UID.fullmatch(uid):
        return line + b"\r\n"
    return icalendar.Calendar().content_line("UID", icalendar.vText(uid)).to_ical() + b"\r\n"


def _stamp_line(moment: datetime) -> bytes:
    """The DTSTAMP line for `moment`: UTC, as RFC 5545 requires, in the form icalendar
    writes (tests/test_calendars.py reads it back with icalendar)."""
    return b"DTSTAMP:" + moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode() + b"\r\n"


@cache  # once a process: its code and libraries do not change under it
def _code_fingerprint() -> str:
    """What serialises an event: this module and icalendar."""
    here = Path(__file__)
    return code_digest(f"format {FORMAT}", here.parent, [here], ("icalendar",))
