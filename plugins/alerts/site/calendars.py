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
DTSTAMP is the build's "now" (SOURCE_DATE_EPOCH when set), and each zone's rules cover a
window worked out from the events, not from the clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import icalendar

from alerts.authoring.model import CLOSED
from alerts.build.settings import reminder
from alerts.site.i18n import base_lang, register_strings, t

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


class Calendars:
    """The calendars of one build: the site's address, "now" and the reminder."""

    def __init__(self, settings: dict, now, reminder: timedelta | None) -> None:
        self.siteurl = (settings.get("SITEURL") or "").rstrip("/")
        self.host = urlsplit(self.siteurl).hostname or "localhost"
        self.name = settings.get("SITENAME") or "Action alerts"
        self.now, self.reminder = now, reminder
        #: Each zone's VTIMEZONE by (zone, first year, last year): most alerts share one.
        self._zones: dict[tuple[str, int, int], bytes] = {}

    def page(self, alert, anchor: str = "") -> str | None:
        """The alert page's absolute address (at `anchor`); None without a SITEURL."""
        return f"{self.siteurl}/{alert.url}{anchor}" if self.siteurl else None

    @staticmethod
    def _uid_base(alert) -> str:
        # The original's URL: a translation's deadline is the same entry in a calendar.
        return next((v.url for v in alert.versions if v.original), alert.url)

    def entries(self, alert) -> list[Entry]:
        """The alert's deadline, then each of its event actions, as VEVENTs."""
        found = []
        if alert.deadline is not None:
            action = alert.primary_action
            href = action.url or self.page(alert, action.href)
            description = "\n\n".join(part for part in (
                f"{action.label}: {href}" if href else action.label, alert.summary) if part)
            found.append(self._event(
                alert, "deadline", t("deadline_of", alert.lang, title=alert.title),
                alert.deadline, None, description, self.page(alert),
                t("reminder_of", alert.lang, title=alert.title)))
        for action in alert.actions:
            if action.kind != "event" or action.start is None:
                continue
            page = self.page(alert)
            description = "\n\n".join(part for part in (alert.title, page) if part)
            event = self._event(alert, action.anchor, action.label, action.start,
                                action.end, description, action.url or page,
                                t("reminder_of", alert.lang, title=action.label))
            if action.location:
                event.add("location", action.location, parameters={"LANGUAGE": alert.lang})
            found.append(event)
        return [Entry.of(event) for event in found]

    def _event(self, alert, key, summary, start, end, description, url, reminder_text):
        # Without DTEND a timed event ends as it starts (RFC 5545 3.6.1): a deadline is
        # a moment, and DTEND may not equal DTSTART.
        event = icalendar.Event.new(
            uid=f"{self._uid_base(alert)}{key}@{self.host}", start=start, end=end,
            stamp=self.now)
        event.add("summary", summary, parameters={"LANGUAGE": alert.lang})
        event.add("description", description, parameters={"LANGUAGE": alert.lang})
        if url:
            event.add("url", url)
        if self.reminder is not None:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", reminder_text)
            alarm.add("trigger", -self.reminder)  # before DTSTART
            event.add_component(alarm)
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
        calendar = icalendar.Calendar()  # Calendar.new would give it a random UID
        calendar.add("version", "2.0")
        calendar.add("prodid", PRODID)
        calendar.add("uid", f"{path}@{self.host}")
        if name is not None:
            calendar.calendar_name = name  # NAME and X-WR-CALNAME
            # RFC 7986 asks for VALUE=DURATION; Outlook reads X-PUBLISHED-TTL instead.
            calendar.add("refresh-interval", timedelta(days=1),
                         parameters={"VALUE": "DURATION"})
            calendar.add("x-published-ttl", "P1D")
        head = calendar.to_ical()
        assert head.endswith(_END)
        zones = b""
        if entries:
            # Each zone's rules from a year before the first event to a year after the
            # last, rather than icalendar's 1970–2038: smaller, and the same bytes.
            first = min(entry.years[0] for entry in entries) - 1
            last = max(entry.years[1] for entry in entries) + 1
            tzids = sorted(set().union(*(entry.tzids for entry in entries)))
            zones = b"".join(self._zone(tzid, first, last) for tzid in tzids)
        return head[:-len(_END)] + zones + b"".join(e.ical for e in entries) + _END

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
    calendars = Calendars(state.settings, state.now, reminder(state.settings))
    output = Path(state.output_path)
    published = [alert for alert in state.alerts if not alert.draft]
    entries = {id(alert): calendars.entries(alert) for alert in published}
    for alert in published:
        if entries[id(alert)]:
            path = state.urls.calendar(alert)
            (output / path).parent.mkdir(parents=True, exist_ok=True)
            (output / path).write_bytes(calendars.calendar(entries[id(alert)], path))
    every = [entry for alert in _listed(published, state.settings.get("DEFAULT_LANG") or "en")
             if alert.state != CLOSED for entry in entries[id(alert)]]
    every.sort(key=lambda entry: (entry.start, entry.uid))
    path = state.urls.site_calendar
    (output / path).parent.mkdir(parents=True, exist_ok=True)
    (output / path).write_bytes(calendars.calendar(every, path, calendars.name))
