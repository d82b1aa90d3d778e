"""The email edition: email.html and email.txt beside every alert page of a publish
build, for the sample content and for tiny sites; merge tags in each preset's syntax in
the email and never on the page; UTM tags; the draft's copy button; settings mistakes."""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from alerts.build.config import SettingsError
from alerts.site.emailedition import PRESETS, merge_pattern
from tests.conftest import MINIMAL_ALERT, ROOT, build_site, replace_once
from tests.photos import poster_photo

SITE = "https://alerts.example.org"
PUBLISH = {"conf": ROOT / "publishconf.py", "env": {"SITEURL": SITE}}
#: Elements email clients show only as their inline style says.
STYLED = ("table", "td", "a", "img", "p", "h1")
#: What any merge tag syntax starts with, and the parser's own kept-tag token.
TAG_MARKS = ("[[", "*|", "{{", "%%", "mergetagtoken")

TAGGED = replace_once(
    replace_once(MINIMAL_ALERT, "title: Tell the council to fund the clinic",
                 "slug: clinic\ntitle: \"[[First_Name]], tell the council to fund the clinic\""),
    "The clinic closes", "Dear [[First_Name]], \"[[First_Name]]'s\" clinic matters. "
    "Read [our plan](/pages/plan/) and [the budget](https://example.org/budget).\n\n"
    "The clinic closes")


def publish(root, files, **email):
    settings = {"EMAIL": email} if email else {}
    return build_site(root, files, settings=settings, **PUBLISH)


def edition(site, url):
    """(email.html parsed, its text, email.txt) of the alert page at `url`."""
    raw = (site.output / url / "email.html").read_text("utf-8")
    return BeautifulSoup(raw, "html.parser"), raw, (site.output / url / "email.txt").read_text(
        "utf-8")


# -- the sample content -----------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    built = build_site(tmp_path_factory.mktemp("sample"), {},
                       settings={"PATH": str(ROOT / "content")}, **PUBLISH)
    assert built.result.ok, built.messages
    return built


def sample_pages(site) -> list[str]:
    pages = sorted(str(p.parent.relative_to(site.output)) + "/"
                   for p in (site.output / "alerts").rglob("index.html")
                   if "embed" not in p.parts and "letters" not in p.parts)
    assert len(pages) == 6, pages  # every sample alert and its translation
    return pages


def test_every_sample_alert_has_both_parts(sample):
    for url in sample_pages(sample):
        assert (sample.output / url / "email.html").is_file(), url
        assert (sample.output / url / "email.txt").is_file(), url


def test_sample_emails_have_no_stylesheet_and_every_element_styled_inline(sample):
    for url in sample_pages(sample):
        soup, _, _ = edition(sample, url)
        assert soup.html is not None and soup.body is not None, url
        assert not soup.find_all(["style", "link", "script"]), url
        for element in soup.find_all(STYLED):
            assert element.get("style", "").strip(), (url, str(element)[:120])
        assert soup.html["lang"] and soup.title.string.strip(), url


def test_sample_emails_use_absolute_urls_only(sample):
    for url in sample_pages(sample):
        soup, _, _ = edition(sample, url)
        addresses = [a["href"] for a in soup.find_all("a")] + \
            [img["src"] for img in soup.find_all("img")]
        assert addresses, url
        for address in addresses:
            assert urlsplit(address).scheme in ("https", "mailto", "tel"), (url, address)
        online = soup.find("a")
        assert online.get_text(strip=True) in ("View this alert online",
                                               "Ver esta alerta en línea")
        assert online["href"] == f"{SITE}/{url}"


def test_sample_email_photo_is_the_published_one_with_size_and_alt(sample):
    url = "alerts/ask-your-representative-to-sign-the-letter-on-human-rights-in-mexico/"
    soup, _, _ = edition(sample, url)
    photo = soup.find("img", class_="photo")
    page_photo = sample.html(url + "index.html").select_one("figure img")
    assert photo["src"] == f"{SITE}/{url}" + page_photo["src"].rsplit("/", 1)[-1]
    assert (sample.output / url / photo["src"].rsplit("/", 1)[-1]).is_file()
    assert photo["alt"] == page_photo["alt"] and photo["alt"]
    assert int(photo["width"]) == 600 and int(photo["height"]) > 0


