"""Scheduled publishing: an alert dated after the build's "now" is checked in full but
published nowhere — no page, draft, listing, tag or target page, feed, calendar, card,
embed, photo or header rule — until a build at or after its date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import EPOCH, ROOT, build_site, errors_of, replace_once, run_cli, write_files
from photos import poster_photo

SITE = "https://alerts.example.org"
#: 2026-12-05T14:00:00Z: when the embargoed alert below may appear (EPOCH is 2026-11-30).
APPEARS = 1796479200

EMBARGOED = """\
---
title: Embargoed report on the water board
slug: embargoed-water-report
date: 2026-12-05T09:00
deadline: 2026-12-20T17:00
timezone: America/New_York
targets: Secretwater Board
actions:
  - label: Read and sign
    url: https://example.org/embargoed-sign
    kind: petition
  - label: Come to the hearing
    url: https://example.org/embargoed-hearing
    kind: event
    start: 2026-12-15T18:00
image: images/embargo.jpg
image_alt: A lake at dawn.
tags: [embargotag]
---

The embargoed report says the water board hid the test results.
"""

TRANSLATION = """\
---
title: Informe embargado sobre la junta del agua
slug: embargoed-water-report
lang: es
translation: true
date: 2026-11-29T09:00
deadline: 2026-12-20T17:00
timezone: America/New_York
targets: Secretwater Board
actions:
  - label: Leer y firmar
    url: https://example.org/embargoed-sign
    kind: petition
tags: [etiquetaembargo]
---

El informe embargado.
"""

DRAFT = """\
---
title: A scheduled draft about the bridge
slug: scheduled-bridge-draft
status: draft
date: 2026-12-03T09:00
targets: Bridge office
actions:
  - label: Write
    url: https://example.org/bridge
---

Drafted ahead.
"""

OPEN = """\
---
title: Ask the council to fund the clinic
slug: fund-the-clinic
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
timezone: America/New_York
targets: City council
actions:
  - label: Email the council
    url: https://example.org/act
    kind: email
tags: [health]
---

The clinic closes in January unless the council funds it.
"""

ALERTS = {
    "alerts/embargo.md": EMBARGOED,
    "alerts/embargo.es.md": TRANSLATION,
    "alerts/bridge.md": DRAFT,
    "alerts/clinic.md": OPEN,
}
#: Words only the held-back alerts carry: none may be in any file of the output.
SECRETS = ("embargoed", "Embargoed", "embargado", "Secretwater", "embargotag",
           "etiquetaembargo", "scheduled-bridge-draft", "bridge", "embargo.jpg")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    photo = poster_photo(tmp_path_factory.mktemp("photo") / "p.jpg", size=(600, 400))
    return {**ALERTS, "images/embargo.jpg": photo.read_bytes()}


def _publish(root, epoch, files):
    return build_site(root, files, epoch=epoch, conf=ROOT / "publishconf.py",
                      env={"SITEURL": SITE})


def _leaks(output) -> list[str]:
    found = []
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        found += [f"{rel}: in its path ({word})" for word in SECRETS if word in rel]
        if path.is_file():
            data = path.read_bytes()
            found += [f"{rel}: {word}" for word in SECRETS if word.encode() in data]
    return found


@pytest.fixture(scope="module")
def before(tmp_path_factory, files):
    return _publish(tmp_path_factory.mktemp("before"), EPOCH, files)


def test_a_future_dated_alert_is_absent_from_every_output_file(before):
    assert before.result.ok, before.messages
    assert (before.output / "alerts/fund-the-clinic/index.html").is_file()
    assert (before.output / "calendar.ics").is_file() and (before.output / "_headers").is_file()
    assert _leaks(before.output) == []


def test_the_build_says_when_each_held_alert_appears(before):
    held = {path.rsplit("/", 1)[-1]: moment for path, moment in before.result.scheduled}
    appears = datetime.fromtimestamp(APPEARS, UTC)
    # The translation's own date has passed: it waits for its original.
    assert held == {"embargo.md": appears, "embargo.es.md": appears,
                    "bridge.md": datetime(2026, 12, 3, 14, 0, tzinfo=UTC)}


def test_at_its_date_the_alert_is_everywhere(tmp_path, files):
    site = _publish(tmp_path, APPEARS, files)
    assert site.result.ok, site.messages
    assert site.result.scheduled == []
    out = site.output
    home = (out / "index.html").read_text("utf-8")
    assert "alerts/embargoed-water-report/" in home
    for rel in ("alerts/embargoed-water-report/index.html",
                "alerts/embargoed-water-report/es/index.html",
                "alerts/embargoed-water-report/embargo.jpg",
                "alerts/embargoed-water-report/embed/index.html",
                "alerts/embargoed-water-report/deadline.ics",
                "drafts/scheduled-bridge-draft/index.html",
                "tags/embargotag/index.html", "targets/secretwater-board/index.html"):
        assert (out / rel).is_file(), rel
    for rel in ("feeds/alerts.atom.xml", "feeds/alerts.json", "calendar.ics",
                "embed/open-alerts/index.html"):
        assert "embargoed-water-report" in (out / rel).read_text("utf-8"), rel
    assert list((out / "alerts/embargoed-water-report").glob("card.*"))


def test_a_broken_scheduled_alert_still_fails_the_build(tmp_path, files):
    broken = replace_once(EMBARGOED, "deadline: 2026-12-20T17:00", "deadline: next week")
    site = build_site(tmp_path, {**files, "alerts/embargo.md": broken})
    assert not site.result.ok
    assert any(":5: deadline: 'next week' is not an ISO 8601 date" in error
               for error in errors_of(site.result, "embargo"))


def test_a_follow_up_naming_a_scheduled_alert_says_when_it_appears(tmp_path, files):
    closed = """\
