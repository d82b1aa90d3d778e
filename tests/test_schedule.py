"""`make schedule`: every upcoming moment at which a rebuild changes the site, read from
the content without building, at a frozen SOURCE_DATE_EPOCH — across the March daylight
saving change in New York — and each moment checked against two real builds, one second
before it and at it."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime

import pytest
from conftest import ROOT, build_site, run_cli, write_files

#: 2027-03-10T12:00:00Z, four days before New York's clocks go forward (2027-03-14).
NOW = 1804680000

#: Open; its deadline, 6 PM EDT on the 16th (22:00Z), is after the change, its closing
#: window (72 hours before: 5 PM EST on the 13th, still 22:00Z) and some of its day
#: boundaries before it.
CALL = """\
---
title: Call the governor about the dam
slug: call-about-the-dam
date: 2027-03-01T09:00
deadline: 2027-03-16T18:00
timezone: America/New_York
targets: Governor
actions:
  - label: Call the governor
    url: tel:+12025550100
    kind: call
---

The dam.
"""

#: Scheduled: appears at 9 AM EST on the 12th (14:00Z); a bare-date deadline, the end of
#: the 20th in EDT (03:59:59Z on the 21st).
EMBARGO = """\
---
title: The river report
slug: river-report
date: 2027-03-12T09:00
deadline: 2027-03-20
timezone: America/New_York
targets: River board
actions:
  - label: Sign
    url: https://example.org/river
    kind: petition
---

The river.
"""

#: Its own date has passed; it waits for its original, the river report.
EMBARGO_ES = """\
---
title: El informe del río
slug: river-report
lang: es
translation: true
date: 2027-03-01T09:00
deadline: 2027-03-20
timezone: America/New_York
targets: River board
actions:
  - label: Firmar
    url: https://example.org/river
    kind: petition
---

