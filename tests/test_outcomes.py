"""Before and after the deadline: updates, outcomes and follow-ups on the page, the
archive, the victories page, cards and JSON-LD; the feeds that carry open alerts and
updates only (Atom, read strictly by feedparser; JSON Feed, checked against its
published schema); and every inconsistency as a `path:line: field:` error."""

from __future__ import annotations

import json
from urllib.parse import urljoin, urlsplit

import feedparser
import jsonschema
import pytest
from conftest import EPOCH, ROOT, build_site, errors_of, replace_once

from alerts.authoring.model import CLOSED
from sharing.cards.jobs import deadline_label

SITE = "https://alerts.example.org"
SCHEMA = json.loads((ROOT / "node_modules/jsonfeed-schema/schema-v1.1.json").read_text())

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
updates:
  - date: 2026-11-22T10:00
    text: The council **delays** its vote.
  - date: 2026-11-29T15:30
    text: 300 of you have written. Keep going!
---

The clinic closes in January unless the council funds it.
"""

WON = """\
---
title: Keep the library open on Sundays
slug: library-sundays
date: 2026-10-01T09:00
deadline: 2026-10-20T17:00
timezone: America/New_York
targets: Library board
actions:
  - label: Sign the petition
    url: https://example.org/petition
    kind: petition
outcome: won
outcome_date: 2026-10-28
outcome_text: The board voted 5–2 to keep Sunday hours.
follow_up: alerts/fund-the-clinic
---

