"""Head meta: Open Graph, Twitter card and JSON-LD carry front-matter text safely."""

from __future__ import annotations

import json
import logging
import sys
import types
from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from conftest import NEW_YORK, build_site, park_alert
from jinja2 import Environment, FileSystemLoader

from alerts.authoring.model import Alert
from sharing import meta, sharing

TEMPLATES = Path(__file__).parent.parent / "theme" / "templates"
SITE = "https://alerts.example.org"
EVIL = 'Say "no" to <script>alert(1)</script> & </script><b>bold</b> \u2028 end'


class CardRef(NamedTuple):
    path: str
    width: int
    height: int
    alt: str
    mime: str


def fake_card_for(alert, settings):
    if alert is None:
        return CardRef("images/site-card.png", 1200, 630, "Action Alerts", "image/png")
    return CardRef(f"alerts/{alert.slug}/card.jpg", 1200, 630, f"Card: {alert.title}",
                   "image/jpeg")


def make_alert(**changes) -> Alert:
    return park_alert(**{
        "share_text": "Call the council!",
        "deadline": datetime(2024, 5, 10, 17, 0, tzinfo=NEW_YORK),
        "modified": datetime(2024, 5, 2, 12, 30, tzinfo=NEW_YORK),
        "tags": ("parks", "city council"), "authors": ("Ana Ruiz",), **changes})


def render(settings=None, **context) -> BeautifulSoup:
    settings = {"SITEURL": SITE, "SITENAME": "Action Alerts", "DEFAULT_LANG": "en",
                **(settings or {})}
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.globals.update(sharing.jinja_globals(settings, fake_card_for))
    html = env.get_template("partials/meta.html").render(SITENAME=settings["SITENAME"],
                                                         **context)
    return BeautifulSoup(f"<head>{html}</head>", "html.parser")


def render_alert(alert, **settings) -> BeautifulSoup:
    return render(settings, alert=alert, article=object(), page_title=alert.title,
                  page_description=alert.summary, canonical_path=alert.url, lang=alert.lang)


def prop(soup, name) -> str:
    tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
    return tag["content"] if tag else None


def json_ld(soup) -> dict:
    return json.loads(soup.find("script", type="application/ld+json").string)


def test_alert_page_has_every_tag():
    soup = render_alert(make_alert())
    page = f"{SITE}/alerts/save-the-park/"
    card = f"{SITE}/alerts/save-the-park/card.jpg"
    assert soup.title.string == "Save the park — Action Alerts"
    assert prop(soup, "description") == "The council votes on Friday."
    assert soup.find("link", rel="canonical")["href"] == page
    assert prop(soup, "og:site_name") == "Action Alerts"
    assert prop(soup, "og:type") == "article"
    assert prop(soup, "og:title") == "Save the park"
    assert prop(soup, "og:description") == "The council votes on Friday."
    assert prop(soup, "og:url") == page
    assert prop(soup, "og:image") == card
    assert (prop(soup, "og:image:width"), prop(soup, "og:image:height")) == ("1200", "630")
    assert prop(soup, "og:image:alt") == "Card: Save the park"
    assert prop(soup, "og:locale") == "en_US"
    assert prop(soup, "article:published_time") == "2024-05-01T09:00:00-04:00"
    assert prop(soup, "article:modified_time") == "2024-05-02T12:30:00-04:00"
    assert prop(soup, "article:expiration_time") == "2024-05-10T17:00:00-04:00"
    tags = [m["content"] for m in soup.find_all("meta", attrs={"property": "article:tag"})]
    assert tags == ["parks", "city council"]
    assert prop(soup, "twitter:card") == "summary_large_image"
    assert prop(soup, "twitter:site") is None
    assert prop(soup, "twitter:title") == "Save the park"
    assert prop(soup, "twitter:description") == "The council votes on Friday."
    assert prop(soup, "twitter:image") == card
    assert prop(soup, "twitter:image:alt") == "Card: Save the park"


def test_alert_json_ld_is_a_news_article_that_expires_at_the_deadline():
    data = json_ld(render_alert(make_alert()))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Save the park"
    assert data["description"] == "The council votes on Friday."
    assert data["datePublished"] == "2024-05-01T09:00:00-04:00"
    assert data["dateModified"] == "2024-05-02T12:30:00-04:00"
    assert data["expires"] == "2024-05-10T17:00:00-04:00"
    assert data["author"] == [{"@type": "Person", "name": "Ana Ruiz"}]
    assert data["image"] == [f"{SITE}/alerts/save-the-park/card.jpg"]
    assert data["publisher"] == {"@type": "Organization", "name": "Action Alerts",
                                 "url": f"{SITE}/"}