El río.
"""

#: Closed: nothing upcoming. A `status: skip` file: never published, never listed.
CLOSED = CALL.replace("call-about-the-dam", "closed-one").replace(
    "deadline: 2027-03-16T18:00", "deadline: 2027-03-05T18:00")
SKIPPED = CALL.replace("call-about-the-dam", "skipped-one").replace(
    "timezone:", "status: skip\ntimezone:")

FILES = {"alerts/call.md": CALL, "alerts/river.md": EMBARGO, "alerts/river.es.md": EMBARGO_ES,
         "alerts/closed.md": CLOSED, "alerts/skip.md": SKIPPED}

CALL_URL, RIVER_URL, RIVER_ES_URL = ("alerts/call-about-the-dam/", "alerts/river-report/",
                                     "alerts/river-report/es/")
EXPECTED = [
    ("2027-03-10T22:00:01Z", "days-left", CALL_URL),      # 6 days left -> 5
    ("2027-03-11T22:00:01Z", "days-left", CALL_URL),
    ("2027-03-12T14:00:00Z", "publishes", RIVER_URL),
    ("2027-03-12T14:00:00Z", "publishes", RIVER_ES_URL),
    ("2027-03-12T22:00:01Z", "days-left", CALL_URL),
    ("2027-03-13T04:00:00Z", "days-left", RIVER_URL),     # 8 days left -> 7
    ("2027-03-13T04:00:00Z", "days-left", RIVER_ES_URL),
    ("2027-03-13T22:00:00Z", "closing-soon", CALL_URL),   # 72 h, not 72 wall-clock hours
    ("2027-03-13T22:00:01Z", "days-left", CALL_URL),
    ("2027-03-14T04:00:00Z", "days-left", RIVER_URL),
    ("2027-03-14T04:00:00Z", "days-left", RIVER_ES_URL),
    ("2027-03-14T22:00:01Z", "days-left", CALL_URL),      # 2 days left -> 47 hours
    ("2027-03-15T04:00:00Z", "days-left", RIVER_URL),
    ("2027-03-15T04:00:00Z", "days-left", RIVER_ES_URL),
    ("2027-03-16T04:00:00Z", "days-left", RIVER_URL),
    ("2027-03-16T04:00:00Z", "days-left", RIVER_ES_URL),
    ("2027-03-16T22:00:00Z", "closes", CALL_URL),
    ("2027-03-17T04:00:00Z", "days-left", RIVER_URL),
    ("2027-03-17T04:00:00Z", "days-left", RIVER_ES_URL),
    ("2027-03-18T03:59:59Z", "closing-soon", RIVER_URL),
    ("2027-03-18T03:59:59Z", "closing-soon", RIVER_ES_URL),
    ("2027-03-18T04:00:00Z", "days-left", RIVER_URL),
    ("2027-03-18T04:00:00Z", "days-left", RIVER_ES_URL),
    ("2027-03-19T04:00:00Z", "days-left", RIVER_URL),
    ("2027-03-19T04:00:00Z", "days-left", RIVER_ES_URL),
    ("2027-03-21T03:59:59Z", "closes", RIVER_URL),
    ("2027-03-21T03:59:59Z", "closes", RIVER_ES_URL),
]


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schedule") / "content"
    write_files(folder, FILES)
    return folder


def _schedule(content, *extra, epoch=NOW):
    return run_cli("schedule", "-s", str(ROOT / "pelicanconf.py"), "-i", str(content),
                   *extra, env={"SOURCE_DATE_EPOCH": str(epoch)}, cwd=content.parent)


def test_every_kind_of_moment_in_order_across_a_daylight_saving_change(content):
    before = {p for p in content.parent.rglob("*")}
    done = _schedule(content)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{at}  {kind}  {url}" for at, kind, url in EXPECTED]
    assert {p for p in content.parent.rglob("*")} == before, "the schedule wrote something"


def test_json_gives_the_same_moments_with_their_files(content):
    done = _schedule(content, "--format", "json")
    assert done.returncode == 0, done.stderr
    sources = {CALL_URL: "call.md", RIVER_URL: "river.md", RIVER_ES_URL: "river.es.md"}
    assert json.loads(done.stdout) == [
        {"at": at, "kind": kind, "url": url, "source": f"content/alerts/{sources[url]}"}
        for at, kind, url in EXPECTED]


def test_the_makefile_target_honours_inputdir_conffile_and_format(content):
    conf = content.parent / "myconf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
                    "from pelicanconf import *\n"
                    "ALERTS = {**ALERTS, 'closing_soon_hours': 24}\n"
                    "ARTICLE_URL = 'act/{slug}/'\nARTICLE_SAVE_AS = 'act/{slug}/index.html'\n")
    done = subprocess.run(
        ["make", "-s", "schedule", f"INPUTDIR={content}", f"CONFFILE={conf}", "FORMAT=json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(NOW)})
    assert done.returncode == 0, done.stderr
    moments = json.loads(done.stdout)
    assert {"at": "2027-03-15T22:00:00Z", "kind": "closing-soon",
            "url": "act/call-about-the-dam/", "source": str(content / "alerts/call.md")} \
        in moments  # (a path outside the working folder is given whole)
    assert not any(m["kind"] == "closing-soon" and m["at"] == "2027-03-13T22:00:00Z"
                   for m in moments)


def test_nothing_upcoming_prints_nothing(content):
    done = _schedule(content, epoch=NOW + 30 * 86400)
    assert done.returncode == 0 and done.stdout == ""
    assert "Nothing upcoming after 2027-04-09T12:00:00Z" in done.stderr
    assert json.loads(_schedule(content, "--format", "json", epoch=NOW + 30 * 86400).stdout) == []


def test_a_broken_file_is_reported_and_left_out(tmp_path):
    folder = tmp_path / "content"
    write_files(folder, {"alerts/call.md": CALL,
                         "alerts/bad.md": EMBARGO.replace("date: 2027-03-12T09:00",
                                                          "date: next Friday")})
    done = _schedule(folder)
    assert done.returncode == 1
    assert "content/alerts/bad.md:4: date: 'next Friday' is not an ISO 8601 date" in done.stderr
    assert done.stdout.splitlines()[0] == f"2027-03-10T22:00:01Z  days-left  {CALL_URL}"
    assert RIVER_URL not in done.stdout


def _utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)


def _page(site, url):
    """What a moment may change on the alert's page: whether it exists, its state, and
    the time left as built."""
    path = site.output / url / "index.html"
    if not path.is_file():
        return None
    soup = site.html(f"{url}index.html")
    left = soup.select_one("[data-time-left]")
    return (soup.select_one("[data-alert]")["data-state"], left.get_text() if left else None)


@pytest.mark.parametrize("at, kind, url", [
    EXPECTED[0], EXPECTED[2], EXPECTED[7], EXPECTED[11], EXPECTED[16]],
    ids=["days-left", "publishes", "closing-soon", "days-to-hours", "closes"])
def test_each_moment_changes_the_page_built_at_it_and_not_before(tmp_path, at, kind, url):
    """A build one second before the moment and one at it: the page differs."""
    moment = int(_utc(at).timestamp())
    files = {name: text for name, text in FILES.items() if "closed" not in name}
    before = build_site(tmp_path / "before", files, epoch=moment - 1)
    after = build_site(tmp_path / "after", files, epoch=moment)
    assert before.result.ok and after.result.ok, before.messages + after.messages
    old, new = _page(before, url), _page(after, url)
    assert old != new, f"{kind} at {at}: the page is the same either side"
    if kind == "publishes":
        assert old is None and new is not None


def test_the_november_change_too_closing_soon_is_72_real_hours_before():
    """Due at 6 PM EST on 3 November 2026, after the clocks went back on the 1st: closing
    soon at 23:00Z on 31 October — 7 PM EDT there, not the wall-clock 6 PM."""
    from conftest import NEW_YORK, park_alert

    from alerts.site.schedule import moments

    alert = park_alert(date=datetime(2026, 10, 1, 9, 0, tzinfo=NEW_YORK),
                       deadline=datetime(2026, 11, 3, 18, 0, tzinfo=NEW_YORK))
    now = datetime(2026, 10, 30, 12, 0, tzinfo=UTC)
    assert [m.line() for m in moments([alert], now, 72)] == [
        "2026-10-30T23:00:01Z  days-left  alerts/save-the-park/",  # 4 days left -> 3
        "2026-10-31T23:00:00Z  closing-soon  alerts/save-the-park/",
        "2026-10-31T23:00:01Z  days-left  alerts/save-the-park/",
        "2026-11-01T23:00:01Z  days-left  alerts/save-the-park/",
        "2026-11-03T23:00:00Z  closes  alerts/save-the-park/",
    ]
