"""Printed letters, built: a page and a one-page PDF per target office with an address,
the address where a window envelope shows it (A4 and US Letter, measured with poppler),
blanks to write on, the date in the alert's language, the too-long letter, the PDF
cache, and the link the alert's page gives — to the PDF, or the page without PDFs."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import EPOCH, build_site, tool
from pypdf import PdfReader

from printpdf.settings import envelope

#: 2026-12-01T03:00Z: already December in UTC, still November 30 in the alerts' zones.
LATE_EVENING = EPOCH + 15 * 3600
SITENAME = "Riverside Action Network"
SETTINGS = {"SITENAME": SITENAME, "SOCIAL_CARDS": {"enabled": False}}
CLINIC = """\
---
title: Keep the Eastside clinic open
slug: clinic
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
timezone: America/New_York
targets:
  - name: Jane Alvarez
    role: Council Member, District 4
    offices:
      - name: District office
        address: |
          200 Main Street, Suite 4
          Riverside, NY 10001
      - name: Hotline
        phone: +1 202-225-7924
  - name: Mayor Robert Kim
    offices:
      - name: City Hall
        address: |
          1 City Hall Plaza
          Riverside, NY 10002
actions:
  - label: Mail a letter
    kind: letter
    body: |
      Dear [Target],

      Please keep the Eastside clinic open: {more}it is the only one in walking distance.

      Sincerely,
      [Your name]
      [Your address]
      [Your city], [Your ZIP code]
---

The clinic closes in January unless the council funds it.
"""
LETTER = CLINIC.replace("{more}", "")
#: Every letter of LETTER: its page's folder, the recipient's block line by line.
RECIPIENTS = {
    "jane-alvarez-district-office": ["Jane Alvarez", "District office",
                                     "200 Main Street, Suite 4", "Riverside, NY 10001"],
    "mayor-robert-kim-city-hall": ["Mayor Robert Kim", "City Hall", "1 City Hall Plaza",
                                   "Riverside, NY 10002"],
}
JANE = "jane-alvarez-district-office"
#: An alert with offices and addresses but a call, not a letter, on the page.
CALL = LETTER.replace("slug: clinic", "slug: call").replace(
    LETTER[LETTER.index("  - label: Mail a letter"):LETTER.index("---\n\nThe clinic")],
    "  - label: Call the council\n    kind: call\n    script: Please keep the clinic open.\n")
DRAFT = LETTER.replace("slug: clinic", "slug: draft-clinic\nstatus: draft")
SPANISH = """\
---
title: Mantengan abierta la clínica
slug: clinica
lang: es-MX
date: 2026-11-20T09:00
deadline: 2026-12-20T17:00
timezone: America/Mexico_City
targets:
  - name: Concejala Jane Alvarez
    offices:
      - name: Oficina del distrito
        address: |
          Avenida Juárez 200
          06000 Ciudad de México, CDMX
actions:
  - label: Envía una carta
    kind: letter
    body: |
      Estimada [Target]:

      Le pido que mantenga abierta la clínica.

      Atentamente,
      [Tu nombre]
      [Tu dirección]
---

La clínica cierra en enero.
"""
#: The window of each envelope on its sheet, in points from the top left: x, y, w, h.
US_WINDOW = (72.0, 2.125 * 72, 4 * 72.0, 0.875 * 72)  # #10 on US Letter
DIN_WINDOW = tuple(mm * 72 / 25.4 for mm in (25, 50, 80, 35))  # DL on A4, DIN 5008 B
#: pdftotext boxes each word by its font's ascent and descent, which reach a little past
#: the line box that the CSS places.
SLACK = 1.5


def build(root, files, **options):
    site = build_site(root, files, epoch=LATE_EVENING, **options)
    assert site.result.ok, site.messages
    return site


@pytest.fixture(scope="module")
def us(tmp_path_factory, compiled_templates):
    """PDFs on US Letter: the letter alert, an alert with a call and no letter, a draft."""
    return build(tmp_path_factory.mktemp("us"),
                 {"alerts/clinic.md": LETTER, "alerts/call.md": CALL, "alerts/draft.md": DRAFT},
                 pdf=True, settings={**SETTINGS, **compiled_templates, "PDF": {"workers": 1}})


@pytest.fixture(scope="module")
def a4(tmp_path_factory, compiled_templates):
    """PDFs on A4: a Mexican Spanish alert."""
    return build(tmp_path_factory.mktemp("a4"), {"alerts/clinica.md": SPANISH}, pdf=True,
                 settings={**SETTINGS, **compiled_templates,
                           "PDF": {"workers": 1, "page_size": "A4"}})


@pytest.fixture(scope="module")
def no_pdfs(tmp_path_factory, compiled_templates):
    return build(tmp_path_factory.mktemp("no-pdfs"),
                 {"alerts/clinic.md": LETTER, "alerts/draft.md": DRAFT},
                 settings={**SETTINGS, **compiled_templates})


def letter_page(site, name: str, alert: str = "alerts/clinic/") -> BeautifulSoup:
    return site.html(f"{alert}letters/{name}/index.html")


def letter_pdf(site, name: str, alert: str = "alerts/clinic/"):
    return site.output / f"{alert}letters/{name}.pdf"


def pdf_text(pdf) -> str:
    return " ".join(tool("pdftotext", str(pdf), "-").split())


def words(pdf) -> list[tuple[str, float, float, float, float]]:
    """Every word of a PDF's first page with its box: text, xMin, yMin, xMax, yMax."""
    page = BeautifulSoup(tool("pdftotext", "-bbox", str(pdf), "-"), "html.parser")
    return [(word.get_text(), *(float(word[k]) for k in ("xmin", "ymin", "xmax", "ymax")))
            for word in page.find("page").find_all("word")]


