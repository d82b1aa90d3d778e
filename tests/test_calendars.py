"""Calendars, built: each alert's deadline.ics and the site's calendar.ics (RFC 5545), read
back with icalendar — wall times and zones across daylight saving changes, VTIMEZONE,
alarms, stable UIDs, the same bytes from the same inputs, event actions — the links to
them on the page and the home page, and every mistake in an event, each with its line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from conftest import (
    EPOCH,
    ROOT,
    build_site,
    errors_of,
    forget_last_build,
    replace_once,
    run_cli,
    write_files,
)

from alerts.site import calendars
from printpdf.sanitize import prepare

NEW_YORK = ZoneInfo("America/New_York")


def alert_text(slug: str, deadline: str | None, *, extra: str = "", actions: str = "") -> str:
    lines = ["---", f"title: Alert {slug}", f"slug: {slug}", "date: 2026-11-01T09:00",
             "timezone: America/New_York"]
    if deadline:
        lines.append(f"deadline: {deadline}")
    lines += ["targets: City council", "actions:", "  - label: Email the council",
              "    url: https://example.org/act", "    kind: email"]
    return "\n".join(lines) + "\n" + actions + extra + "---\n\nThe council votes soon.\n"


#: Line numbers below count from this text's first line (`---` is line 1).
EVENTS = """\
---
title: Come to the library hearing
slug: library-hearing
date: 2026-11-20T09:00
timezone: America/New_York
targets: City council
actions:
  - label: Email the council
    url: https://example.org/act
    kind: email
  - label: Come to the hearing
    url: https://example.org/hearing
    kind: event
    start: 2027-01-14T18:30
    end: 2027-01-14T20:30
    location: Council Chambers, City Hall
  - label: Join the online briefing
    url: https://example.org/briefing
    kind: event
    start: 2027-01-20
    end: 2027-01-21
---

