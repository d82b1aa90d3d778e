"""Each alert's PDF, made by a real build through the theme and read back with real PDF
readers: text, links, metadata, fonts, QR code, page sizes, preview and published footers."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime

import pytest
from conftest import ROOT, build_site, tool
from photos import poster_photo
from pypdf import PdfReader

SLUG = "save-the-library"
TITLE = "Keep the Riverside Library Open"
SITENAME = "Riverside Action Network"
SUMMARY = "The council votes Friday on closing the Riverside branch; tell them to keep it."
#: The deadline as the alert's page writes it in words (EPOCH is 2026-11-30: still open).
DEADLINE_WORDS = "Friday, December 11, 2026, 6:00 PM EST"
TIME_LEFT = "11 days left"
TARGETS = ("Jane Alvarez", "Council Member, District 4", "(202) 555-0123",
           "jane.alvarez@example.gov", "Mayor Robert Kim")
ACTIONS = (
    ("Call your council member", "https://example.org/act/call?campaign=library-2016"),
    ("Sign the petition", "https://petitions.example.net/save-the-riverside-branch-library"),
    ("Email the mayor", "mailto:mayor@example.gov?subject=Keep%20the%20library%20open"),
)
PUBLIC = "https://alerts.example.org"

LIBRARY_TEXT = f"""\
---
title: {TITLE}
slug: {SLUG}
date: 2026-11-28T09:00
deadline: 2026-12-11T18:00
timezone: America/New_York
author: Friends of the Library
summary: "{SUMMARY}"
share_text: Keep the Riverside Library open
tags: [libraries, budget]
targets:
  - name: Jane Alvarez
    role: Council Member, District 4
    phone: (202) 555-0123
    email: jane.alvarez@example.gov
  - name: Mayor Robert Kim
    role: Mayor
    email: mayor@example.gov
actions:
  - label: {ACTIONS[0][0]}
    url: {ACTIONS[0][1]}
    kind: call
  - label: {ACTIONS[1][0]}
    url: {ACTIONS[1][1]}
    kind: petition
  - label: {ACTIONS[2][0]}
    url: "{ACTIONS[2][1]}"
    kind: email
{{photo}}---

The Riverside branch has served the east side since 1931.

## Why it matters

It is the only library within walking distance of four schools.
"""
PHOTO = """\
image: images/library.jpg
image_alt: Readers at the Riverside branch
image_caption: The Riverside branch, 2016.
"""
LIBRARY = LIBRARY_TEXT.replace("{photo}", PHOTO)

BIBLIOTECA = """\
---
title: Salvemos la biblioteca
slug: biblioteca
lang: es
date: 2026-11-28T09:00
deadline: 2026-12-11T18:00
targets: Concejo municipal
actions:
  - label: Firma la petición
    url: https://example.org/firma
    kind: petition
---