def test_sample_actions_are_buttons_and_written_out_in_the_text_part(sample):
    for url in sample_pages(sample):
        soup, _, text = edition(sample, url)
        page = sample.html(url + "index.html")
        closed = "alert-closed" in page.find("article")["class"]
        buttons = soup.select("td a.button")
        if closed:
            assert not buttons and "This action closed on" in text, url
            assert "This action closed on" in soup.get_text(), url
            if "asylum" in url:  # the sample closed alert with its outcome
                said = " ".join(text.split())
                assert "2026, 5:00 PM EDT. Won: The committee dropped the five-minute " \
                    "hearings from the bill." in said, said
                assert "Won: The committee dropped" in " ".join(soup.get_text().split())
            continue
        # Every action of the page's first list, in its order.
        actions = page.select(".actions a")
        labels = [a.get_text(" ", strip=True) for a in buttons]
        assert len(buttons) >= 1 and len(set(labels)) == len(labels), url
        for button in buttons:
            cell = button.find_parent("td")
            assert "background-color" in cell["style"] and "padding" in button["style"]
            assert button["href"] in text, (url, button["href"])
            assert f"{button.get_text(strip=True)}:" in " ".join(text.split())
        for action in actions:
            href = action["href"]
            expected = href if urlsplit(href).scheme else f"{SITE}/{url}{href}"
            assert expected in text, (url, expected)


def test_sample_deadline_in_words_in_the_alerts_language(sample):
    soup, _, text = edition(sample, "alerts/ask-your-representative-to-sign-the-letter-on-"
                                    "human-rights-in-mexico/es-MX/")
    assert soup.html["lang"] == "es-MX"
    assert "Fecha límite:" in soup.get_text() and "viernes, 11 de diciembre de 2026" in text


def test_sample_web_pages_never_carry_a_merge_tag_and_the_email_does(sample):
    url = "alerts/ask-your-representative-to-sign-the-letter-on-human-rights-in-mexico/"
    page = (sample.output / url / "index.html").read_text("utf-8")
    assert "Dear friend" in page
    for path in sample.output.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".ics") and path.name != "email.html":
            data = path.read_text("utf-8")
            assert "[[First_Name]]" not in data and "mergetagtoken" not in data, path
    _, raw, text = edition(sample, url)
    assert "Dear [[First_Name]]" in raw and "Dear [[First_Name]]" in text


def test_the_emails_stylesheet_is_inlined_and_not_published(sample):
    _, raw, _ = edition(sample, "alerts/ask-your-representative-to-sign-the-letter-on-"
                                "human-rights-in-mexico/")
    assert 'style="' in raw and "<style" not in raw and "<link" not in raw
    assert sorted(p.name for p in (sample.output / "theme" / "css").iterdir()) == [
        "embed.css", "fediverse.css", "letter.css", "print.css", "search.css", "site.css"]


def test_published_pages_have_no_copy_button(sample):
    for url in sample_pages(sample):
        page = sample.html(url + "index.html")
        assert page.select_one("[data-copy-email]") is None, url
        assert not page.select('script[src$="copyemail.js"]'), url


# -- merge tags -------------------------------------------------------------------------

@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_each_preset_writes_the_tag_in_its_syntax(tmp_path, preset):
    site = publish(tmp_path, {"alerts/clinic.md": TAGGED}, merge_syntax=preset)
    assert site.result.ok, site.messages
    tag = PRESETS[preset].format(name="First_Name")
    soup, raw, text = edition(site, "alerts/clinic/")
    assert f"Dear {html.escape(tag)}," in raw and f"Dear {tag}," in text
    assert soup.h1.get_text() == f"{tag}, tell the council to fund the clinic"
    assert soup.title.get_text() == soup.h1.get_text()
    assert f"{tag}, tell the council" in text
    assert f"\u201c{html.escape(tag)}\u2019s\u201d" in raw  # smart quotes as on the page
    page = (site.output / "alerts/clinic/index.html").read_text("utf-8")
    assert "Dear friend," in page and "friend, tell the council" in page
    assert "\u201cfriend\u2019s\u201d" in page
    for mark in TAG_MARKS:
        assert mark not in page, mark
    for name in ("feeds/alerts.atom.xml", "feeds/alerts.json", "index.html"):
        assert tag not in (site.output / name).read_text("utf-8"), name


def test_a_pattern_of_your_own(tmp_path):
    site = publish(tmp_path, {"alerts/clinic.md": TAGGED},
                   merge_syntax="{{{{ subscriber.{name} }}}}")
    assert site.result.ok, site.messages
    _, _, text = edition(site, "alerts/clinic/")
    assert "Dear {{ subscriber.First_Name }}," in text


