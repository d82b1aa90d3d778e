"""Embeds for partner sites, built: each alert's embed page and the open alerts' list,
the oEmbed answer and its discovery link, the snippet on the alert page, and the headers
that let other sites frame the embeds and nothing else — `_headers` as Cloudflare Pages
and our preview server read it, and nginx's `location` blocks."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import MINIMAL_ALERT, ROOT, build_site

from alerts.build.config import SettingsError
from alerts.build.staging import load_settings
from alerts.preview.serve import headers_for, read_rules, site_server
from alerts.site import headers
from alerts.site.headers import CONTENT_SECURITY_POLICY
from alerts.site.urls import SiteURLs

SITEURL = "https://alerts.example.org"

CALL = """\
---
title: Call the mayor about the bus lanes
slug: bus-lanes
date: 2026-11-22T09:00
deadline: 2026-12-01T17:00
targets:
  - name: Mayor Ortiz
    phone: +1 202-555-0142
actions:
  - label: Call the mayor
    kind: call
    script: Please build the bus lanes.
  - label: Read the plan
    url: https://example.org/plan
---

The council votes on Tuesday.
"""

CLOSED = """\
---
title: Save the old library
slug: old-library
date: 2026-10-01T09:00
deadline: 2026-11-01T17:00
targets: Library board
actions:
  - label: Sign the petition
    url: https://example.org/library
    kind: petition
---

The board met in October.
"""

DRAFT = MINIMAL_ALERT.replace("title: Tell the council to fund the clinic",
                              "title: A draft\nslug: a-draft\nstatus: draft")

SPANISH = """\
---
title: Pide al concejo que financie la clínica
slug: tell-the-council-to-fund-the-clinic
lang: es
translation: true
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
targets: Concejo municipal
actions:
  - label: Escribe al concejo
    url: https://example.org/act-es
    kind: email
---

La clínica cierra en enero.
"""

FILES = {"alerts/clinic.md": MINIMAL_ALERT, "alerts/clinic.es.md": SPANISH,
         "alerts/bus.md": CALL, "alerts/library.md": CLOSED, "alerts/draft.md": DRAFT}
CLINIC = "alerts/tell-the-council-to-fund-the-clinic/"


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    built = build_site(tmp_path_factory.mktemp("embeds-dev"), FILES)
    assert built.result.ok, built.messages
    return built


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    built = build_site(tmp_path_factory.mktemp("embeds-pub"), FILES,
                       conf=ROOT / "publishconf.py", env={"SITEURL": SITEURL})
    assert built.result.ok, built.messages
    return built


def embed(site, page=CLINIC) -> BeautifulSoup:
    return site.html(page + "embed/index.html")


def resolve(page: str, href: str) -> str:
    """A link on the page at `page` (relative to the site's root), from the root."""
    return urljoin("http://site/" + page, href).removeprefix("http://site/")


# -- the embed page --------------------------------------------------------------------

def test_the_embed_shows_title_deadline_action_and_the_full_alert(dev):
    soup, page = embed(dev), dev.alert("tell-the-council-to-fund-the-clinic")
    assert soup.html["lang"] == "en" and not soup.html.get("dir")
    assert soup.h1.text == "Tell the council to fund the clinic"
    assert soup.select_one(".embed-site").text == "Action Alerts"
    deadline = soup.select_one(".embed-deadline")
    assert "Sunday, December 20, 2026, 5:00 PM EST" in deadline.text
    assert deadline.select_one(".time-left").text == page.select_one(".time-left").text
    assert deadline.select_one(".time-left").text == "20 days left"  # as built
    button, full = soup.select(".embed-links a")
    assert (button["href"], button.text) == ("https://example.org/act", "Email the council")
    assert resolve(CLINIC + "embed/", full["href"]) == CLINIC
    assert full.text == "Full alert"
    for link in (button, full):  # out of the partner's frame, with nothing to reach back
        assert link["target"] == "_blank"
        assert {"noopener", "noreferrer"} <= set(link["rel"])


def test_the_embed_runs_no_script_and_loads_nothing_from_elsewhere(dev):
    soup = embed(dev)
    assert soup.find("script") is None and soup.find(attrs={"style": True}) is None
    assert not soup.select("[onclick], [onload], iframe, img, form")
    assert soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] \
        == CONTENT_SECURITY_POLICY
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    [sheet] = soup.find_all("link")
    assert sheet["rel"] == ["stylesheet"]
    css = resolve(CLINIC + "embed/", sheet["href"])
    assert css == "theme/css/embed.css" and (dev.output / css).is_file()
    # Only the action itself leads to another site; the site's header and nav are not here.
    outside = [a["href"] for a in soup.find_all("a") if re.match(r"https?:", a["href"])]
    assert outside == ["https://example.org/act"]
    assert soup.select_one("nav, .site-header, footer") is None
    assert (dev.output / css).stat().st_size < 3000


