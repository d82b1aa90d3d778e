"""Share links: one registry entry per network, plain URLs, nothing added but opt-in UTM tags."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import park_alert
from jinja2 import Environment, FileSystemLoader

from alerts.authoring.model import Alert
from sharing import links
from sharing.sharing import SharingConfigError, jinja_globals, share_settings

TEMPLATES = Path(__file__).parent.parent / "theme" / "templates"
SITE = "https://alerts.example.org"
EVIL = 'Say "no" to <script>alert(1)</script> & more'


def make_alert(**changes) -> Alert:
    return park_alert(**{"hashtags": ("SaveThePark", "Parks"), "tags": ("parks",), **changes})


def build(alert, **share):
    settings = {"SITEURL": SITE, "SITENAME": "Action Alerts", "SHARE": share}
    return jinja_globals(settings, lambda alert, settings: None)["share_links"](alert)


def by_network(alert, **share):
    return {link.network: link for link in build(alert, **share)}


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, strict_parsing=True)


PAGE = f"{SITE}/alerts/save-the-park/"


def test_every_network_has_a_link_saying_where_it_shares():
    found = by_network(make_alert())
    assert list(found) == ["facebook", "x", "bluesky", "fediverse", "threads", "whatsapp",
                           "telegram", "linkedin", "reddit", "email"]
    assert found["bluesky"].label == "Share on Bluesky"
    assert found["threads"].label == "Share on Threads"
    assert found["fediverse"].label == "Share on Mastodon (fediverse)"
    assert found["x"].label == "Share on X"
    assert found["email"].label == "Share by email"


def test_labels_follow_the_alert_language():
    found = by_network(make_alert(lang="es"))
    assert found["whatsapp"].label == "Compartir en WhatsApp"
    assert found["email"].label == "Compartir por correo"
    assert found["fediverse"].label == "Compartir en Mastodon (fediverso)"


def test_links_unpack_as_network_label_url():
    network, label, url = build(make_alert())[0]
    assert (network, label) == ("facebook", "Share on Facebook")
    assert url.startswith("https://www.facebook.com/sharer/sharer.php?")


def test_each_network_receives_the_page_and_words():
    found = by_network(make_alert())
    assert query(found["facebook"].url) == {"u": [PAGE]}
    assert query(found["x"].url) == {"text": ["Call the council before Friday!"], "url": [PAGE],
                                     "hashtags": ["SaveThePark,Parks"]}
    assert urlsplit(found["x"].url).netloc == "twitter.com"
    assert query(found["bluesky"].url) == {
        "text": [f"Call the council before Friday! {PAGE} #SaveThePark #Parks"]}
    assert query(found["whatsapp"].url) == {
        "text": [f"Call the council before Friday! {PAGE} #SaveThePark #Parks"]}
    assert query(found["telegram"].url) == {"url": [PAGE],
                                            "text": ["Call the council before Friday!"]}
    assert query(found["linkedin"].url) == {"url": [PAGE]}
    assert query(found["reddit"].url) == {"url": [PAGE], "title": ["Save the park"]}
    assert found["threads"].url.startswith("https://www.threads.com/intent/post?")
    assert query(found["threads"].url) == {
        "text": [f"Call the council before Friday! {PAGE} #SaveThePark #Parks"]}


def fragment(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).fragment, strict_parsing=True)


def test_the_fediverse_link_is_our_page_with_the_words_after_the_hash():
    url = by_network(make_alert(lang="es"))["fediverse"].url
    parts = urlsplit(url)
    # No query: browsers never send the fragment, so no server receives the words.
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{SITE}/share/fediverse/"
    assert parts.query == ""
    assert fragment(url) == {
        "text": [f"Call the council before Friday! {PAGE} #SaveThePark #Parks"], "lang": ["es"]}
    assert "+" not in parts.fragment  # spaces as %20: URLSearchParams reads either


def test_the_fediverse_page_follows_its_settings_and_is_relative_without_siteurl():
    settings = {"SITEURL": "", "SITENAME": "Action Alerts", "SHARE": {}}
    found = jinja_globals(settings, lambda alert, settings: None, "partage/mastodon/")[
        "share_links"](make_alert())
    [link] = [link for link in found if link.network == "fediverse"]
    assert link.url.startswith("/partage/mastodon/#text=")


def test_email_link_has_subject_and_a_body_with_the_link():
    url = by_network(make_alert())["email"].url
    assert url.startswith("mailto:?")
    assert "+" not in url  # mailto: reads '+' as a plus sign, so spaces must be %20
    assert query(url) == {"subject": ["Save the park"],
                          "body": [f"Call the council before Friday!\r\n\r\n{PAGE}"]}
    assert "%0D%0A%0D%0A" in url  # RFC 6068: line breaks are CRLF


def test_share_text_falls_back_to_the_title():
    found = by_network(make_alert(share_text=""))
    assert query(found["x"].url)["text"] == ["Save the park"]


def test_markup_in_titles_reaches_networks_as_the_same_text():
    found = by_network(make_alert(title=EVIL, share_text=EVIL))
    assert query(found["x"].url)["text"] == [EVIL]
    assert query(found["reddit"].url)["title"] == [EVIL]
    assert query(found["email"].url)["subject"] == [EVIL]


def test_shared_links_are_left_alone_without_utm():
    for link in build(make_alert()):
        words = fragment(link.url) if link.network == "fediverse" else query(link.url)
        shared = [v for values in words.values() for v in values if PAGE in v]
        assert shared, link.network
        assert all("utm_" not in v for v in shared)


def test_utm_tags_name_the_network_and_the_alert_and_nothing_else():
    found = by_network(make_alert(), utm=True)
    shared = query(found["facebook"].url)["u"][0]
    assert shared.startswith(PAGE + "?")
    assert query(shared) == {"utm_source": ["facebook"], "utm_medium": ["social"],
                             "utm_campaign": ["save-the-park"]}
    assert query(query(found["linkedin"].url)["url"][0])["utm_source"] == ["linkedin"]
    threads_text = query(found["threads"].url)["text"][0]
    assert f"{PAGE}?utm_source=threads&utm_medium=social&utm_campaign=save-the-park " \
        in threads_text
    fedi_text = fragment(found["fediverse"].url)["text"][0]
    assert f"{PAGE}?utm_source=fediverse&utm_medium=social" in fedi_text


def test_networks_setting_chooses_and_orders():
    assert [link.network for link in build(make_alert(), networks=["email", "bluesky"])] == [
        "email", "bluesky"]


def test_a_new_network_is_one_function():
    @links.network("mastodon-test", "Mastodon")
    def mastodon(share, link):
        return links._query("https://example.social/share", {"text": f"{share.text} {link}"})

    try:
        found = by_network(make_alert())
        assert found["mastodon-test"].label == "Share on Mastodon"
        assert query(found["mastodon-test"].url) == {
            "text": [f"Call the council before Friday! {PAGE}"]}
    finally:
        del links.NETWORKS["mastodon-test"]


def test_unknown_share_key_is_an_error_naming_the_nearest_key():
    with pytest.raises(SharingConfigError) as error:
        share_settings({"SHARE": {"utm": True, "twiter_site": "x"}})
    assert str(error.value) == ("pelicanconf.py: SHARE.twiter_site: unknown key; "
                                "did you mean twitter_site?")
    assert share_settings({"SHARE": {"utm": True}})["utm"] is True


def test_unknown_network_is_a_named_configuration_error():
    with pytest.raises(SharingConfigError, match="'myspace'"):
        share_settings({"SHARE": {"networks": ["x", "myspace"]}})


def render_share(alert) -> BeautifulSoup:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    settings = {"SITEURL": SITE, "SITENAME": "Action Alerts"}
    env.globals.update(jinja_globals(settings, lambda alert, settings: None))
    return BeautifulSoup(env.get_template("partials/share.html").render(alert=alert),
                         "html.parser")


def test_share_partial_is_plain_accessible_links():
    soup = render_share(make_alert(title=EVIL, share_text=EVIL))
    anchors = soup.find_all("a")
    assert len(anchors) == len(links.NETWORKS)
    for a in anchors:
        assert a["rel"] == ["noopener", "noreferrer"]
        assert a.get_text().startswith("Share ")
    assert not soup.find_all(["script", "iframe", "img"])
    assert soup.find(id="share-heading").get_text() == "Share this alert"
    tools = soup.find(attrs={"data-share": True})
    assert tools["data-url"] == PAGE
    assert tools["data-title"] == EVIL
    assert tools["data-copied"] == "Link copied"
    for button in soup.find_all("button"):
        assert button.has_attr("hidden") and button["type"] == "button"
    assert soup.find(attrs={"aria-live": "polite"}) is not None
    x = soup.find("a", class_="share-x")
    assert query(x["href"])["text"] == [EVIL]


def test_share_script_is_small_and_needs_no_other_site():
    script = (TEMPLATES.parent / "static" / "js" / "share.js").read_text(encoding="utf-8")
    assert len(script.encode()) < 2048
    assert "http" not in script
    assert "navigator.clipboard" in script and "navigator.share" in script