The council hears the library budget in January.
"""

SPRING = alert_text("spring", "2027-03-20T18:00")  # after 2027-03-14, clocks forward
FALL = alert_text("fall", "2027-11-12T18:00")  # after 2027-11-07, clocks back
FILES = {
    "alerts/spring.md": SPRING,
    "alerts/spring-es.md": SPRING.replace("slug: spring", "slug: spring\nlang: es\n"
                                          "translation: true").replace(
        "title: Alert spring", "title: Alerta de primavera"),
    "alerts/fall.md": FALL,
    "alerts/events.md": EVENTS,
    "alerts/closed.md": alert_text("closed", "2026-11-25T17:00"),  # before EPOCH
    "alerts/draft.md": alert_text("draft", "2027-02-01T12:00", extra="status: draft\n"),
    "alerts/none.md": alert_text("none", None),
    "alerts/west.md": alert_text("west", "2027-02-01T17:00").replace(
        "timezone: America/New_York", "timezone: America/Los_Angeles"),
}


def read(site, path: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site.output / path).read_bytes())


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def only(calendar: icalendar.Calendar) -> icalendar.Event:
    found = calendar.walk("VEVENT")
    assert len(found) == 1, [str(e["SUMMARY"]) for e in found]
    return found[0]


def every_ics(site) -> dict[str, bytes]:
    return {str(p.relative_to(site.output)): p.read_bytes()
            for p in sorted(site.output.rglob("*.ics"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = build_site(tmp_path_factory.mktemp("calendars"), FILES)
    assert built.result.ok, built.messages
    return built


@pytest.fixture(scope="module")
def again(tmp_path_factory):
    """The same files and SOURCE_DATE_EPOCH, built into another folder."""
    built = build_site(tmp_path_factory.mktemp("calendars-again"), FILES)
    assert built.result.ok, built.messages
    return built


# -- deadlines, zones and daylight saving --------------------------------------------------

@pytest.mark.parametrize(("slug", "wall", "offset_hours", "utc"), [
    ("spring", datetime(2027, 3, 20, 18, 0), -4, datetime(2027, 3, 20, 22, 0, tzinfo=UTC)),
    ("fall", datetime(2027, 11, 12, 18, 0), -5, datetime(2027, 11, 12, 23, 0, tzinfo=UTC)),
])
def test_the_deadline_keeps_its_wall_time_and_zone_across_dst(site, slug, wall, offset_hours,
                                                             utc):
    calendar = read(site, f"alerts/{slug}/deadline.ics")
    event = only(calendar)
    start = event["DTSTART"]
    assert start.params["TZID"] == "America/New_York"
    assert start.dt.replace(tzinfo=None) == wall
    assert start.dt.utcoffset() == timedelta(hours=offset_hours)
    assert start.dt.astimezone(UTC) == utc
    assert "DTEND" not in event  # a moment: without DTEND it ends as it starts
    # The file's own VTIMEZONE, not the reader's zone database, gives the same instant.
    zones = {str(z["TZID"]): z for z in calendar.walk("VTIMEZONE")}
    assert list(zones) == ["America/New_York"]
    from_file = zones["America/New_York"].to_tz(lookup_tzid=False)
    assert wall.replace(tzinfo=from_file).utcoffset() == timedelta(hours=offset_hours)
    assert wall.replace(tzinfo=from_file).astimezone(UTC) == utc


def test_the_deadline_event_says_what_to_do_in_the_alerts_language(site):
    event = only(read(site, "alerts/spring/deadline.ics"))
    assert str(event["SUMMARY"]) == "Deadline: Alert spring"
    assert str(event["DESCRIPTION"]).startswith("Email the council: https://example.org/act")
    assert "The council votes soon." in str(event["DESCRIPTION"])
    assert "URL" not in event  # no SITEURL in a preview build: no made-up address
    # When the alert was last revised (its date: 09:00 New York), not when it was built.
    assert event["DTSTAMP"].dt == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)
    spanish = only(read(site, "alerts/spring/es/deadline.ics"))
    assert str(spanish["SUMMARY"]) == "Fecha límite: Alerta de primavera"
    assert spanish["SUMMARY"].params["LANGUAGE"] == "es"
    # One deadline in two languages is one calendar entry.
    assert spanish["UID"] == event["UID"]


# -- alarms -----------------------------------------------------------------------------

def alarms(event: icalendar.Event) -> list:
    return event.walk("VALARM")


def test_the_default_alarm_is_a_day_before(site):
    for path in ("alerts/spring/deadline.ics", "alerts/library-hearing/deadline.ics"):
        for event in read(site, path).walk("VEVENT"):
            (alarm,) = alarms(event)
            assert str(alarm["ACTION"]) == "DISPLAY"
            assert alarm["TRIGGER"].dt == timedelta(days=-1)
            assert str(alarm["DESCRIPTION"]).startswith("Reminder: ")


@pytest.mark.parametrize(("reminder", "before"), [
    ("PT2H", timedelta(hours=2)), ("P1DT12H", timedelta(days=1, hours=12)),
    ("P2W", timedelta(weeks=2)), (None, None),
])
def test_the_reminder_setting(tmp_path, reminder, before):
    built = build_site(tmp_path, {"alerts/spring.md": SPRING},
                       settings={"ALERTS": {"reminder": reminder}})
    assert built.result.ok, built.messages
    for path in ("alerts/spring/deadline.ics", "calendar.ics"):
        event = only(read(built, path))
        if before is None:
            assert alarms(event) == []
        else:
            assert [a["TRIGGER"].dt for a in alarms(event)] == [-before]


@pytest.mark.parametrize("reminder", ["1 day", "P1M", "-P1D", "P", 24])
def test_a_bad_reminder_is_one_settings_line(tmp_path, reminder):
    built = build_site(tmp_path, {"alerts/spring.md": SPRING},
                       settings={"ALERTS": {"reminder": reminder}})
    assert not built.result.ok
    assert len(built.result.failures) == 1, built.result.failures
    (line,) = built.result.failures
    assert f"ALERTS['reminder'] = {reminder!r}: give an ISO 8601 duration, e.g. 'P1D'" in line
    assert "\n" not in line
    assert not built.output.exists()


# -- the same inputs, the same calendars ----------------------------------------------------

def test_uids_are_stable_across_builds_and_distinct(site, again):
    first = {path: sorted(events(read(site, path))) for path in every_ics(site)}
    second = {path: sorted(events(read(again, path))) for path in every_ics(again)}
    assert first == second
    uids = [uid for path, found in first.items() if path != "calendar.ics" and "/es/" not in path
            for uid in found]
    assert len(uids) == len(set(uids)) == 6  # spring, fall, closed, west; two events
    assert all(uid.endswith("@localhost") for uid in uids)
    assert read(site, "calendar.ics")["UID"] == "calendar.ics@localhost"
    assert read(site, "alerts/fall/deadline.ics")["UID"] == "alerts/fall/deadline.ics@localhost"


@pytest.mark.parametrize("uid", [
    "alerts/clinic/deadline.ics@alerts.example.org", "calendar.ics@localhost:8000",
    "a" * 70, "a" * 71, "b" * 200, "alerts/a,b;c\\d/deadline.ics@x", "alerts/ñandú/@x",
    "alerts/a b/deadline.ics@x", ""])
def test_a_uid_line_is_the_one_icalendar_writes(uid):
    expected = icalendar.Calendar().content_line("UID", icalendar.vText(uid)).to_ical()
    assert calendars._uid_line(uid) == expected + b"\r\n"


def test_two_builds_give_the_same_bytes(site, again):
    assert every_ics(site) and every_ics(site) == every_ics(again)


def test_two_processes_give_the_same_bytes(tmp_path):
    """As `make html` twice: each process orders sets its own way (PYTHONHASHSEED)."""
    write_files(tmp_path / "content", {name: FILES[name] for name in
                                       ("alerts/spring.md", "alerts/west.md")})
    made = []
    for seed in ("1", "3"):  # a set of the two zones iterates differently under each
        done = run_cli("build", "-s", str(ROOT / "pelicanconf.py"), "-i", "content",
                       "-o", f"out{seed}", "--no-pdf", cwd=tmp_path,
                       env={"SOURCE_DATE_EPOCH": str(EPOCH), "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        made.append((tmp_path / f"out{seed}" / "calendar.ics").read_bytes())
    assert made[0] == made[1] and made[0].count(b"BEGIN:VTIMEZONE") == 2


def test_dtstamp_is_the_last_revision_not_the_build_time(site, tmp_path):
    later = build_site(tmp_path / "later", FILES, epoch=EPOCH + 3600)
    assert later.result.ok, later.messages
    assert every_ics(later) == every_ics(site)  # an hour later, nothing to say anew
    revised = {**FILES, "alerts/spring.md": FILES["alerts/spring.md"].replace(
        "date: 2026-11-01T09:00", "date: 2026-11-01T09:00\nmodified: 2026-11-29T10:30")}
    changed = build_site(tmp_path / "revised", revised)
    event = only(read(changed, "alerts/spring/deadline.ics"))
    assert event["DTSTAMP"].dt == datetime(2026, 11, 29, 15, 30, tzinfo=UTC)
    assert event["DTSTAMP"].to_ical() == b"20261129T153000Z"


# -- events kept from one build to the next ---------------------------------------------

def _rebuild(root, files, caplog, epoch=EPOCH):
    """Build into `root` again (cache and all); the site and (serialised, reused)."""
    import logging
    import re

    caplog.clear()
    forget_last_build(root)  # build, even when nothing changed
    with caplog.at_level(logging.INFO, logger="alerts.site.calendars"):
        built = build_site(root, files, epoch=epoch)
    assert built.result.ok, built.messages
    [counts] = re.findall(r"calendars: (\d+) events serialised, (\d+) reused", caplog.text)
    return built, tuple(map(int, counts))


def test_a_rebuild_serialises_no_event_and_writes_the_same_bytes(site, tmp_path, caplog):
    _, counts = _rebuild(tmp_path, FILES, caplog)
    assert counts == (7, 0)  # spring, its translation, fall, closed, west; two events
    again, counts = _rebuild(tmp_path, FILES, caplog)
    assert counts == (0, 7)
    assert every_ics(again) == every_ics(site)


def test_kept_events_take_their_alerts_new_revision(tmp_path, caplog):
    _rebuild(tmp_path / "kept", FILES, caplog)
    revised = {**FILES, "alerts/spring.md": FILES["alerts/spring.md"].replace(
        "date: 2026-11-01T09:00", "date: 2026-11-01T09:00\nmodified: 2026-11-29T10:30")}
    kept, counts = _rebuild(tmp_path / "kept", revised, caplog)
    assert counts == (0, 7)  # the events say the same; only their DTSTAMP is new
    fresh = build_site(tmp_path / "fresh", revised)
    assert every_ics(kept) == every_ics(fresh)
    event = only(read(kept, "alerts/spring/deadline.ics"))
    assert event["DTSTAMP"].dt == datetime(2026, 11, 29, 15, 30, tzinfo=UTC)


def test_a_changed_deadline_serialises_only_its_event(tmp_path, caplog):
    _rebuild(tmp_path, FILES, caplog)
    moved = {**FILES, "alerts/fall.md": FALL.replace("2027-11-12T18:00", "2027-11-13T18:00")}
    built, counts = _rebuild(tmp_path, moved, caplog)
    assert counts == (1, 6)
    assert only(read(built, "alerts/fall/deadline.ics"))["DTSTART"].dt.day == 13


def test_a_changed_reminder_serialises_every_event(tmp_path, caplog):
    import logging

    _rebuild(tmp_path, FILES, caplog)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="alerts.site.calendars"):
        built = build_site(tmp_path, FILES, settings={"ALERTS": {"reminder": "PT2H"}})
    assert "calendars: 7 events serialised, 0 reused" in caplog.text
    alarm = only(read(built, "alerts/fall/deadline.ics")).walk("VALARM")[0]
    assert alarm["TRIGGER"].dt == -timedelta(hours=2)


# -- event actions ----------------------------------------------------------------------

def test_event_actions_become_vevents_with_their_place(site):
    calendar = read(site, "alerts/library-hearing/deadline.ics")
    found = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in found] == ["Come to the hearing",
                                                  "Join the online briefing"]
    hearing, briefing = found
    assert hearing["DTSTART"].dt == datetime(2027, 1, 14, 18, 30, tzinfo=NEW_YORK)
    assert hearing["DTEND"].dt == datetime(2027, 1, 14, 20, 30, tzinfo=NEW_YORK)
    assert hearing["DTEND"].params["TZID"] == "America/New_York"
    assert str(hearing["LOCATION"]) == "Council Chambers, City Hall"
    assert str(hearing["URL"]) == "https://example.org/hearing"
    # A bare date starts at the start of its day and ends at the end of its day.
    assert briefing["DTSTART"].dt == datetime(2027, 1, 20, 0, 0, tzinfo=NEW_YORK)
    assert briefing["DTEND"].dt == datetime(2027, 1, 21, 23, 59, 59, tzinfo=NEW_YORK)
    assert "LOCATION" not in briefing
    assert hearing["UID"] != briefing["UID"]
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_the_page_says_when_and_where_the_event_is(site):
    page = site.alert("library-hearing")
    line = page.select_one(".event-details")
    assert line is not None
    words = " ".join(line.get_text().split())
    assert "Come to the hearing: Thursday, January 14, 2027, 6:30 PM EST – Thursday, " \
           "January 14, 2027, 8:30 PM EST. Where: Council Chambers, City Hall" in words
    assert line.select_one("time")["datetime"] == "2027-01-14T18:30:00-05:00"
    link = line.select_one("a.add-calendar")
    assert "no-print" in link["class"]
    assert (site.output / "alerts/library-hearing" / link["href"]).is_file()
    # The buttons are still the button list, each event once.
    buttons = [a.get_text() for a in page.select("ul.actions")[0].select("a.action")]
    assert buttons == ["Email the council", "Come to the hearing", "Join the online briefing"]
    assert len(page.select(".event-details")) == 2


# -- the site's calendar ------------------------------------------------------------------

def summaries(calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def test_the_site_calendar_has_open_alerts_once_and_no_closed_or_draft(site):
    calendar = read(site, "calendar.ics")
    assert summaries(calendar) == ["Come to the hearing", "Join the online briefing",
                                   "Deadline: Alert west", "Deadline: Alert spring",
                                   "Deadline: Alert fall"]
    # Each zone once, in name order (not a set's order, which changes between processes).
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == \
        ["America/Los_Angeles", "America/New_York"]
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(days=1)
    assert not (site.output / "drafts/draft/deadline.ics").exists()
    assert not list((site.output / "drafts").rglob("*.ics"))
    # A closed alert keeps its own file, for links already shared; an alert with neither a
    # deadline nor an event has none.
    assert only(read(site, "alerts/closed/deadline.ics"))
    assert not (site.output / "alerts/none/deadline.ics").exists()


def test_an_alert_leaves_the_site_calendar_once_its_deadline_passes(tmp_path):
    files = {"alerts/fall.md": FALL, "alerts/events.md": EVENTS}
    before = build_site(tmp_path / "before", files)
    after = build_site(tmp_path / "after", files,
                       epoch=int(datetime(2027, 11, 13, tzinfo=UTC).timestamp()))
    assert before.result.ok and after.result.ok, before.messages + after.messages
    assert "Deadline: Alert fall" in summaries(read(before, "calendar.ics"))
    assert summaries(read(after, "calendar.ics")) == ["Come to the hearing",
                                                      "Join the online briefing"]


# -- links on the pages ---------------------------------------------------------------

def test_add_to_calendar_links_the_built_file(site):
    for folder, words in (("alerts/spring", "Add to calendar"),
                          ("alerts/spring/es", "Añadir al calendario")):
        page = site.html(f"{folder}/index.html")
        link = page.select_one(".deadline-box a.add-calendar")
        assert link is not None and link.get_text() == words
        assert "no-print" in link["class"]
        assert (site.output / folder / link["href"]).is_file()


def test_paper_keeps_the_event_but_not_the_calendar_links(site):
    """The PDF's copy of the page (printpdf.sanitize) drops .no-print: no calendar link
    on paper, where it leads nowhere; the event's when and where stay."""
    for folder in ("alerts/spring", "alerts/library-hearing"):
        page = (site.output / folder / "index.html").read_text("utf-8")
        assert "add-calendar" in page
        paper = prepare(page).html
        assert "add-calendar" not in paper and "deadline.ics" not in paper
    paper = prepare((site.output / "alerts/library-hearing/index.html").read_text()).html
    assert "Council Chambers, City Hall" in paper


