"""What the listings carry for alert.js to keep them to the clock, as built: each alert not
yet closed is `data-live` with its time left; the home page's "Just closed" section waits
empty and hidden; ALERTS["home_closed"] takes "just-closed" or "hidden", and nothing else."""

from __future__ import annotations

import json

import pytest
from conftest import MINIMAL_ALERT, ROOT, build_site

CLOSED = MINIMAL_ALERT.replace("title: Tell the council to fund the clinic",
                               "title: The closed one").replace(
    "deadline: 2026-12-20T17:00", "deadline: 2026-11-25T17:00")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("live"),
                      {"alerts/open.md": MINIMAL_ALERT, "alerts/closed.md": CLOSED})


def test_home_lists_open_alerts_live_and_an_empty_just_closed_section(site):
    home = site.html("index.html")
    (listing,) = home.select("[data-alert-list]")
    assert listing["data-home-closed"] == "just-closed"
    assert listing["data-closing-hours"] == "72"
    assert set(json.loads(listing["data-words"])) == {"en"}
    (item,) = listing.select("li.alert-item")
    assert item.has_attr("data-live")
    assert item.select_one("[data-time-left]").get_text() == "20 days left"
    section = home.select_one("[data-just-closed]")
    assert section.has_attr("hidden") and section.select("li") == []
    assert section.h2.get_text() == "Just closed"
    assert home.select_one("[data-none-open]").has_attr("hidden")
    assert home.select_one('script[src$="js/alert.js"]') is not None


def test_a_closed_alert_is_not_live_and_the_archive_loads_no_script(site):
    archive = site.html("archive/index.html")
    (item,) = archive.select("li.alert-item")
    assert not item.has_attr("data-live") and item.select_one("[data-time-left]") is None
    assert archive.select_one("script[src]") is None


def test_home_closed_hidden_leaves_the_section_out(tmp_path):
    hidden = build_site(tmp_path, {"alerts/open.md": MINIMAL_ALERT},
                        settings={"ALERTS": {"home_closed": "hidden"}})
    assert hidden.result.ok, hidden.messages
    home = hidden.html("index.html")
    assert home.select_one("[data-alert-list]")["data-home-closed"] == "hidden"
    assert home.select_one("[data-just-closed]") is None


@pytest.mark.parametrize("value, hint", [
    ("hiden", "did you mean 'hidden'?"),
    ("remove", "give 'just-closed' or 'hidden'"),
])
def test_any_other_home_closed_is_a_settings_error(tmp_path, value, hint):
    site = build_site(tmp_path, {"alerts/open.md": MINIMAL_ALERT},
                      settings={"ALERTS": {"home_closed": value}})
    assert site.result.failures == [
        f"{ROOT / 'pelicanconf.py'}: ALERTS['home_closed'] = {value!r} is not one of just-closed, "
        f"hidden; {hint}"]
    assert not (tmp_path / "output").exists()
