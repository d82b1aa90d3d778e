"""An alert and its translations, end to end: one real publish build of an English alert
with a Mexican Spanish and an Arabic translation, PDFs and cards on, through the theme."""

from __future__ import annotations

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.conftest import MINIMAL_ALERT, ROOT, build_site

SITE = "https://alerts.example.org"
SLUG = "fund-the-clinic"
BASE = f"alerts/{SLUG}/"

ENGLISH = MINIMAL_ALERT.replace("title: ", f"slug: {SLUG}\ntitle: ", 1)
SPANISH = f"""\
---
title: Pide al concejo que financie la clínica
slug: {SLUG}
lang: es-mx
translation: true
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
targets: Concejo municipal
actions:
  - label: Escribe al concejo
    url: https://example.org/act
    kind: email
---

La clínica cierra en enero si el concejo no la financia.
"""
ARABIC = f"""\
---
title: اطلب من المجلس تمويل العيادة
slug: {SLUG}
lang: ar
translation: true
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
targets: مجلس المدينة
actions:
  - label: راسل المجلس
    url: https://example.org/act
    kind: email
---

ستغلق العيادة في يناير ما لم يموّلها المجلس.
"""
FILES = {"alerts/clinic.md": ENGLISH, "alerts/clinic.es-mx.md": SPANISH,
         "alerts/clinic.ar.md": ARABIC}