@pytest.mark.parametrize("page", ["alerts/closed/index.html", "alerts/none/index.html",
                                  "drafts/draft/index.html"])
def test_no_calendar_link_where_there_is_nothing_to_add(site, page):
    assert site.html(page).select("a.add-calendar") == []


def test_the_home_page_links_the_site_calendar(site):
    link = site.html("index.html").select_one("a.subscribe-calendar")
    assert link.get_text() == "Subscribe to the deadlines calendar"
    assert link["href"] == "calendar.ics"
    assert (site.output / link["href"]).is_file()


def test_a_published_site_has_page_urls_and_a_webcal_link(tmp_path):
    built = build_site(tmp_path, {"alerts/spring.md": SPRING, "alerts/events.md": EVENTS},
                       conf=ROOT / "publishconf.py",
                       env={"SITEURL": "https://alerts.example.org"})
    assert built.result.ok, built.messages
    event = only(read(built, "alerts/spring/deadline.ics"))
    assert str(event["URL"]) == "https://alerts.example.org/alerts/spring/"
    assert str(event["UID"]) == "alerts/spring/deadline@alerts.example.org"
    hearing = read(built, "alerts/library-hearing/deadline.ics").walk("VEVENT")[0]
    assert "https://alerts.example.org/alerts/library-hearing/" in str(hearing["DESCRIPTION"])
    home = built.html("index.html").select_one("a.subscribe-calendar")
    assert home["href"] == "webcal://alerts.example.org/calendar.ics"
    page = built.alert("spring").select_one("a.add-calendar")
    assert page["href"] == "deadline.ics"