def test_an_action_on_the_page_links_the_full_alert_at_that_action(dev):
    soup = embed(dev, "alerts/bus-lanes/")
    button = soup.select_one(".embed-links a.button")
    assert resolve("alerts/bus-lanes/embed/", button["href"]) == "alerts/bus-lanes/#act-1"
    assert dev.alert("bus-lanes").find(id="act-1") is not None
    assert button.text == "Call the mayor"
    assert "Closing soon" in soup.select_one(".embed-deadline").text


def test_a_closed_alerts_embed_says_so_and_links_the_full_alert(dev):
    soup = embed(dev, "alerts/old-library/")
    text = " ".join(soup.select_one(".embed-deadline").text.split())
    assert "This action closed on Sunday, November 1, 2026" in text
    assert soup.select_one(".button") is None and "example.org" not in str(soup)
    [full] = soup.select(".embed-links a")
    assert resolve("alerts/old-library/embed/", full["href"]) == "alerts/old-library/"


def test_a_translation_has_its_own_embed_in_its_language(dev):
    soup = embed(dev, CLINIC + "es/")
    assert soup.html["lang"] == "es"
    assert "Fecha límite" in soup.text and soup.select(".embed-links a")[1].text \
        == "Alerta completa"
    assert soup.select_one(".button")["href"] == "https://example.org/act-es"


def test_drafts_have_no_embed(dev):
    assert (dev.output / "drafts/a-draft/index.html").is_file()
    assert not (dev.output / "drafts/a-draft/embed").exists()
    assert dev.html("drafts/a-draft/index.html").select_one(".embed-code") is None
    assert "A draft" not in (dev.output / "embed/open-alerts/index.html").read_text("utf-8")


def test_the_open_alerts_embed_lists_every_open_alert_once(dev):
    soup = dev.html("embed/open-alerts/index.html")
    assert soup.h1.text == "Open alerts"
    items = soup.select(".embed-list > li")
    # Soonest deadline first, as on the home page; the closed alert and the draft not.
    assert [li.h2.text for li in items] == ["Call the mayor about the bus lanes",
                                            "Tell the council to fund the clinic"]
    assert [li["lang"] for li in items] == ["en", "en"]
    hrefs = [resolve("embed/open-alerts/", li.select_one("a.full")["href"]) for li in items]
    assert hrefs == ["alerts/bus-lanes/", CLINIC]
    assert soup.find("script") is None


# -- oEmbed and the snippet --------------------------------------------------------------

def test_oembed_answers_with_the_snippet_in_absolute_urls(published):
    answer = json.loads((published.output / CLINIC / "oembed.json").read_text("utf-8"))
    assert {k: answer[k] for k in ("type", "version", "title", "provider_name",
                                   "provider_url", "width", "height", "cache_age")} == {
        "type": "rich", "version": "1.0", "title": "Tell the council to fund the clinic",
        "provider_name": "Action Alerts", "provider_url": SITEURL + "/",
        "width": 560, "height": 260, "cache_age": 86400}
    frame = BeautifulSoup(answer["html"], "html.parser").iframe
    assert frame["src"] == f"{SITEURL}/{CLINIC}embed/"
    assert frame["title"] == "Tell the council to fund the clinic"
    assert (frame["width"], frame["height"], frame["loading"]) == ("100%", "260", "lazy")
    for page in ("alerts/old-library/", CLINIC + "es/"):  # closed and translated too
        assert json.loads((published.output / page / "oembed.json").read_text("utf-8"))


