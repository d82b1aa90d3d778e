"""Head meta of a real publish build: every tag against the alert, and the card it names."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from conftest import ROOT
from photos import poster_photo
from PIL import Image
from test_alert_page import FULL
from test_meta import prop as meta

SITE = "https://alerts.example.org"


def test_alert_head_meta_under_publishconf(make_site, monkeypatch, tmp_path):
    monkeypatch.setenv("SITEURL", SITE)
    photo = poster_photo(tmp_path / "photo.jpg", size=(900, 600)).read_bytes()
    site = make_site({"alerts/full.md": FULL, "images/photo.jpg": photo},
                     conf=ROOT / "publishconf.py")
    assert site.result.ok, site.messages
    page = site.alert("sign-the-letter")
    url = f"{SITE}/alerts/sign-the-letter/"
    assert page.title.get_text().startswith("Tell Congress: sign the letter")
    assert meta(page, "description") == "Representatives can sign until Friday."
    assert page.find("link", rel="canonical")["href"] == url
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:site_name") == "Action Alerts"
    assert meta(page, "og:title") == "Tell Congress: sign the letter"
    assert meta(page, "og:description") == "Representatives can sign until Friday."
    assert meta(page, "og:url") == url
    assert meta(page, "og:locale") == "en_US"
    assert meta(page, "article:published_time") == "2026-11-28T09:00:00-05:00"
    assert sorted(t["content"] for t in page.find_all("meta", property="article:tag")) == [
        "Mexico", "human rights"]
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:title") == "Tell Congress: sign the letter"

    image = meta(page, "og:image")
    assert image == meta(page, "twitter:image") and image.startswith(f"{url}card.")
    card = site.output / urlsplit(image).path.lstrip("/")
    with Image.open(card) as im:
        assert im.size == (1200, 630)
        assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "og:image:alt") and meta(page, "twitter:image:alt")

    [script] = page.find_all("script", type="application/ld+json")
    data = json.loads(script.string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Tell Congress: sign the letter"
    assert data["expires"] == "2026-12-11T18:00:00-05:00"
    assert data["datePublished"] == "2026-11-28T09:00:00-05:00"
    assert data["image"] == image or image in json.dumps(data["image"])

    home = site.html("index.html")
    site_card = meta(home, "og:image")
    assert site_card and site_card.startswith(SITE + "/")
    with Image.open(site.output / urlsplit(site_card).path.lstrip("/")) as im:
        assert im.size == (1200, 630)