def test_unmodified_alert_without_authors_or_deadline():
    data = json_ld(render_alert(make_alert(modified=None, authors=(), deadline=None)))
    assert data["dateModified"] == data["datePublished"]
    assert data["author"] == [{"@type": "Organization", "name": "Action Alerts"}]
    assert "expires" not in data


def test_markup_in_front_matter_stays_text_everywhere():
    alert = make_alert(title=EVIL, summary=EVIL, share_text=EVIL, tags=(EVIL,))
    soup = render_alert(alert)
    assert soup.title.string == f"{EVIL} — Action Alerts"
    for name in ("og:title", "twitter:title", "og:description", "description", "article:tag"):
        assert prop(soup, name) == EVIL, name
    assert json_ld(soup)["headline"] == EVIL
    assert json_ld(soup)["keywords"] == [EVIL]
    # Only the JSON-LD script exists, nothing escaped into elements.
    assert len(soup.find_all("script")) == 1
    assert soup.find("b") is None
    raw = soup.find("script").string
    assert "<" not in raw and ">" not in raw and "&" not in raw and "\u2028" not in raw


def test_markup_in_titles_survives_into_share_urls():
    settings = {"SITEURL": SITE, "SITENAME": "Action Alerts"}
    links = sharing.jinja_globals(settings, fake_card_for)["share_links"](
        make_alert(title=EVIL, share_text=EVIL))
    for network, _label, url in links:
        if network in ("facebook", "linkedin"):  # they take the link alone
            continue
        # Our fediverse page takes its words after "#", the networks in the query.
        part = urlsplit(url).fragment if network == "fediverse" else urlsplit(url).query
        values = [v for vs in parse_qs(part).values() for v in vs]
        assert any(EVIL in v for v in values), network


def test_twitter_site_from_settings():
    soup = render_alert(make_alert(), SHARE={"twitter_site": "ActionAlerts"})
    assert prop(soup, "twitter:site") == "@ActionAlerts"
    soup = render_alert(make_alert(), SHARE={"twitter_site": "@ActionAlerts"})
    assert prop(soup, "twitter:site") == "@ActionAlerts"


def test_og_locale_follows_the_alert_language():
    assert prop(render_alert(make_alert(lang="es")), "og:locale") == "es_ES"
    assert meta.og_locale("es-MX") == "es_MX"
    assert meta.og_locale("pt_pt") == "pt_PT"
    assert meta.og_locale("de") == "de_DE"
    assert meta.og_locale("pt", {"pt": "pt_PT"}) == "pt_PT"
    assert meta.og_locale(None) == "en_US"


def test_site_pages_get_site_meta_and_the_site_card():
    # The theme's site templates end page_title with " — SITENAME" themselves.
    soup = render(page_title="Closed alerts — Action Alerts",
                  page_description="Alerts that have closed.", canonical_path="archive/",
                  page_lang="es")
    assert soup.title.string == "Closed alerts — Action Alerts"
    assert prop(soup, "og:title") == "Closed alerts"
    assert prop(soup, "og:locale") == "es_ES"
    assert prop(soup, "og:type") == "website"
    assert prop(soup, "og:url") == f"{SITE}/archive/"
    assert prop(soup, "og:image") == f"{SITE}/images/site-card.png"
    assert prop(soup, "twitter:image:alt") == "Action Alerts"
    assert soup.find("meta", attrs={"property": "article:published_time"}) is None
    assert soup.find("script") is None


def test_home_page_is_the_website():
    soup = render(page_title="Action Alerts", page_description="Act on what matters.",
                  canonical_path="", lang="en")
    assert soup.title.string == "Action Alerts"
    assert soup.find("link", rel="canonical")["href"] == f"{SITE}/"
    data = json_ld(soup)
    assert data == {"@context": "https://schema.org", "@type": "WebSite", "name": "Action Alerts",
                    "url": f"{SITE}/", "description": "Act on what matters."}