def test_the_alert_page_names_its_oembed_answer(published):
    [link] = published.alert("tell-the-council-to-fund-the-clinic").select(
        'head link[type="application/json+oembed"]')
    assert link["rel"] == ["alternate"]
    assert link["href"] == f"{SITEURL}/{CLINIC}oembed.json"
    assert link["title"] == "Tell the council to fund the clinic"


def test_a_preview_build_has_no_oembed(dev):
    """oEmbed needs absolute URLs, which a build without SITEURL cannot give."""
    assert not list(dev.output.rglob("oembed.json"))
    assert not dev.alert("tell-the-council-to-fund-the-clinic").select(
        'link[type="application/json+oembed"]')


def snippet_frame(site, slug="tell-the-council-to-fund-the-clinic"):
    section = site.alert(slug).select_one("section.embed-code")
    assert section is not None and "no-print" in section["class"]
    box = section.select_one("textarea[readonly]")
    assert section.select_one(f"label[for={box['id']}]").text == "Code to paste"
    return section, BeautifulSoup(box.text, "html.parser").iframe


def test_the_alert_page_offers_the_snippet(published):
    section, frame = snippet_frame(published)
    assert section.h2.text == "Embed on your site"
    assert section.textarea.text == json.loads(
        (published.output / CLINIC / "oembed.json").read_text("utf-8"))["html"]
    assert frame["src"] == f"{SITEURL}/{CLINIC}embed/" and frame["style"] == "border:0"
    assert "Preview" not in section.text


def test_a_preview_builds_snippet_is_relative_and_says_so(dev):
    section, frame = snippet_frame(dev)
    assert frame["src"] == f"/{CLINIC}embed/"
    assert "Preview" in section.text and "SITEURL" in section.text


def test_a_closed_alert_offers_no_snippet(dev, published):
    for site in (dev, published):
        assert site.alert("old-library").select_one(".embed-code") is None


def test_the_snippet_escapes_the_title(make_site):
    site = make_site({"alerts/q.md": MINIMAL_ALERT.replace(
        "title: Tell the council to fund the clinic",
        "title: 'Say \"no\" & <mean> it'\nslug: quotes")})
    assert site.result.ok, site.messages
    _, frame = snippet_frame(site, "quotes")
    assert frame["title"] == 'Say "no" & <mean> it' and not frame.contents


# -- where embeds live: the settings ---------------------------------------------------------

def test_embed_paths_follow_the_url_settings(make_site):
    site = make_site({"alerts/clinic.md": MINIMAL_ALERT, "alerts/clinic.es.md": SPANISH},
                     settings={"ARTICLE_URL": "act/{slug}/",
                               "ARTICLE_SAVE_AS": "act/{slug}/index.html",
                               "ARTICLE_LANG_URL": "act/{lang}/{slug}/",
                               "ARTICLE_LANG_SAVE_AS": "act/{lang}/{slug}/index.html",
                               "EMBED_OPEN_ALERTS_URL": "partners/open/",
                               "EMBED_OPEN_ALERTS_SAVE_AS": "partners/open/index.html"})
    assert site.result.ok, site.messages
    assert (site.output / "act/tell-the-council-to-fund-the-clinic/embed/index.html").is_file()
    assert (site.output / "act/es/tell-the-council-to-fund-the-clinic/embed/index.html"
            ).is_file()
    assert (site.output / "partners/open/index.html").is_file()
    assert not (site.output / "embed").exists()
    rules = [line for line in (site.output / "_headers").read_text("utf-8").splitlines()
             if line.startswith("/")]
    assert rules == ["/*", "/act/:slug/embed/*", "/act/:lang/:slug/embed/*", "/partners/open/*",
                     "/search/*"]


def test_the_open_alerts_embed_must_be_a_folder():
    settings = load_settings(ROOT / "pelicanconf.py", {"EMBED_OPEN_ALERTS_URL": "open.html"})
    with pytest.raises(SettingsError, match=re.escape("EMBED_OPEN_ALERTS_URL = 'open.html'")):
        SiteURLs(settings)


# -- headers: only embeds may be framed ------------------------------------------------------