El concejo vota el viernes.
"""

#: Every PDF build renders in this process, with one worker, and draws no social cards.
PDF_SETTINGS = {"PDF": {"workers": 1}, "SITENAME": SITENAME,
                "SOCIAL_CARDS": {"enabled": False}}


@pytest.fixture(scope="module")
def letter(tmp_path_factory, compiled_templates):
    """A preview build (no SITEURL) of an alert with a photo, on Letter paper."""
    root = tmp_path_factory.mktemp("letter")
    photo = poster_photo(root / "library.jpg", size=(1600, 1067)).read_bytes()
    site = build_site(root, {f"alerts/{SLUG}.md": LIBRARY, "images/library.jpg": photo},
                      pdf=True, settings={**PDF_SETTINGS, **compiled_templates})
    assert site.result.ok, site.messages
    return site


@pytest.fixture(scope="module")
def published(tmp_path_factory, compiled_templates):
    """A build by publishconf.py, with the public address, on A4 paper: the alert without
    its photo, and a Spanish one."""
    root = tmp_path_factory.mktemp("published")
    site = build_site(root, {f"alerts/{SLUG}.md": LIBRARY_TEXT.replace("{photo}", ""),
                             "alerts/biblioteca.md": BIBLIOTECA},
                      pdf=True, conf=ROOT / "publishconf.py", env={"SITEURL": PUBLIC},
                      settings={**PDF_SETTINGS, **compiled_templates,
                                "PDF": {"workers": 1, "page_size": "A4"}})
    assert site.result.ok, site.messages
    return site


def pdf_of(site, slug=SLUG):
    return site.output / "alerts" / slug / f"{slug}.pdf"


def page_count(pdf) -> int:
    return int(re.search(r"Pages:\s+(\d+)", tool("pdfinfo", str(pdf)))[1])


def page_texts(pdf) -> list[str]:
    return tool("pdftotext", str(pdf), "-").split("\f")[:page_count(pdf)]


def squeeze(text: str) -> str:
    # Long URLs may wrap anywhere on paper; compare them without whitespace.
    return re.sub(r"\s+", "", text)


def link_targets(pdf) -> set[str]:
    uris = set()
    for page in PdfReader(pdf).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
    return uris


def test_text_has_title_deadline_targets_and_every_action_url(letter):
    text = tool("pdftotext", "-layout", str(pdf_of(letter)), "-")
    assert TITLE in text
    assert f"Deadline: {DEADLINE_WORDS}" in text
    for target in TARGETS:
        assert target in text, target
    for label, url in ACTIONS:
        assert label in text
        assert squeeze(url) in squeeze(text), url
    assert "It is the only library within walking distance of four schools." in text


def test_header_and_footer_carry_site_name_page_count_and_preview_notice(letter):
    """This build has no SITEURL: every page's footer says so instead of showing a made-up
    address (see the published build below)."""
    pages = page_texts(pdf_of(letter))
    assert len(pages) >= 2  # the running header and footer must repeat
    for number, text in enumerate(pages, start=1):
        # Page 1 opens with the site's name; the running header repeats it from page 2.
        assert text.count(SITENAME) == 1, number
        assert f"Page {number} of {len(pages)}" in text
        assert "Preview — not published" in text, number
    assert PUBLIC not in "".join(pages)


def test_published_pdf_shows_its_public_address_and_links_there(published):
    pages = page_texts(pdf_of(published))
    address = f"{PUBLIC}/alerts/{SLUG}/"
    for number, text in enumerate(pages, start=1):
        assert address in squeeze(text), number
        assert f"Page {number} of {len(pages)}" in text
        assert "Preview" not in text, number
    assert f"This alert online: {address}" in " ".join(pages[-1].split())
    assert f"{PUBLIC}/tags/libraries/" in link_targets(pdf_of(published))


def test_preview_pdf_links_point_to_the_devserver(letter):
    assert "http://localhost:8000/tags/libraries/" in link_targets(pdf_of(letter))


def test_page_furniture_and_clock_text_stay_off_paper(letter):
    page = (letter.output / "alerts" / SLUG / "index.html").read_text("utf-8")
    text = tool("pdftotext", str(pdf_of(letter)), "-")
    # On the page, off paper: navigation, skip link, countdown, share and print tools,
    # the repeated actions section, the site footer.
    for absent in ("Skip to content", "Open alerts", "Closed alerts", TIME_LEFT,
                   "Share this alert", "Download PDF", "Take action", "Atom feed"):
        assert absent in page, absent
        assert absent not in text, absent
    assert text.count(ACTIONS[1][0]) == 1  # the actions print once


def test_action_links_are_clickable(letter):
    uris = link_targets(pdf_of(letter))
    for _, url in ACTIONS:
        assert url in uris


def test_metadata_comes_from_the_alert(letter):
    reader = PdfReader(pdf_of(letter))
    meta = reader.metadata
    assert meta.title == TITLE
    assert meta.author == "Friends of the Library"
    assert meta.subject == SUMMARY
    assert meta["/Keywords"] == "libraries, budget"
    assert meta.creation_date == datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_bookmarks_follow_the_headings(letter):
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(PdfReader(pdf_of(letter)).outline)
    # "Take action" heads the actions' repeat after the body, which is for screens only.
    assert titles == [TITLE, "Who to contact", "Why it matters"]


def test_letter_page_size(letter):
    for page in PdfReader(pdf_of(letter)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            612, 792)


def test_a4_page_size_and_translated_footer(published):
    pdf = pdf_of(published, "biblioteca")
    reader = PdfReader(pdf)
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) \
            == (595.3, 841.9)
    text = tool("pdftotext", str(pdf), "-")
    assert f"Página 1 de {len(reader.pages)}" in text
    assert f"Esta alerta en línea: {PUBLIC}/alerts/biblioteca/" in " ".join(text.split())
    assert "Salvemos la biblioteca" in text
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_every_font_is_embedded_and_subset(letter):
    rows = tool("pdffonts", str(pdf_of(letter))).splitlines()[2:]
    assert rows, "the PDF has no fonts"
    for row in rows:
        # name type... encoding emb sub uni object ID: read from the right.
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row


def test_qr_code_decodes_to_the_primary_action(letter, tmp_path):
    tool("pdftoppm", "-r", "150", "-gray", "-png", str(pdf_of(letter)), str(tmp_path / "page"))
    found = set()
    for png in sorted(tmp_path.glob("page*.png")):
        # zbarimg exits 4 on a page without a code; only what it decodes matters.
        result = subprocess.run(["zbarimg", "-q", "--raw", str(png)],
                                capture_output=True, text=True, check=False)
        found.update(line for line in result.stdout.splitlines() if line)
    assert found == {ACTIONS[0][1]}


def test_photo_is_embedded_at_print_resolution_and_pdf_is_small(letter):
    rows = tool("pdfimages", "-list", str(pdf_of(letter))).splitlines()[2:]
    assert len(rows) == 1  # the photo; the QR code stays vector
    columns = rows[0].split()
    x_ppi, y_ppi = int(columns[12]), int(columns[13])
    assert 150 <= x_ppi <= 301 and 150 <= y_ppi <= 301, rows[0]
    assert pdf_of(letter).stat().st_size <= 1_000_000


def test_page_declares_its_pdf_and_offers_it_beside_itself(letter):
    page = letter.alert(SLUG)
    link = page.select_one('link[rel="alternate"][type="application/pdf"]')
    assert link["href"] == f"{SLUG}.pdf"
    assert link["title"] == f"{TITLE} (PDF)"
    [download] = page.select("a[download]")
    assert download["href"] == f"{SLUG}.pdf"
    assert download.get_text(strip=True) == "Download PDF"
    assert (letter.output / "alerts" / SLUG / download["href"]).read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("size", ["Legall", "A4 sideways", "12 34"])
def test_a_misspelt_page_size_is_a_clear_error(size):
    from printpdf.settings import PdfSettingsError, merge

    with pytest.raises(PdfSettingsError, match=r"is not a page size; write one of A3, A4"):
        merge({"page_size": size})