def letter_links(site, alert: str = "alerts/clinic/") -> list[str]:
    return [a["href"] for a in site.html(f"{alert}index.html").select("a.letter")]


def test_a_letter_page_and_pdf_for_each_office_with_an_address(us):
    folder = us.output / "alerts/clinic/letters"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) \
        == sorted([f"{name}/index.html" for name in RECIPIENTS]
                  + [f"{name}.pdf" for name in RECIPIENTS])  # none for the Hotline's phone


def test_no_letters_for_an_alert_without_a_letter_on_the_page(us):
    assert (us.output / "alerts/call/index.html").is_file()
    assert (us.output / "alerts/call/call.pdf").is_file()
    assert not (us.output / "alerts/call/letters").exists()
    assert "letters/" not in (us.output / "alerts/call/index.html").read_text("utf-8")


@pytest.mark.parametrize("name", RECIPIENTS)
def test_each_letter_pdf_is_one_page_without_the_sites_header_and_footer(us, name):
    reader = PdfReader(letter_pdf(us, name))
    assert len(reader.pages) == 1
    office = RECIPIENTS[name]
    assert reader.metadata.title == f"Keep the Eastside clinic open — {office[0]}, {office[1]}"
    text = pdf_text(letter_pdf(us, name))
    assert SITENAME not in text and "Page 1" not in text and "Preview" not in text
    assert "Letter to" not in text and "Print" not in text  # the screen's heading, button


@pytest.mark.parametrize(("site", "name", "alert", "window", "size"), [
    ("us", JANE, "alerts/clinic/", US_WINDOW, (612, 792)),
    ("us", "mayor-robert-kim-city-hall", "alerts/clinic/", US_WINDOW, (612, 792)),
    ("a4", "concejala-jane-alvarez-oficina-del-distrito", "alerts/clinica/", DIN_WINDOW,
     (595, 842)),
])
def test_the_address_shows_through_the_envelopes_window(request, site, name, alert, window,
                                                        size):
    built = request.getfixturevalue(site)
    pdf = letter_pdf(built, name, alert)
    page = PdfReader(pdf).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
    x, y, w, h = window
    inside = [text for text, x0, y0, x1, y1 in words(pdf)
              if x - SLACK <= x0 and x1 <= x + w + SLACK and y - SLACK <= y0
              and y1 <= y + h + SLACK]
    lines = (RECIPIENTS[name] if site == "us" else
             ["Concejala Jane Alvarez", "Oficina del distrito", "Avenida Juárez 200",
              "06000 Ciudad de México, CDMX"])
    # The whole address and nothing else: the date and the letter begin below the window.
    assert inside == " ".join(lines).split()
    first = [(x0, y0) for text, x0, y0, *_ in words(pdf) if text == lines[0].split()[0]]
    # It starts at the window's top left corner.
    assert min(first, key=lambda xy: xy[1]) == pytest.approx((x, y), abs=SLACK)
    envelope_class = "letter-us" if site == "us" else "letter-din"
    assert envelope_class in letter_page(built, name, alert).body["class"]


def test_placeholders_are_lines_to_write_on_with_their_labels(us):
    page = letter_page(us, JANE)
    fills = page.select(".letter-body .fill")
    assert [f.select_one(".fill-label").get_text() for f in fills] == [
        "Your name", "Your address", "Your city", "Your ZIP code"]
    assert all(f.select_one(".fill-line").get_text() == "" for f in fills)
    assert "[" not in page.select_one("article.letter").get_text()
    assert "[" not in pdf_text(letter_pdf(us, JANE))
    on_paper = {text: (x0, y0) for text, x0, y0, *_ in words(letter_pdf(us, JANE))}
    (_, name), (_, address), (city_x, city), (zip_x, zip_code) = (
        on_paper[label] for label in ("name", "address", "city", "ZIP"))
    assert name < address < city == zip_code and city_x < zip_x  # as the lines are laid out


@pytest.mark.parametrize("name", RECIPIENTS)
def test_target_is_replaced_by_each_letters_recipient(us, name):
    assert f"Dear {RECIPIENTS[name][0]}, Please keep the Eastside clinic open" in pdf_text(
        letter_pdf(us, name))
    assert "[Target]" not in letter_page(us, name).get_text()


