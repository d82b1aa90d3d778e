"""The fediverse share page: written once per site where the share links include it, with
the words for every language, and the share-text check in a real build."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import MINIMAL_ALERT, ROOT, replace_once

from alerts.build.config import SettingsError
from alerts.build.staging import load_settings
from alerts.site.headers import CONTENT_SECURITY_POLICY
from alerts.site.urls import SiteURLs
from sharing import fediverse
from sharing.sharing import SharingConfigError, share_settings

SITE = "https://alerts.example.org"
SLUG = "tell-the-council-to-fund-the-clinic"


def with_share_text(text: str) -> str:
    return replace_once(MINIMAL_ALERT, "targets:", f"share_text: {text}\ntargets:")


def test_the_page_is_ours_noindexed_and_loads_nothing_else(make_site):
    site = make_site({"alerts/clinic.md": MINIMAL_ALERT}, settings={"SITEURL": SITE})
    assert site.result.ok, site.messages
    page = site.html("share/fediverse/index.html")
    assert page.html["lang"] == "en"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"] == \
        CONTENT_SECURITY_POLICY
    assert [s.get("src") for s in page.find_all("script")] == ["../../theme/js/fediverse.js"]
    # A labelled field, its hint and the message it refuses with, read by screen readers.
    field = page.find("input", id="fedi-server")
    assert page.find("label", attrs={"for": "fedi-server"}).get_text() == "Your server"
    assert field["aria-describedby"].split() == ["fedi-hint", "fedi-error"]
    assert page.find(id="fedi-error")["role"] == "alert"
    assert [o["value"] for o in page.select("datalist option")] == ["mastodon.social",
                                                                    "mastodon.online"]
    # Without JavaScript the page says why it needs it; the form stays hidden.
    assert "only your browser reads" in page.find("noscript").get_text()
    assert page.find(attrs={"data-fedi-ready": True}).has_attr("hidden")
    assert "Mastodon or Misskey" in page.get_text()
    words = json.loads(page.find(attrs={"data-fedi": True})["data-words"])
    assert set(words) >= {"en", "es", "ar"}
    assert words["ar"]["dir"] == "rtl" and words["es"]["dir"] == "ltr"
    assert words["es"]["fedi_go"] == "Ir a mi servidor"
    # Nothing on the page points at another site: the suggestions are text.
    for tag in page.find_all(src=True) + page.find_all(href=True):
        url = tag.get("src") or tag.get("href")
        assert not re.match(r"https?://", url) or url.startswith(SITE), url


def test_the_alert_page_links_it_with_the_words_after_the_hash(make_site):
    site = make_site({"alerts/clinic.md": with_share_text("Fund the clinic now")},
                     settings={"SITEURL": SITE, "SHARE_FEDIVERSE_URL": "partage/mastodon/",
                               "SHARE_FEDIVERSE_SAVE_AS": "partage/mastodon/index.html"})
    assert site.result.ok, site.messages
    assert (site.output / "partage/mastodon/index.html").is_file()
    assert not (site.output / "share").exists()
    link = site.alert(SLUG).find("a", class_="share-fediverse")
    parts = urlsplit(link["href"])
    assert (parts.netloc, parts.path, parts.query) == ("alerts.example.org",
                                                       "/partage/mastodon/", "")
    assert parse_qs(parts.fragment) == {
        "text": [f"Fund the clinic now {SITE}/alerts/{SLUG}/"], "lang": ["en"]}


def test_no_page_when_the_share_links_leave_the_fediverse_out(make_site):
    site = make_site({"alerts/clinic.md": MINIMAL_ALERT},
                     settings={"SHARE": {"networks": ["x", "email"]}})
    assert site.result.ok, site.messages
    assert not (site.output / "share").exists()
    assert site.alert(SLUG).find("a", class_="share-fediverse") is None


def test_the_page_must_be_a_folder():
    settings = load_settings(ROOT / "pelicanconf.py", {"SHARE_FEDIVERSE_URL": "mastodon.html"})
    with pytest.raises(SettingsError, match=re.escape("SHARE_FEDIVERSE_URL = 'mastodon.html'")):
        SiteURLs(settings)


def test_a_text_too_long_for_bluesky_fails_the_build_naming_it(make_site):
    text = "Fund the clinic " * 19  # 304 characters: too long for Bluesky, not Mastodon
    site = make_site({"alerts/clinic.md": with_share_text(text.strip())},
                     settings={"SITEURL": SITE, "SHARE": {"networks": ["bluesky", "fediverse"]}})
    assert not site.result.ok
    assert not (site.output / "index.html").exists()  # a failed build writes nothing
    [error] = [str(p) for p in site.result.errors]
    length = len(text.strip()) + len(" alerts.example.org/alerts/tell-...")
    assert error == (
        f"{site.content / 'alerts/clinic.md'}:5: share_text: {length} of 300 graphemes on "
        f"Bluesky (the link counts as Bluesky shows it, its host and at most 16 more; each "
        f"emoji 1), with the link and hashtags; shorten it by {length - 300}")  # no hashtags


# The names the browser test types, which the page's script refuses too (it trims and
# lowercases what is typed first; a setting is taken as written, so capitals are refused).
REFUSED = ["https://mastodon.social", "mastodon.social/@me", "me@mastodon.social",
           "masto don.social", "", "mastodon", "-bad.example", "bad-.example", "a..example",
           "[::1]", "192.0.2.1", "social.example:0", "social.example:65536",
           "social.example:08443", "Mastodon.Social", "x" * 64 + ".example"]
ACCEPTED = ["mastodon.social", "social.example:8443", "xn--8ca.example", "a-b.c-d.example",
            "social.example:65535", "9.example", "x" * 63 + ".example"]


@pytest.mark.parametrize("name", REFUSED)
def test_what_is_not_a_server_name_is_refused(name):
    assert not fediverse.is_host(name)


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_plain_host_name_is_a_server(name):
    assert fediverse.is_host(name)


def test_the_suggestions_come_from_the_share_setting(make_site):
    site = make_site({"alerts/clinic.md": MINIMAL_ALERT},
                     settings={"SHARE": {"fediverse_servers": ["social.example", "a.example"]}})
    assert site.result.ok, site.messages
    page = site.html("share/fediverse/index.html")
    assert [o["value"] for o in page.select("datalist option")] == ["social.example",
                                                                    "a.example"]


@pytest.mark.parametrize("servers", [["https://mastodon.social"], "mastodon.social", None])
def test_a_suggestion_that_is_not_a_server_name_is_a_settings_error(servers):
    with pytest.raises(SharingConfigError, match=re.escape("SHARE['fediverse_servers']")):
        share_settings({"SHARE": {"fediverse_servers": servers}})
