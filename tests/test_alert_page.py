"""The alert page: every front-matter field rendered, deadline states, merge tags."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EPOCH, MINIMAL_ALERT
from photos import poster_photo

FULL = """\
---
title: "Tell Congress: sign the letter"
date: 2026-11-28T09:00
deadline: 2026-12-11T18:00
timezone: America/New_York
author: Elena Ruiz
summary: Representatives can sign until Friday.
targets:
  - name: U.S. House of Representatives
    role: Your representative
    phone: +1 202-224-3121
    email: rep@example.org
    url: https://www.house.gov/find
  - Secretary of State
actions:
  - label: Call your representative
    url: tel:+12022243121
    kind: call
  - label: Email your representative
    url: mailto:rep@example.org?subject=Sign%20the%20letter
    kind: email
  - label: Read the letter
    url: https://example.org/letter.pdf
    kind: letter
image: images/photo.jpg
image_alt: Candles on a hillside.
image_caption: A vigil for the disappeared.
share_text: Sign the letter before Friday
hashtags: [HumanRights]
tags: [human rights, Mexico]
slug: sign-the-letter
---

Dear [[First_Name]], can you take five minutes today?

Second paragraph with [a link](https://example.org/more).
"""


@pytest.fixture
def photo(tmp_path) -> bytes:
    return poster_photo(tmp_path / "photo.jpg", size=(900, 600)).read_bytes()


def test_every_field_is_rendered(make_site, photo):
    site = make_site({"alerts/full.md": FULL, "images/photo.jpg": photo})
    assert site.result.ok, site.messages
    page = site.alert("sign-the-letter")
    assert page.h1.get_text() == "Tell Congress: sign the letter"
    deadline = page.select_one(".deadline time")
    assert deadline["datetime"] == "2026-12-11T18:00:00-05:00"
    assert deadline.get_text() == "Friday, December 11, 2026, 6:00 PM EST"
    assert page.select_one("[data-time-left]").get_text() == "11 days left"
    assert "By Elena Ruiz" in page.select_one(".byline").get_text()
    assert page.select_one(".byline time")["datetime"] == "2026-11-28T09:00:00-05:00"

    targets = page.select(".targets > ul > li")
    assert [t.strong.get_text() for t in targets] == [
        "U.S. House of Representatives", "Secretary of State"]
    assert "Your representative" in targets[0].get_text()
    hrefs = [a["href"] for a in targets[0].select("a")]
    assert hrefs == ["tel:+12022243121", "mailto:rep@example.org", "https://www.house.gov/find"]

    top, bottom = page.select("ul.actions")
    for block in (top, bottom):
        links = block.select("a.button")
        assert [a.get_text() for a in links] == [
            "Call your representative", "Email your representative", "Read the letter"]
        assert [a["href"] for a in links] == [
            "tel:+12022243121", "mailto:rep@example.org?subject=Sign%20the%20letter",
            "https://example.org/letter.pdf"]
        assert "primary" in links[0]["class"] and "action-call" in links[0]["class"]

    figure = page.select_one("figure.photo")
    assert figure.img["alt"] == "Candles on a hillside."
    assert (figure.img["width"], figure.img["height"]) == ("900", "600")
    assert figure.figcaption.get_text() == "A vigil for the disappeared."
    assert (site.output / "alerts/sign-the-letter/photo.jpg").is_file()

    body = page.select_one(".body")
    assert body.p.get_text() == "Dear friend, can you take five minutes today?"
    assert "[[" not in page.get_text()
    assert [a.get_text() for a in page.select(".tags a")] == ["human rights", "Mexico"]


@pytest.mark.parametrize(("deadline", "state", "left"), [
    ("2026-12-20T17:00", "open", "20 days left"),
    ("2026-12-02T17:00", "closing", "2 days left"),  # 53 hours: "closing" is 72 h
    ("2026-11-30T07:30", "closing", "30 minutes left"),
    ("2026-11-29", "closed", None),
    (None, "open", None),
])
def test_deadline_state_at_frozen_now(make_site, deadline, state, left):
    text = MINIMAL_ALERT.replace("deadline: 2026-12-20T17:00\n",
                                 f"deadline: {deadline}\n" if deadline else "")
    text = text.replace("date: 2026-11-20T09:00", "date: 2026-11-01T09:00")
    site = make_site({"alerts/a.md": text})
    assert site.result.ok, site.messages
    page = site.alert("tell-the-council-to-fund-the-clinic")
    article = page.select_one("article.alert")
    assert article["data-state"] == state
    time_left = page.select_one("[data-time-left]")
    assert (time_left.get_text() if time_left else None) == left
    notice = page.select_one("[data-closed-notice]")
    if state == "closed":
        assert not notice.has_attr("hidden")
        assert "This action closed on" in notice.get_text()
        assert "Sunday, November 29, 2026, 11:59 PM EST" in notice.get_text()
        assert page.select("ul.actions") == []  # buttons replaced by a link to open alerts
        assert notice.a["href"] == "../../"
    else:
        assert notice.has_attr("hidden")
        assert len(page.select("ul.actions")) == 2
    if deadline is None:
        assert "No deadline" in page.select_one(".deadline").get_text()
        assert page.select_one("[data-deadline]") is None


def test_deadline_across_dst_change_keeps_its_own_offset(make_site):
    # Published in summer time (EDT, -04:00), due after clocks go back (EST, -05:00).
    # (Dated before the build's "now": an alert dated after it would be scheduled.)
    text = MINIMAL_ALERT.replace("date: 2026-11-20T09:00", "date: 2026-10-10T09:00")
    text = text.replace("deadline: 2026-12-20T17:00", "deadline: 2026-11-02T18:00")
    site = make_site({"alerts/a.md": text}, epoch=1792000000)  # 2026-10-14
    assert site.result.ok, site.messages
    page = site.alert("tell-the-council-to-fund-the-clinic")
    assert page.select_one(".byline time")["datetime"] == "2026-10-10T09:00:00-04:00"
    deadline = page.select_one(".deadline time")
    assert deadline["datetime"] == "2026-11-02T18:00:00-05:00"
    assert deadline.get_text().endswith("6:00 PM EST")


def test_deadline_with_offset_is_shown_in_the_alerts_zone(make_site):
    text = MINIMAL_ALERT.replace("deadline: 2026-12-20T17:00",
                                 "deadline: 2026-12-20T17:00Z\ntimezone: Europe/Madrid")
    site = make_site({"alerts/a.md": text})
    time = site.alert("tell-the-council-to-fund-the-clinic").select_one(".deadline time")
    assert time["datetime"] == "2026-12-20T18:00:00+01:00"
    assert time.get_text() == "Sunday, December 20, 2026, 6:00 PM CET"


def test_spanish_alert_speaks_spanish(make_site):
    text = MINIMAL_ALERT.replace("title: Tell the council to fund the clinic",
                                 "title: Exige agua limpia\nlang: es\nslug: agua")
    site = make_site({"alerts/a.md": text})
    page = site.alert("agua")
    assert page.html["lang"] == "es"
    assert "Fecha límite" in page.select_one(".deadline").get_text()
    assert page.select_one(".deadline time").get_text() == \
        "domingo, 20 de diciembre de 2026, 17:00 EST"
    assert page.select_one("[data-time-left]").get_text() == "quedan 20 días"


def test_merge_tags_are_replaced_in_title_summary_and_body(make_site):
    text = MINIMAL_ALERT.replace(
        "title: Tell the council to fund the clinic",
        "title: \"[[First_Name]], tell the council\"\nsummary: Hello [[ First_Name ]]!\n"
        "slug: council")
    text = text.replace("The clinic closes", "Dear [[First_Name]], the clinic closes")
    site = make_site({"alerts/a.md": text},
                     settings={"ALERTS": {"merge_tags": {"First_Name": "neighbour"}}})
    assert site.result.ok, site.messages
    page = site.alert("council")
    assert page.h1.get_text() == "neighbour, tell the council"
    assert page.select_one(".body p").get_text().startswith("Dear neighbour, the clinic")
    home = site.html("index.html")
    assert "Hello neighbour!" in home.get_text()
    assert "[[" not in (site.output / "alerts/council/index.html").read_text()


def test_home_lists_open_alerts_by_deadline_and_archive_lists_closed(make_site):
    def alert(slug, deadline):
        line = f"deadline: {deadline}\n" if deadline else ""
        return MINIMAL_ALERT.replace("deadline: 2026-12-20T17:00\n", line).replace(
            "title: Tell the council to fund the clinic",
            f"title: Alert {slug}\nslug: {slug}\ntags: [health]"
        ).replace("date: 2026-11-20T09:00", "date: 2026-01-01T09:00")
    site = make_site({
        "alerts/a.md": alert("later", "2027-02-01"),
        "alerts/b.md": alert("none", None),
        "alerts/c.md": alert("soon", "2026-12-01T12:00"),
        "alerts/d.md": alert("old", "2026-03-01"),
        "alerts/e.md": alert("older", "2026-02-01"),
        "alerts/f.md": alert("mid", "2026-12-24"),
    })
    assert site.result.ok, site.messages
    home = [a.get_text() for a in site.html("index.html").select(".alert-item h2 a")]
    assert home == ["Alert soon", "Alert mid", "Alert later", "Alert none"]
    archive = [a.get_text() for a in site.html("archive/index.html").select(".alert-item h2 a")]
    assert archive == ["Alert old", "Alert older"]
    for listing in ("tags/health/index.html", "targets/city-council/index.html"):
        items = [a.get_text() for a in site.html(listing).select(".alert-item h2 a")]
        assert items == home + archive, listing
    item = site.html("index.html").select_one(".alert-item")
    assert "City council" in item.get_text() and "The clinic closes" in item.get_text()


def test_tag_target_pages_and_feed(make_site):
    text = MINIMAL_ALERT.replace("targets: City council",
                                 "targets: [City council, Mayor's office]\ntags: [health]")
    site = make_site({"alerts/a.md": text})
    assert site.result.ok, site.messages
    tag = site.html("tags/health/index.html")
    assert tag.select_one(".alert-item h2 a").get_text() == "Tell the council to fund the clinic"
    target = site.html("targets/mayors-office/index.html")
    assert target.h1.get_text() == "Alerts to Mayor's office"
    assert len(target.select(".alert-item")) == 1
    listed = [a.get_text() for a in site.html("targets/index.html").select(".term-list a")]
    assert listed == ["City council", "Mayor's office"]
    feed = (site.output / "feeds/alerts.atom.xml").read_text()
    assert "<title>Tell the council to fund the clinic</title>" in feed


def test_title_with_markup_is_text_everywhere(make_site):
    title = 'Say "no" to <script>alert(1)</script> & friends'
    text = MINIMAL_ALERT.replace("title: Tell the council to fund the clinic",
                                 f"title: '{title}'\nslug: markup")
    site = make_site({"alerts/a.md": text})
    assert site.result.ok, site.messages
    raw = (site.output / "alerts/markup/index.html").read_text()
    assert "<script>alert(1)" not in raw
    page = site.alert("markup")
    assert page.h1.get_text() == title
    assert page.title.get_text().startswith(title)
    assert site.html("index.html").select_one(".alert-item h2 a").get_text() == title


def test_about_page_reads_yaml_and_native_headers(make_site):
    site = make_site({
        "alerts/a.md": MINIMAL_ALERT,
        "pages/about.md": "---\ntitle: About us\n---\n\nWho we are.\n",
        "pages/contact.md": "Title: Contact\nSlug: contact\n\nWrite to us.\n",
    })
    assert site.result.ok, site.messages
    assert site.html("about-us/index.html").h1.get_text() == "About us"
    assert site.html("contact/index.html").h1.get_text() == "Contact"
    nav = [a.get_text() for a in site.html("index.html").select("nav a")]
    assert "About us" in nav and "Contact" in nav
    assert (site.output / "404.html").is_file()


def test_the_sample_content_builds_cleanly(make_site):
    root = Path(__file__).parent.parent
    files = {str(p.relative_to(root / "content")): p.read_bytes()
             for p in (root / "content").rglob("*") if p.is_file()}
    site = make_site(files, epoch=EPOCH)
    assert site.result.ok, site.messages
    assert site.result.warnings == []
    states = {a["data-state"] for a in
              (site.html(str(p.relative_to(site.output))).select_one("article.alert")
               for p in (site.output / "alerts").glob("*/index.html"))}
    assert states == {"open", "closing", "closed"}


def test_a_draft_is_built_under_drafts_and_listed_nowhere(make_site, photo):
    text = MINIMAL_ALERT.replace("title: Tell", "status: draft\nimage: images/photo.jpg\n"
                                 "image_alt: Candles.\ntitle: Tell")
    site = make_site({"alerts/a.md": text, "images/photo.jpg": photo}, pdf=True)
    assert site.result.ok, site.messages
    slug = "tell-the-council-to-fund-the-clinic"
    page = site.html(f"drafts/{slug}/index.html")
    assert page.h1.get_text() == "Tell the council to fund the clinic"
    assert (site.output / f"drafts/{slug}/photo.jpg").is_file()
    assert page.select_one('link[type="application/pdf"]') is None
    assert not (site.output / "alerts").exists()
    assert site.html("index.html").select(".alert-item") == []


def test_body_photos_are_published_beside_the_page_without_metadata(make_site, tmp_path):
    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0)}  # GPSInfo: latitude
    photo = poster_photo(tmp_path / "gps.jpg", size=(800, 500), exif=exif.tobytes())
    body = ("\n![Marchers on the bridge](/images/gps.jpg)\n\n"
            "![The same photo again]({static}/images/gps.jpg)\n\n"
            "![Relative path](../images/gps.jpg)\n")
    site = make_site({"alerts/a.md": MINIMAL_ALERT + body, "images/gps.jpg": photo.read_bytes(),
                      "pages/about.md": "Title: About\n\n![Our office](/images/gps.jpg)\n"})
    assert site.result.ok, site.messages
    page = site.alert("tell-the-council-to-fund-the-clinic")
    srcs = {img["src"] for img in page.select(".body img")}
    assert srcs == {"gps.jpg"}
    for folder in ("alerts/tell-the-council-to-fund-the-clinic", "about"):
        with Image.open(site.output / folder / "gps.jpg") as published:
            assert not published.getexif() and "exif" not in published.info
    assert site.html("about/index.html").select_one("article img")["src"] == "gps.jpg"
    assert not (site.output / "images").exists()


def test_remote_and_undescribed_body_images_are_errors(make_site):
    body = "\nSee ![a chart](https://tracker.example/pixel.png).\n\nAnd ![](/images/x.jpg)\n"
    site = make_site({"alerts/a.md": MINIMAL_ALERT + body})
    messages = [str(p).split("alerts/a.md", 1)[1] for p in site.result.errors]
    assert messages == [
        ":14: body: the image https://tracker.example/pixel.png is on another site, which "
        "would see every reader of this page; save the photo under content/images/ and write "
        "![what it shows](/images/photo.jpg)",
        ":16: body: the image /images/x.jpg has no description; write what it shows between "
        "the brackets: ![what it shows](…)",
    ]


def test_photos_are_checked_and_encoded_once_then_reused(make_site, photo):
    files = {"alerts/full.md": FULL, "images/photo.jpg": photo}
    first = make_site(files)
    assert first.result.ok, first.messages
    cached = sorted((first.root / "cache/photos").glob("*.jpg"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    second = make_site({}, root=first.root)  # the same content, built again
    assert second.result.ok, second.messages
    assert sorted((first.root / "cache/photos").glob("*.jpg")) == cached
    assert cached[0].stat().st_mtime_ns == stamp  # not encoded again
    published = second.output / "alerts/sign-the-letter/photo.jpg"
    assert published.stat().st_ino == cached[0].stat().st_ino  # a hard link, not a copy
    (first.content / "images/photo.jpg").write_bytes(
        poster_photo(first.root / "other.jpg", size=(900, 600), seed=5).read_bytes())
    third = make_site({}, root=first.root)
    assert third.result.ok, third.messages
    [replaced] = (first.root / "cache/photos").glob("*.jpg")  # the old copy is pruned
    assert replaced != cached[0]