---
title: Keep the pool open
slug: keep-the-pool-open
date: 2026-10-01T09:00
deadline: 2026-10-20T17:00
timezone: America/New_York
targets: Parks board
actions:
  - label: Sign
    url: https://example.org/pool
outcome: lost
follow_up: alerts/embargoed-water-report
---

The pool.
"""
    site = build_site(tmp_path, {**files, "alerts/pool.md": closed})
    assert errors_of(site.result, "pool") == [
        f"{site.content}/alerts/pool.md:12: follow_up: 'embargoed-water-report' is "
        "scheduled: it appears at 2026-12-05T14:00:00Z; link it from a build after then, "
        "or write alerts/<slug> of a published alert, or a web address"]


def test_a_scheduled_alert_that_takes_a_published_slug_is_reported_now(tmp_path, files):
    clash = replace_once(EMBARGOED, "slug: embargoed-water-report", "slug: fund-the-clinic")
    site = build_site(tmp_path, {"alerts/clinic.md": OPEN, "alerts/zz.md": clash,
                                 "images/embargo.jpg": files["images/embargo.jpg"]})
    assert [e for e in errors_of(site.result, "zz") if ": slug: 'fund-the-clinic':" in e]


def test_make_check_prints_when_each_scheduled_alert_appears(tmp_path, files):
    content = tmp_path / "content"
    write_files(content, files)
    done = run_cli("check", "-s", str(ROOT / "pelicanconf.py"), "-i", str(content),
                   "-o", str(tmp_path / "out"), env={"SOURCE_DATE_EPOCH": str(EPOCH)},
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "4 alerts checked, 0 problems"
    assert [line for line in lines if ": scheduled: " in line] == [
        "content/alerts/bridge.md: scheduled: appears at 2026-12-03T14:00:00Z, at the "
        "first build from then on",
        "content/alerts/embargo.es.md: scheduled: appears at 2026-12-05T14:00:00Z, at the "
        "first build from then on",
        "content/alerts/embargo.md: scheduled: appears at 2026-12-05T14:00:00Z, at the "
        "first build from then on",
    ]