def test_the_default_is_the_brackets_of_the_copy():
    assert merge_pattern({}) == "[[{name}]]"


@pytest.mark.parametrize(("email", "expected"), [
    ({"merge_syntax": "mailchimpp"}, "did you mean 'mailchimp'?"),
    ({"merge_syntax": "<<FNAME>>"}, "is not a preset and has no {name}"),
    ({"merge_syntax": "{{{name}}"}, "cannot be filled in"),
    ({"merge_syntax": "{first}{name}"}, "cannot be filled in"),
    ({"utmm": True}, "EMAIL.utmm: unknown key; did you mean utm?"),
    ({"utm": "yes"}, "EMAIL['utm'] must be True or False"),
])
def test_a_setting_that_cannot_work_stops_the_build(tmp_path, email, expected):
    site = publish(tmp_path, {"alerts/clinic.md": TAGGED}, **email)
    assert not site.result.ok
    assert any(expected in message for message in site.messages), site.messages
    assert not (tmp_path / "output" / "alerts").exists()


def test_settings_error_names_the_presets():
    with pytest.raises(SettingsError, match=r"presets: brackets \(\[\[First_Name\]\]\)"):
        merge_pattern({"EMAIL": {"merge_syntax": "percentt%"}})


# -- links ------------------------------------------------------------------------------

def links_of(site, url="alerts/clinic/"):
    soup, _, text = edition(site, url)
    return [a["href"] for a in soup.find_all("a")], text


def test_utm_tags_only_on_links_to_this_site(tmp_path):
    site = publish(tmp_path, {"alerts/clinic.md": TAGGED}, utm=True)
    assert site.result.ok, site.messages
    hrefs, text = links_of(site)
    ours = [h for h in hrefs if h.startswith(SITE)]
    others = [h for h in hrefs if not h.startswith(SITE)]
    assert ours and others
    for href in ours:
        assert parse_qs(urlsplit(href).query) == {
            "utm_source": ["email"], "utm_medium": ["email"], "utm_campaign": ["clinic"]}
        assert href in text or href.startswith(f"{SITE}/pages/")
    assert f"{SITE}/pages/plan/?utm_source=email" in " ".join(hrefs)
    for href in others:
        assert "utm_" not in href
    assert "https://example.org/budget" in others and "https://example.org/act" in others


def test_without_utm_links_are_as_written(tmp_path):
    site = publish(tmp_path, {"alerts/clinic.md": TAGGED})
    hrefs, text = links_of(site)
    assert not [h for h in hrefs if "utm_" in h]
    assert f"{SITE}/pages/plan/" in hrefs
    assert "our plan (https://alerts.example.org/pages/plan/)" in " ".join(text.split())
    assert "Email the council: https://example.org/act" in text


def test_on_page_actions_link_to_the_page_at_the_action(tmp_path):
    alert = replace_once(TAGGED, "    url: https://example.org/act\n    kind: email\n",
                         "    kind: call\n    script: Please fund the clinic.\n")
    alert = replace_once(alert, "targets: City council",
                         "targets:\n  - name: City council\n    phone: +1 202-224-3121")
    site = publish(tmp_path, {"alerts/clinic.md": alert})
    assert site.result.ok, site.messages
    hrefs, text = links_of(site)
    assert f"{SITE}/alerts/clinic/#act-1" in hrefs
    assert f"Email the council: {SITE}/alerts/clinic/#act-1" in text


def test_body_photos_are_absolute_beside_the_page(tmp_path):
    photo = poster_photo(tmp_path / "river.jpg", size=(800, 500)).read_bytes()
    alert = TAGGED + "\n![The river at dusk](/images/river.jpg)\n"
    site = publish(tmp_path / "site", {"alerts/clinic.md": alert, "images/river.jpg": photo})
    assert site.result.ok, site.messages
    soup, _, text = edition(site, "alerts/clinic/")
    img = soup.find("img", alt="The river at dusk")
    assert img["src"].startswith(f"{SITE}/alerts/clinic/")
    assert (site.output / img["src"][len(SITE) + 1:]).is_file()
    assert "[The river at dusk]" in text


# -- which builds and which alerts --------------------------------------------------------