def test_relative_urls_do_not_reach_absolute_meta():
    # Pelican's RELATIVE_URLS puts SITEURL=".." in each page's context; meta ignores it.
    soup = render_alert(make_alert(), RELATIVE_URLS=True)
    soup2 = render({"RELATIVE_URLS": True}, alert=make_alert(), SITEURL="../..",
                   canonical_path="alerts/save-the-park/")
    for s in (soup, soup2):
        assert prop(s, "og:url") == f"{SITE}/alerts/save-the-park/"


def test_without_siteurl_absolute_tags_are_left_out():
    soup = render_alert(make_alert(), SITEURL="")
    assert soup.find("link", rel="canonical") is None
    assert prop(soup, "og:url") is None and prop(soup, "og:image") is None
    assert prop(soup, "twitter:card") == "summary"
    assert prop(soup, "og:title") == "Save the park"


class FakePelican:
    def __init__(self, settings):
        self.settings = settings


def test_initialized_registers_globals_and_warns_once_without_siteurl(monkeypatch, caplog):
    cardjobs = types.ModuleType("sharing.cards.jobs")
    cardjobs.card_for = fake_card_for
    monkeypatch.setitem(sys.modules, "sharing.cards.jobs", cardjobs)
    settings = {"SITEURL": "", "SITENAME": "Action Alerts", "JINJA_GLOBALS": {"other": 1}}
    with caplog.at_level(logging.WARNING, logger="sharing"):
        sharing.initialized(FakePelican(settings))
    assert [r.getMessage() for r in caplog.records if "SITEURL" in r.getMessage()] == [
        "sharing: SITEURL is empty, so pages have no canonical link, og:url or card image, "
        "share links are relative and no email edition is written; set SITEURL in "
        "publishconf.py"]
    glob = settings["JINJA_GLOBALS"]
    assert glob["other"] == 1
    assert {"share_links", "share_url", "head_meta", "t"} <= set(glob)


def test_initialized_is_silent_with_siteurl(monkeypatch, caplog):
    cardjobs = types.ModuleType("sharing.cards.jobs")
    cardjobs.card_for = fake_card_for
    monkeypatch.setitem(sys.modules, "sharing.cards.jobs", cardjobs)
    settings = {"SITEURL": SITE + "/", "SITENAME": "Action Alerts"}
    with caplog.at_level(logging.WARNING):
        sharing.initialized(FakePelican(settings))
    assert not caplog.records
    assert settings["JINJA_GLOBALS"]["share_url"](park_alert()) == \
        SITE + "/alerts/save-the-park/"


ALERT_MD = """\
---
title: 'Save the "park" </script><script>alert(1)</script>'
date: 2024-05-01 09:00
deadline: 2030-05-10 17:00
summary: The council votes on Friday & we must act.
share_text: {share_text}
hashtags: [SaveThePark]
targets:
  - name: Jane Council
actions:
  - label: Sign the petition
    url: https://example.org/sign
---
Body.
"""


def build_park(tmp_path, monkeypatch, share_text="Call the council!", **overrides):
    """A real build of one alert without the print plugin, with a stand-in for the card
    plugin part."""
    cardjobs = types.ModuleType("sharing.cards.jobs")
    cardjobs.card_for = fake_card_for
    cardjobs.write_cards = lambda state: None
    monkeypatch.setitem(sys.modules, "sharing.cards.jobs", cardjobs)
    return build_site(tmp_path, {"alerts/park.md": ALERT_MD.format(share_text=share_text)},
                      settings={"PLUGINS": ["alerts", "sharing"], "SITEURL": SITE,
                                **overrides})


def test_full_build_writes_absolute_meta_despite_relative_urls(tmp_path, monkeypatch):
    site = build_park(tmp_path, monkeypatch, RELATIVE_URLS=True)
    assert site.result.ok, site.messages
    [page] = (site.output / "alerts").glob("*/index.html")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    url = f"{SITE}/alerts/{page.parent.name}/"
    assert prop(soup, "og:url") == url
    assert soup.find("link", rel="canonical")["href"] == url
    assert json_ld(soup)["headline"] == 'Save the "park" </script><script>alert(1)</script>'
    assert [s.get("src") for s in soup.find_all("script") if not s.get("src")] == [None]
    assert soup.find("section", class_="share").find(id="share-heading") is not None


def test_full_build_reports_a_long_share_text(tmp_path, monkeypatch):
    site = build_park(tmp_path, monkeypatch, share_text="公園を守ろう" * 22)
    [problem] = site.result.errors
    assert (problem.line, problem.field) == (6, "share_text")
    assert problem.message.startswith("301 of 280 characters")