FRAMED = ["/" + CLINIC + "embed/", "/" + CLINIC + "embed/index.html",
          "/" + CLINIC + "es/embed/", "/embed/open-alerts/"]
NOT_FRAMED = ["/", "/" + CLINIC, "/" + CLINIC + "es/", "/" + CLINIC + "embedded/",
              "/alerts/bus-lanes/letters/x/", "/theme/css/embed.css", "/404.html",
              "/archive/", "/embed/"]


def ancestors(found: dict[str, str]) -> str:
    [policy] = [p for p in found["Content-Security-Policy"].split(";")
                if p.strip().startswith("frame-ancestors")]
    return policy.strip()


def test_headers_let_only_the_embeds_be_framed(dev):
    rules = read_rules((dev.output / "_headers").read_text("utf-8"))
    for path in FRAMED:
        found = headers_for(rules, path)
        assert ancestors(found) == "frame-ancestors *", path
        assert "X-Frame-Options" not in found, path
        # One policy, not the site's joined to it (which would still forbid framing).
        assert "," not in found["Content-Security-Policy"], path
        assert found["X-Content-Type-Options"] == "nosniff", path
        assert found["Referrer-Policy"] == "same-origin" and found["Permissions-Policy"]
    for path in NOT_FRAMED:
        found = headers_for(rules, path)
        assert ancestors(found) == "frame-ancestors 'none'", path
        assert found["X-Frame-Options"] == "DENY", path


def test_headers_are_read_as_cloudflare_pages_reads_them():
    """Two rules' values of one header are joined, as Cloudflare Pages joins them; a
    `! Name` drops what earlier rules set, whatever its place in its rule."""
    rules = read_rules("/*\n  A: 1\n  B: 1\n# comment\n/x/:name/*\n  A: 2\n  ! B\n"
                       "/x/*\n  ! A\n  B: 3\n")
    assert headers_for(rules, "/y/") == {"A": "1", "B": "1"}
    assert headers_for(rules, "/x/a/b") == {"B": "3"}
    assert headers_for(rules, "/x/a/") == {"B": "3"}
    assert headers_for(read_rules("/*\n  A: 1\n/x\n  A: 2\n"), "/x") == {"A": "1, 2"}
    # `:name` is one whole segment: "/x/a" is not "/x/:name/…", and B is set twice.
    assert headers_for(rules, "/x/a") == {"B": "1, 3"}


def test_nginx_gives_the_embeds_their_own_location(dev):
    text = (dev.output / "nginx-headers.conf").read_text("utf-8")
    blocks = re.findall(r'^location ~ "([^"]+)" \{\n(.*?)^\}', text, re.M | re.S)
    # The embeds' locations; the search pages have their own (tests/test_search.py).
    blocks = [(regex, body) for regex, body in blocks if "frame-ancestors *" in body]
    assert len(blocks) == 3
    framed = dict(headers.policies(framed=True))
    for _, body in blocks:
        found = dict(re.findall(r'^    add_header ([\w-]+) "([^"]*)" always;$', body, re.M))
        assert found == framed and "X-Frame-Options" not in found
    site_wide = text.split("\nlocation")[0]
    assert 'add_header X-Frame-Options "DENY" always;' in site_wide
    for path in FRAMED:
        assert sum(bool(re.search(regex, path)) for regex, _ in blocks) == 1, path
    for path in NOT_FRAMED:
        assert not any(re.search(regex, path) for regex, _ in blocks), path


def test_the_preview_server_sends_them(dev):
    server = site_server(dev.output, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        def get(path):
            with urllib.request.urlopen(base + path, timeout=10) as response:
                return response.headers

        assert ancestors(get("/" + CLINIC + "embed/")) == "frame-ancestors *"
        assert get("/" + CLINIC + "embed/").get("X-Frame-Options") is None
        assert get("/" + CLINIC)["X-Frame-Options"] == "DENY"
        with pytest.raises(urllib.error.HTTPError) as missing:
            get("/_headers")
        assert missing.value.code == 404
        assert missing.value.headers["X-Frame-Options"] == "DENY"
    finally:
        server.shutdown()
        server.server_close()