#: Each version's page, relative to the site, and its language as the page declares it.
VERSIONS = {BASE: "en", f"{BASE}es-MX/": "es-MX", f"{BASE}ar/": "ar"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = build_site(tmp_path_factory.mktemp("translations"), FILES, pdf=True,
                       conf=ROOT / "publishconf.py", env={"SITEURL": SITE},
                       settings={"PDF": {"workers": 1}})
    assert built.result.ok, built.messages
    return built


@pytest.mark.parametrize("url", VERSIONS)
def test_each_language_has_its_own_page_with_lang_and_direction(site, url):
    html = site.html(url + "index.html").find("html")
    assert html["lang"] == VERSIONS[url]
    assert html.get("dir") == ("rtl" if VERSIONS[url] == "ar" else None)


@pytest.mark.parametrize("url", VERSIONS)
def test_hreflang_links_go_both_ways_with_an_x_default(site, url):
    page = site.html(url + "index.html")
    links = {link["hreflang"]: link["href"]
             for link in page.select('link[rel="alternate"][hreflang]')}
    assert links == {"en": f"{SITE}/{BASE}", "es-MX": f"{SITE}/{BASE}es-MX/",
                     "ar": f"{SITE}/{BASE}ar/", "x-default": f"{SITE}/{BASE}"}
    assert page.select_one('link[rel="canonical"]')["href"] == f"{SITE}/{url}"


@pytest.mark.parametrize("url", VERSIONS)
def test_a_visible_switcher_names_every_language_in_itself(site, url):
    switcher = site.html(url + "index.html").select_one("nav.languages")
    assert switcher is not None and switcher.get("aria-label")
    links = switcher.select("a")
    assert [a.get_text() for a in links] == ["English", "العربية", "Español (México)"]
    assert [a["hreflang"] for a in links] == ["en", "ar", "es-MX"]
    current = [a["href"] for a in links if a.get("aria-current") == "page"]
    assert current == [f"{SITE}/{url}"]


@pytest.mark.parametrize(("url", "locale", "alternates"), [
    (BASE, "en_US", ["ar_AR", "es_MX"]),
    (f"{BASE}es-MX/", "es_MX", ["en_US", "ar_AR"]),
    (f"{BASE}ar/", "ar_AR", ["en_US", "es_MX"]),
])
def test_og_locale_and_its_alternates_come_from_the_real_languages(site, url, locale,
                                                                   alternates):
    page = site.html(url + "index.html")
    assert page.select_one('meta[property="og:locale"]')["content"] == locale
    assert [m["content"] for m in page.select('meta[property="og:locale:alternate"]')] == \
        alternates


@pytest.mark.parametrize("url", VERSIONS)
def test_share_links_and_card_belong_to_each_version(site, url):
    page = site.html(url + "index.html")
    assert page.select_one("[data-share]")["data-url"] == f"{SITE}/{url}"
    assert page.select_one('meta[property="og:image"]')["content"] == f"{SITE}/{url}card.png"
    with Image.open(site.output / url / "card.png") as card:
        assert card.size == (1200, 630)
    alt = page.select_one('meta[property="og:image:alt"]')["content"]
    title = page.select_one("h1").get_text()
    assert alt.startswith(title)


def test_the_three_cards_differ(site):
    cards = {(site.output / url / "card.png").read_bytes() for url in VERSIONS}
    assert len(cards) == 3


@pytest.mark.parametrize("url", VERSIONS)
def test_each_version_has_its_pdf_in_its_language_with_the_real_address(site, url):
    pdf = PdfReader(site.output / url / f"{SLUG}.pdf")
    text = "".join(page.extract_text() for page in pdf.pages)
    title = site.html(url + "index.html").select_one("h1").get_text()
    assert pdf.metadata.title == title
    assert f"{SITE}/{url}" in text.replace("\n", "")
    assert "Preview" not in text
    assert site.html(url + "index.html").select_one(
        'link[type="application/pdf"]')["href"] == f"{SLUG}.pdf"


def test_the_home_page_lists_the_alert_once_and_names_its_other_languages(site):
    home = site.html("index.html")
    items = home.select("li.alert-item")
    assert len(items) == 1
    assert items[0]["lang"] == "en"
    also = {a.get_text(): a["href"] for a in items[0].select("a[hreflang]")}
    assert also == {"العربية": f"{SITE}/{BASE}ar/", "Español (México)": f"{SITE}/{BASE}es-MX/"}


def test_the_listing_shows_the_version_in_the_sites_language(tmp_path):
    """Written first in Spanish, translated into English: the English home page lists the
    English version."""
    spanish = SPANISH.replace("translation: true\n", "")
    english = ENGLISH.replace("title: ", "translation: true\ntitle: ", 1)
    site = build_site(tmp_path, {"alerts/es.md": spanish, "alerts/en.md": english})
    assert site.result.ok, site.messages
    item = site.html("index.html").select_one("li.alert-item")
    assert item["lang"] == "en"
    assert item.select_one("h2 a")["href"].endswith(f"/{BASE}en/")


def test_a_translations_own_tags_are_words_not_links_to_missing_pages(tmp_path):
    """Tag pages list the published originals: a word only a translation is tagged with
    has no page, so its page shows it unlinked; a tag that has a page is linked."""
    english = ENGLISH.replace("targets:", "tags: [health]\ntargets:", 1)
    spanish = SPANISH.replace("targets:", "tags: [salud, health]\ntargets:", 1)
    site = build_site(tmp_path, {"alerts/clinic.md": english, "alerts/clinic.es-mx.md": spanish})
    assert site.result.ok, site.messages
    for url, linked, words in ((BASE, ["health"], "health"),
                               (f"{BASE}es-MX/", ["health"], "salud, health")):
        tags = site.alert(url.removeprefix("alerts/").rstrip("/")).select_one("p.tags")
        assert [a.get_text() for a in tags.select("a")] == linked, url
        assert tags.get_text().endswith(": " + words), url
        for link in tags.select("a"):
            page = (site.output / url / link["href"]).resolve() / "index.html"
            assert page.is_file(), (url, link["href"])


def test_a_hidden_alerts_tags_link_to_their_pages(tmp_path):
    english = ENGLISH.replace("targets:", "tags: [health]\ntargets:", 1)
    hidden = MINIMAL_ALERT.replace("title: Tell the council to fund the clinic",
                                   "title: Thank the nurses\nstatus: hidden\n"
                                   "tags: [health]", 1)
    site = build_site(tmp_path, {"alerts/clinic.md": english, "alerts/nurses.md": hidden})
    assert site.result.ok, site.messages
    tags = site.alert("thank-the-nurses").select_one("p.tags")
    assert [a.get_text() for a in tags.select("a")] == ["health"]


# -- what cannot be published ---------------------------------------------------------

def _problems(site) -> list[str]:
    assert not site.result.ok
    assert not site.output.exists()
    return [str(p) for p in site.result.errors]


def test_a_translation_without_its_original_names_both_files(tmp_path):
    site = build_site(tmp_path, {"alerts/es.md": SPANISH, "alerts/ar.md": ARABIC})
    problems = _problems(site)
    assert len(problems) == 2
    for mine, other in (("es.md", "ar.md"), ("ar.md", "es.md")):
        line = next(p for p in problems if f"alerts/{mine}:" in p)
        assert f"alerts/{mine}:5: translation: " in line
        assert f"no alert with slug '{SLUG}' is its original" in line
        assert f"alerts/{other}" in line


def test_two_translations_in_one_language_name_both_files(tmp_path):
    again = SPANISH.replace("lang: es-mx", "lang: es-MX")
    site = build_site(tmp_path, {"alerts/en.md": ENGLISH, "alerts/es1.md": SPANISH,
                                 "alerts/es2.md": again})
    problems = _problems(site)
    assert len(problems) == 1
    assert site.result.failures == []  # not also Pelican's "overwrite a second time"
    assert "alerts/es2.md:4: lang: es-MX: " in problems[0]
    assert "alerts/es1.md is already the es-MX translation" in problems[0]


def test_a_broken_original_is_reported_alone_not_as_missing(tmp_path):
    broken = ENGLISH.replace("deadline: 2026-12-20T17:00", "deadline: this Friday")
    site = build_site(tmp_path, {"alerts/en.md": broken, "alerts/es.md": SPANISH,
                                 "alerts/ar.md": ARABIC})
    problems = _problems(site)
    assert len(problems) == 1, problems
    assert "alerts/en.md:" in problems[0] and ": deadline: 'this Friday'" in problems[0]
    assert site.result.failures == []


def test_a_draft_original_says_so_and_its_draft_versions_link_each_other(tmp_path):
    draft = ENGLISH.replace("title: ", "status: draft\ntitle: ", 1)
    site = build_site(tmp_path, {"alerts/en.md": draft, "alerts/es.md": SPANISH})
    problems = _problems(site)
    assert len(problems) == 1
    assert "alerts/es.md:5: translation: its original, " in problems[0]
    assert "alerts/en.md, is still a draft" in problems[0]
    both = {"alerts/en.md": draft,
            "alerts/es.md": SPANISH.replace("translation: true\n",
                                            "translation: true\nstatus: draft\n")}
    site = build_site(tmp_path / "both", both)
    assert site.result.ok, site.messages
    switcher = site.html(f"drafts/{SLUG}/index.html").select("nav.languages a")
    assert [a["href"].rsplit("drafts/", 1)[1] for a in switcher] == [f"{SLUG}/",
                                                                   f"{SLUG}/es-MX/"]


def test_a_translation_in_the_originals_language_is_an_error(tmp_path):
    english_again = ENGLISH.replace("title: ", "translation: true\nlang: en\ntitle: ", 1)
    site = build_site(tmp_path, {"alerts/a.md": ENGLISH, "alerts/b.md": english_again})
    problems = _problems(site)
    assert len(problems) == 1
    assert "alerts/b.md:4: lang: en: " in problems[0]
    assert "alerts/a.md is already the en version" in problems[0]


@pytest.mark.parametrize(("lang", "canonical"), [
    ("es", "es"), ("es-MX", "es-MX"), ("pt-br", "pt-BR"), ("ar", "ar"), ("zh-Hant-TW",
                                                                         "zh-Hant-TW"),
    ("es-419", "es-419"), ("ES_mx", "es-MX"),
])
def test_lang_accepts_bcp47_tags_and_writes_them_one_way(make_site, lang, canonical):
    site = make_site({"alerts/a.md": ENGLISH.replace("title: ", f"lang: {lang}\ntitle: ", 1)})
    assert site.result.ok, site.messages
    assert site.alert(SLUG).find("html")["lang"] == canonical


@pytest.mark.parametrize(("lang", "words"), [
    ("spanish", "is not a language tag"),
    ("xx", "'xx' is not a known language"),
    ("es-ZZ", "'ZZ' in 'es-ZZ' is not a known region"),
    ("en-QQ", "'QQ' in 'en-QQ' is not a known region"),
    ("en-US-x-private", "is not a language tag"),
    ("e", "is not a language tag"),
])
def test_lang_refuses_anything_else_with_a_clear_error(make_site, lang, words):
    site = make_site({"alerts/a.md": ENGLISH.replace("title: ", f"lang: {lang}\ntitle: ", 1)})
    problems = _problems(site)
    assert len(problems) == 1
    assert "alerts/a.md:3: lang: " in problems[0]  # line 1 is ---, 2 is slug:
    assert words in problems[0]
    assert "BCP 47 language tag such as en, es, es-MX, pt-BR or ar" in problems[0]


# -- a preview build has no public address ------------------------------------------

def test_a_preview_build_says_so_in_the_pdf_and_the_print_view(tmp_path):
    site = build_site(tmp_path, {"alerts/a.md": ENGLISH}, pdf=True,
                      settings={"PDF": {"workers": 1}})
    assert site.result.ok, site.messages
    text = "".join(p.extract_text() for p in PdfReader(
        site.output / BASE / f"{SLUG}.pdf").pages)
    assert "Preview — not published" in text
    assert "localhost" not in text
    canonical = site.alert(SLUG).select_one(".print-only .canonical").get_text()
    assert canonical == "Preview — not published"