def test_the_date_is_the_builds_day_in_the_alerts_zone_in_words(us):
    time = letter_page(us, JANE).select_one(".letter-date time")
    assert (time["datetime"], time.get_text()) == ("2026-11-30", "November 30, 2026")
    assert "November 30, 2026 Dear Jane Alvarez" in pdf_text(letter_pdf(us, JANE))


def test_a_spanish_letter_speaks_spanish(a4):
    name, alert = "concejala-jane-alvarez-oficina-del-distrito", "alerts/clinica/"
    page = letter_page(a4, name, alert)
    assert page.find("html")["lang"] == "es-MX"
    assert page.select_one(".letter-date time").get_text() == "30 de noviembre de 2026"
    assert [label.get_text() for label in page.select(".fill-label")] == [
        "Tu nombre", "Tu dirección", "Firma"]
    text = pdf_text(letter_pdf(a4, name, alert))
    assert "30 de noviembre de 2026 Estimada Concejala Jane Alvarez:" in text
    assert text.endswith("Atentamente, Tu nombre Tu dirección Firma")


def test_a_signature_line_ends_the_letter(us):
    signature = letter_page(us, JANE).select_one(".letter-signature")
    assert signature.select_one(".fill-line").get_text() == ""
    assert signature.select_one(".fill-label").get_text() == "Signature"
    on_paper = {text: y0 for text, _, y0, *_ in words(letter_pdf(us, JANE))}
    assert on_paper["Signature"] > on_paper["ZIP"] > on_paper["Sincerely,"]


def test_a_letter_page_is_listed_nowhere_and_not_indexed(us):
    page = letter_page(us, JANE)
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert page.body["class"][0] == "page-letter"
    assert page.select_one("header.site-header .site-name")  # the site's page on screens
    for listing in ("index.html", "archive/index.html", "targets/index.html",
                    "feeds/alerts.atom.xml"):
        assert "letters/" not in (us.output / listing).read_text("utf-8"), listing


def test_a_letter_longer_than_a_page_is_an_error_at_its_line(tmp_path, pdf_log):
    more = ("This sentence is here to make the letter too long for one sheet.\n\n"
            + " " * 6) * 40
    text = CLINIC.replace("{more}", more)
    line = text.splitlines().index("    body: |") + 1
    for build_number in (1, 2):  # the second reuses the cached PDFs, and still says so
        site = build_site(tmp_path, {"alerts/clinic.md": text}, epoch=LATE_EVENING, pdf=True,
                          settings={**SETTINGS, "PDF": {"workers": 1}})
        assert not site.result.ok
        path = site.content / "alerts" / "clinic.md"
        found = [m for m in site.messages if "does not fit on one page" in m]
        assert len(found) == 2, site.messages
        assert re.fullmatch(rf"{re.escape(str(path))}:{line}: actions: the letter to Jane "
                            r"Alvarez, District office does not fit on one page \((\d+) "
                            r"pages\); shorten it", found[0]), found
        assert pdf_log().reused == (3 if build_number == 2 else 0)


def test_a_second_build_reuses_the_letters_pdfs(tmp_path, pdf_log):
    settings = {**SETTINGS, "PDF": {"workers": 1}}
    first = build(tmp_path, {"alerts/clinic.md": LETTER}, pdf=True, settings=settings)
    assert pdf_log()[:3] == (3, 0, 0)  # the alert's PDF and two letters
    made = letter_pdf(first, JANE).read_bytes()
    again = build(tmp_path, {"alerts/clinic.md": LETTER}, pdf=True, settings=settings)
    assert pdf_log()[:3] == (0, 3, 0)
    assert letter_pdf(again, JANE).read_bytes() == made


def test_without_pdfs_the_alert_links_each_letters_page(no_pdfs):
    links = letter_links(no_pdfs)
    assert links == [f"letters/{name}/" for name in RECIPIENTS]
    for href in links:
        assert (no_pdfs.output / "alerts/clinic" / href / "index.html").is_file()
    assert not list((no_pdfs.output / "alerts/clinic").rglob("*.pdf"))


def test_with_pdfs_the_alert_links_each_letters_pdf(us):
    links = letter_links(us)
    assert links == [f"letters/{name}.pdf" for name in RECIPIENTS]
    for href in links:
        assert (us.output / "alerts/clinic" / href).read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("site", ["us", "no_pdfs"])
def test_a_drafts_letters_are_pages_under_drafts(request, site):
    built = request.getfixturevalue(site)
    links = letter_links(built, "drafts/draft-clinic/")
    assert links == [f"letters/{name}/" for name in RECIPIENTS]  # drafts have no PDFs
    for href, name in zip(links, RECIPIENTS, strict=True):
        page = built.html(f"drafts/draft-clinic/{href}index.html")
        assert page.select_one(".letter-body p").get_text() == f"Dear {RECIPIENTS[name][0]},"


@pytest.mark.parametrize(("size", "kind"), [
    ("Letter", "us"), ("legal", "us"), ("8.5in 11in", "us"), ("A4", "din"),
    ("A5 landscape", "din"), ("210mm 297mm", "din"),
])
def test_the_envelope_follows_the_page_size(size, kind):
    assert envelope(size) == kind