The board votes on Sunday hours.
"""

LOST = (WON.replace("slug: library-sundays", "slug: bus-route")
        .replace("Keep the library open on Sundays", "Save the 14 bus")
        .replace("outcome: won", "outcome: lost")
        .replace("follow_up: alerts/fund-the-clinic", "follow_up: https://example.org/next"))

CLOSED_PLAIN = (WON.replace("slug: library-sundays", "slug: old-alert")
                .replace("Keep the library open on Sundays", "An old alert")
                .replace("outcome: won\noutcome_date: 2026-10-28\n", "")
                .replace("outcome_text: The board voted 5–2 to keep Sunday hours.\n", "")
                .replace("follow_up: alerts/fund-the-clinic\n", ""))

FILES = {"alerts/open.md": OPEN, "alerts/won.md": WON, "alerts/lost.md": LOST,
         "alerts/closed.md": CLOSED_PLAIN}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = build_site(tmp_path_factory.mktemp("outcomes"), FILES,
                       conf=ROOT / "publishconf.py", env={"SITEURL": SITE})
    assert built.result.ok, built.messages
    return built


def test_updates_show_under_the_deadline_newest_first(site):
    page = site.alert("fund-the-clinic")
    updates = page.select(".alert-header .updates li")
    assert [u["id"] for u in updates] == ["update-20261129T1530", "update-20261122T1000"]
    assert "300 of you have written" in updates[0].text
    assert updates[1].select_one("strong").text == "delays"  # Markdown
    assert updates[0].time["datetime"] == "2026-11-29T15:30:00-05:00"


def test_a_won_alert_shows_its_outcome_and_what_to_do_now(site):
    page = site.alert("library-sundays")
    box = page.select_one(".outcome.outcome-won")
    assert " ".join(box.select_one(".outcome-line").text.split()) == (
        "Won: The board voted 5–2 to keep Sunday hours.")
    assert box.select_one("a.follow-up")["href"] == f"{SITE}/alerts/fund-the-clinic/"
    assert page.select_one(".badge").text == "Won"
    assert page.select_one("p.closed-notice") is None  # the outcome replaces it
    lost = site.alert("bus-route")
    assert lost.select_one(".badge").text == "Lost"
    assert lost.select_one("a.follow-up")["href"] == "https://example.org/next"
    plain = site.alert("old-alert")
    assert plain.select_one(".badge").text == "Closed" and plain.select_one(".outcome") is None


def test_archive_victories_and_navigation(site):
    archive = site.html("archive/index.html")
    lines = {" ".join(p.text.split()) for p in archive.select(".outcome-line")}
    assert lines == {"Won: The board voted 5–2 to keep Sunday hours.",
                     "Lost: The board voted 5–2 to keep Sunday hours."}
    victories = site.html("victories/index.html")
    assert [a.text for a in victories.select(".alert-item h2 a")] == [
        "Keep the library open on Sundays"]
    assert victories.find("a", attrs={"aria-current": "page"}).text == "Victories"


def test_json_ld_says_the_actions_state(site):
    def status(slug):
        data = json.loads(site.alert(slug).select_one(
            'script[type="application/ld+json"]').string)
        return data["potentialAction"]["actionStatus"].rsplit("/", 1)[1]

    assert status("fund-the-clinic") == "ActiveActionStatus"
    assert status("library-sundays") == "CompletedActionStatus"
    assert status("bus-route") == "FailedActionStatus"
    assert status("old-alert") == "CompletedActionStatus"


def test_the_card_of_a_closed_alert_says_its_outcome():
    from conftest import park_alert

    assert deadline_label(park_alert(state=CLOSED, outcome="won")) == "Won"
    assert deadline_label(park_alert(state=CLOSED, outcome="withdrawn")) == "Withdrawn"
    assert deadline_label(park_alert(state=CLOSED)) == "Closed"


def test_the_atom_feed_carries_open_alerts_and_their_updates_only(site):
    feed = feedparser.parse((site.output / "feeds/alerts.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    ids = [entry.id for entry in feed.entries]
    assert ids == [
        "tag:alerts.example.org,2026-11-20:/alerts/fund-the-clinic/#update-20261129T1530",
        "tag:alerts.example.org,2026-11-20:/alerts/fund-the-clinic/#update-20261122T1000",
        "tag:alerts.example.org,2026-11-20:/alerts/fund-the-clinic/"]
    assert feed.entries[0].link == f"{SITE}/alerts/fund-the-clinic/#update-20261129T1530"
    assert feed.entries[0].title == "Update: Ask the council to fund the clinic"


def test_the_outcomes_feed(site):
    feed = feedparser.parse((site.output / "feeds/outcomes.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Won: Keep the library open on Sundays",
                                               "Lost: Save the 14 bus"]


def test_the_json_feed_is_valid_and_carries_the_action(site):
    feed = json.loads((site.output / "feeds/alerts.json").read_text("utf-8"))
    jsonschema.validate(feed, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert feed["feed_url"] == f"{SITE}/feeds/alerts.json"
    alert = next(i for i in feed["items"] if "#" not in i["id"])
    assert alert["_action"] == {
        "deadline": "2026-12-20T17:00:00-05:00", "state": "open", "targets": ["City council"],
        "actions": [{"label": "Email the council", "kind": "email",
                     "url": "https://example.org/act"}], "outcome": None}
    assert len(feed["items"]) == 3


def test_feeds_are_discoverable_from_every_page(site):
    for page in ("index.html", "alerts/fund-the-clinic/index.html", "victories/index.html"):
        head = site.html(page).head
        assert head.find("link", type="application/feed+json")["href"] == (
            f"{SITE}/feeds/alerts.json")
        assert head.find("link", type="application/atom+xml")["href"] == (
            f"{SITE}/feeds/alerts.atom.xml")


def test_a_preview_feeds_links_lead_to_its_pages(tmp_path):
    """No SITEURL: each address starts at the root, so a reader resolving it against the
    feed's own address (…/feeds/alerts.atom.xml) finds the page."""
    built = build_site(tmp_path, {"alerts/open.md": OPEN})
    assert built.result.ok, built.messages
    served = "http://127.0.0.1:8000/feeds/"
    atom = feedparser.parse((built.output / "feeds/alerts.atom.xml").read_bytes())
    json_feed = json.loads((built.output / "feeds/alerts.json").read_text("utf-8"))
    links = [entry.link for entry in atom.entries] + [i["url"] for i in json_feed["items"]]
    assert len(links) == 6, links
    for link in [*links, json_feed["home_page_url"], json_feed["feed_url"]]:
        path = built.output / urlsplit(urljoin(served, link)).path.lstrip("/")
        assert path.is_file() or (path / "index.html").is_file(), link