# -- mistakes in events ---------------------------------------------------------------


#: name → (alert text, expected "path:line: actions: message" fragment)
MISTAKES = {
    "no-start": (replace_once(EVENTS, "    start: 2027-01-14T18:30\n", ""),
                 ":11: actions: Come to the hearing: an event needs `start:`"),
    "end-before-start": (replace_once(EVENTS, "end: 2027-01-14T20:30", "end: 2027-01-14T17:00"),
                         ":15: actions: Come to the hearing: end: 2027-01-14T17:00:00-05:00 "
                         "is not after start 2027-01-14T18:30:00-05:00"),
    "dst-gap": (replace_once(replace_once(EVENTS, "start: 2027-01-14T18:30",
                                          "start: 2027-03-14T02:30"),
                             "end: 2027-01-14T20:30", "end: 2027-03-14T04:00"),
                ":14: actions: Come to the hearing: start: 2027-03-14 02:30 does not exist in "
                "America/New_York"),
    "dst-overlap": (replace_once(replace_once(EVENTS, "start: 2027-01-14T18:30",
                                              "start: 2027-11-07T01:30"),
                                 "end: 2027-01-14T20:30", "end: 2027-11-07T03:00"),
                    ":14: actions: Come to the hearing: start: 2027-11-07 01:30 happens twice "
                    "in America/New_York"),
    "not-iso": (replace_once(EVENTS, "start: 2027-01-14T18:30", "start: next Thursday"),
                ":14: actions: Come to the hearing: start: 'next Thursday' is not an ISO "
                "8601 date"),
    "start-on-email": (replace_once(EVENTS, "    kind: email\n",
                                    "    kind: email\n    start: 2027-01-14T18:30\n"),
                       ":11: actions: Email the council: start: only an event action has a "
                       "start; remove it or set `kind: event`"),
    "location-on-email": (replace_once(EVENTS, "    kind: email\n",
                                       "    kind: email\n    location: City Hall\n"),
                          ":11: actions: Email the council: location: only an event action"),
    "empty-location": (replace_once(EVENTS, "location: Council Chambers, City Hall",
                                    "location: ''"),
                       ":16: actions: Come to the hearing: location: is empty"),
    "event-without-url": (replace_once(EVENTS, "    url: https://example.org/hearing\n", ""),
                          ":11: actions: Come to the hearing: url: a link is required"),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    files = {f"alerts/{name}.md": text.replace("slug: library-hearing", f"slug: {name}")
             for name, (text, _) in MISTAKES.items()}
    return build_site(tmp_path_factory.mktemp("broken-events"), files)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_event_mistake_names_its_line(broken, name):
    mine = errors_of(broken.result, name)
    assert any(f"alerts/{name}.md{MISTAKES[name][1]}" in m for m in mine), mine


def test_every_event_mistake_fails_and_nothing_is_written(broken):
    failed = {p.path.rsplit("/", 1)[1][:-3] for p in broken.result.errors}
    assert failed == set(MISTAKES)
    assert not broken.output.exists()
