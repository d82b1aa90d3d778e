"""Each alert's PDF, read back with real PDF readers: text, links, metadata, fonts, QR code."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from alerts.i18n import long_datetime
from tests.fixtures.pdf.sitebuild import build, make_alert, make_photo, settings, tool, write_site

SLUG = "save-the-library"


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    """One Letter build of an alert with a photo and one without, rendered in-process."""
    tmp = tmp_path_factory.mktemp("letter")
    photo = make_photo(tmp / "content" / "photo.jpg")
    alerts = [make_alert(image=photo), make_alert("no-photo", title="A Plain Alert")]
    conf = settings(tmp, workers=1)
    write_site(tmp / "output", alerts, conf)
    stats, problems = build(tmp / "output", alerts, conf)
    assert not problems, [str(p) for p in problems.errors]
    assert (stats.rendered, stats.reused) == (2, 0)
    return tmp / "output", alerts[0]


@pytest.fixture(scope="module")
def a4(tmp_path_factory):
    """An A4 build of a Spanish alert."""
    tmp = tmp_path_factory.mktemp("a4")
    alerts = [make_alert("biblioteca", title="Salvemos la biblioteca", lang="es")]
    conf = settings(tmp, workers=1, page_size="A4")
    write_site(tmp / "output", alerts, conf)
    _, problems = build(tmp / "output", alerts, conf)
    assert not problems, [str(p) for p in problems.errors]
    return tmp / "output" / "alerts" / "biblioteca" / "biblioteca.pdf"


def pdf_of(output, slug=SLUG):
    return output / "alerts" / slug / f"{slug}.pdf"


def squeeze(text: str) -> str:
    # Long URLs may wrap anywhere on paper; compare them without whitespace.
    return re.sub(r"\s+", "", text)


def test_text_has_title_deadline_targets_and_every_action_url(letter):
    output, alert = letter
    text = tool("pdftotext", "-layout", str(pdf_of(output)), "-")
    assert alert.title in text
    assert long_datetime(alert.deadline, "en") in text  # Friday, July 15, 2016, 6:00 PM EDT
    for target in alert.targets:
        assert target.name in text
    assert "(555) 010-2030" in text
    for action in alert.actions:
        assert action.label in text
        assert squeeze(action.url) in squeeze(text), action.url


def test_header_and_footer_carry_site_name_page_count_and_preview_notice(letter):
    """This build has no SITEURL: the footer says so instead of showing a made-up address
    (a published build's footer is tested in test_translations.py)."""
    output, _ = letter
    text = tool("pdftotext", str(pdf_of(output)), "-")
    pages = int(re.search(r"Pages:\s+(\d+)", tool("pdfinfo", str(pdf_of(output))))[1])
    assert text.count("Riverside Action Network") >= pages
    assert f"Page 1 of {pages}" in text
    assert text.count("Preview — not published") >= pages


def test_page_furniture_and_clock_text_stay_off_paper(letter):
    output, _ = letter
    text = tool("pdftotext", str(pdf_of(output)), "-")
    for absent in ("NAVMARKER", "SHAREMARKER", "FOOTERMARKER", "3 days left", "Download PDF",
                   "Skip to content"):
        assert absent not in text


def test_action_links_are_clickable(letter):
    output, alert = letter
    uris = set()
    for page in PdfReader(pdf_of(output)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
    for action in alert.actions:
        assert action.url in uris


def test_metadata_comes_from_the_alert(letter):
    output, alert = letter
    reader = PdfReader(pdf_of(output))
    meta = reader.metadata
    assert meta.title == alert.title
    assert meta.author == "Friends of the Library"
    assert meta.subject == alert.summary
    assert meta["/Keywords"] == "libraries, budget"
    assert meta.creation_date == datetime(2016, 7, 13, 14, 0, tzinfo=UTC)
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_bookmarks_follow_the_headings(letter):
    output, alert = letter
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(PdfReader(pdf_of(output)).outline)
    assert titles[:3] == [alert.title, "Take action", "Who to contact"]


def test_letter_page_size(letter):
    output, _ = letter
    for page in PdfReader(pdf_of(output)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            612, 792)


def test_a4_page_size_and_translated_footer(a4):
    reader = PdfReader(a4)
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)
    assert "Página 1 de 1" in tool("pdftotext", str(a4), "-")
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_every_font_is_embedded_and_subset(letter):
    output, _ = letter
    rows = tool("pdffonts", str(pdf_of(output))).splitlines()[2:]
    assert rows, "the PDF has no fonts"
    for row in rows:
        # name type... encoding emb sub uni object ID: read from the right.
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row


def test_qr_code_decodes_to_the_primary_action(letter, tmp_path):
    output, alert = letter
    tool("pdftoppm", "-r", "150", "-gray", "-png", str(pdf_of(output)), str(tmp_path / "page"))
    found = set()
    for png in sorted(tmp_path.glob("page*.png")):
        # zbarimg exits 4 on a page without a code; only what it decodes matters.
        result = subprocess.run(["zbarimg", "-q", "--raw", str(png)],
                                capture_output=True, text=True)
        found.update(line for line in result.stdout.splitlines() if line)
    assert found == {alert.primary_action.url}


def test_photo_is_embedded_at_print_resolution_and_pdf_is_small(letter):
    output, _ = letter
    rows = tool("pdfimages", "-list", str(pdf_of(output))).splitlines()[2:]
    assert len(rows) == 1  # the photo; the QR code stays vector
    columns = rows[0].split()
    x_ppi, y_ppi = int(columns[12]), int(columns[13])
    assert 150 <= x_ppi <= 301 and 150 <= y_ppi <= 301, rows[0]
    assert pdf_of(output).stat().st_size <= 1_000_000


def test_page_declares_its_pdf(letter):
    output, _ = letter
    page = (output / "alerts" / SLUG / "index.html").read_text("utf-8")
    assert f'<link rel="alternate" type="application/pdf" href="{SLUG}.pdf">' in page


@pytest.mark.parametrize("size", ["Legall", "A4 sideways", "12 34"])
def test_a_misspelt_page_size_is_a_clear_error(size):
    from printpdf.settings import PdfSettingsError, merge

    with pytest.raises(PdfSettingsError, match=r"is not a page size; write one of A3, A4"):
        merge({"page_size": size})