def test_a_closed_alert_leaves_the_feeds_at_the_first_build_after(tmp_path):
    after = 1797900000  # 2026-12-21T23:20Z: after the clinic's deadline
    built = build_site(tmp_path, {"alerts/open.md": OPEN}, epoch=after,
                       conf=ROOT / "publishconf.py", env={"SITEURL": SITE})
    assert built.result.ok, built.messages
    feed = feedparser.parse((built.output / "feeds/alerts.atom.xml").read_bytes())
    assert feed.entries == []
    assert json.loads((built.output / "feeds/alerts.json").read_text())["items"] == []



MISTAKES = {
    "outcome-while-open": (replace_once(OPEN, "updates:", "outcome: won\nupdates:"),
                           ":12: outcome: the alert is still open until"),
    "unknown-outcome": (replace_once(WON, "outcome: won", "outcome: victory"),
                        ":12: outcome: 'victory' is not an outcome; write one of won, lost"),
    "outcome-no-deadline": (replace_once(WON, "deadline: 2026-10-20T17:00\n", ""),
                            ":11: outcome: an outcome is for an alert that has closed"),
    "outcome-date-early": (replace_once(WON, "outcome_date: 2026-10-28",
                                        "outcome_date: 2026-10-02"),
                           ":13: outcome_date: 2026-10-02 is before the deadline 2026-10-20"),
    "text-without-outcome": (replace_once(CLOSED_PLAIN, "---\n\nThe board",
                                  "outcome_text: It went well.\n---\n\nThe board"),
                             ":12: outcome_text: goes with `outcome:`"),
    "follow-up-unknown": (replace_once(WON, "alerts/fund-the-clinic", "alerts/no-such-alert"),
                          ":15: follow_up: 'no-such-alert' is not the slug of any alert"),
    "follow-up-self": (replace_once(WON, "alerts/fund-the-clinic",
                            "alerts/follow-up-self-library-sundays"),
                       ":15: follow_up: 'alerts/follow-up-self-library-sundays' is this "
                       "alert itself"),
    "follow-up-bad-url": (replace_once(WON, "alerts/fund-the-clinic", "javascript:alert(1)"),
                          ":15: follow_up: the javascript: scheme is not allowed"),
    "update-before-date": (replace_once(OPEN, "2026-11-22T10:00", "2026-11-19T10:00"),
                           ":13: updates: date: 2026-11-19T10:00:00-05:00 is before the "
                           "alert's date"),
    "update-in-future": (replace_once(OPEN, "2026-11-29T15:30", "2026-12-05T15:30"),
                         ":15: updates: date: 2026-12-05T15:30:00-05:00 is in the future"),
    "update-bad-shape": (replace_once(OPEN, "    text: The council **delays** its vote.\n", ""),
                         ":13: updates: text: an update needs its text"),
    "update-photo": (replace_once(OPEN, "The council **delays** its vote.",
                          "'![vote](/images/vote.jpg)'"),
                     ":12: updates: an update cannot show a photo"),
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    files = {f"alerts/{name}.md": text.replace("slug: ", f"slug: {name}-", 1)
             for name, (text, _) in MISTAKES.items()}
    files["alerts/open.md"] = OPEN  # what follow-ups may name
    return build_site(tmp_path_factory.mktemp("broken-outcomes"), files)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_inconsistency_names_its_line_and_field(broken, name):
    expected = MISTAKES[name][1]
    mine = errors_of(broken.result, name)
    assert any(f"alerts/{name}.md{expected}" in m for m in mine), mine


def test_the_epoch_is_the_one_the_mistakes_assume():
    assert EPOCH == 1796040000  # 2026-11-30T12:00Z: the clinic is open, the others closed