def test_a_preview_build_writes_none_and_says_so_in_its_one_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        site = build_site(tmp_path, {"alerts/clinic.md": TAGGED})
    assert site.result.ok, site.messages
    assert not list((site.output / "alerts").rglob("email.*"))
    ours = [r.getMessage() for r in caplog.records
            if r.name.startswith(("alerts", "sharing"))]
    assert ours == ["sharing: SITEURL is empty, so pages have no canonical link, og:url or "
                    "card image, share links are relative and no email edition is written; "
                    "set SITEURL in publishconf.py"]


def test_without_the_sharing_plugin_the_step_says_so_itself(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        site = build_site(tmp_path, {"alerts/clinic.md": TAGGED},
                          settings={"PLUGINS": ["alerts"]})
    assert site.result.ok, site.messages
    assert [r.getMessage() for r in caplog.records if "email edition" in r.getMessage()] == [
        "alerts: SITEURL is empty, so no email edition is written; `make publish` writes it"]


def test_closed_alert_says_it_closed_and_offers_no_button(tmp_path):
    closed = replace_once(TAGGED, "deadline: 2026-12-20T17:00", "deadline: 2026-11-25T17:00")
    site = publish(tmp_path, {"alerts/clinic.md": closed})
    assert site.result.ok, site.messages
    soup, _, text = edition(site, "alerts/clinic/")
    assert not soup.select("a.button")
    assert "This action closed on Wednesday, November 25, 2026, 5:00 PM EST." in text
    assert "This action closed on" in soup.get_text()


def test_a_draft_has_its_email_and_the_copy_button(tmp_path):
    draft = replace_once(TAGGED, "slug: clinic\n", "slug: clinic\nstatus: draft\n")
    site = publish(tmp_path, {"alerts/clinic.md": draft})
    assert site.result.ok, site.messages
    soup, _, _ = edition(site, "drafts/clinic/")
    # The email is for sending once the alert is published: it links there.
    assert soup.find("a")["href"] == f"{SITE}/alerts/clinic/"
    page = site.html("drafts/clinic/index.html")
    button = page.select_one("button[data-copy-email]")
    assert button["data-copy-email"] == "email.html" and button.has_attr("hidden")
    assert button.get_text(strip=True) == "Copy email HTML"
    script = page.select_one('script[src$="/theme/js/copyemail.js"]')
    assert script is not None and script.has_attr("defer") and not script.string


def test_file_names_come_from_the_settings(tmp_path):
    site = build_site(tmp_path, {"alerts/clinic.md": TAGGED},
                      settings={"EMAIL_HTML_SAVE_AS": "mail.html",
                                "EMAIL_TEXT_SAVE_AS": "mail.txt"}, **PUBLISH)
    assert site.result.ok, site.messages
    assert (site.output / "alerts/clinic/mail.html").is_file()
    assert (site.output / "alerts/clinic/mail.txt").is_file()
    assert not (site.output / "alerts/clinic/email.html").exists()


def test_a_file_name_that_is_a_path_is_refused(tmp_path):
    site = build_site(tmp_path, {"alerts/clinic.md": TAGGED},
                      settings={"EMAIL_HTML_SAVE_AS": "email/index.html"}, **PUBLISH)
    assert not site.result.ok
    assert any("EMAIL_HTML_SAVE_AS" in m for m in site.messages), site.messages


def test_text_part_lines_are_wrapped_except_links(sample):
    for url in sample_pages(sample):
        _, _, text = edition(sample, url)
        assert text.endswith("\n") and "\n\n\n" not in text
        for line in text.splitlines():
            assert len(line) <= 72 or re.search(r"\S{40,}", line), (url, line)


def test_each_language_version_has_its_own_edition_in_its_language(tmp_path):
    from tests.test_translations import FILES, SLUG

    site = publish(tmp_path, FILES)
    assert site.result.ok, site.messages
    soup, _, text = edition(site, f"alerts/{SLUG}/ar/")
    assert (soup.html["lang"], soup.html["dir"]) == ("ar", "rtl")
    online = soup.find("a")
    assert online.get_text(strip=True) == "اعرض هذا التنبيه على الإنترنت"
    assert online["href"] == f"{SITE}/alerts/{SLUG}/ar/"
    assert soup.h1.get_text() == "اطلب من المجلس تمويل العيادة"
    assert "راسل المجلس: https://example.org/act" in text
    spanish, _, _ = edition(site, f"alerts/{SLUG}/es-MX/")
    assert spanish.html["lang"] == "es-MX" and "Fecha límite:" in spanish.get_text()
