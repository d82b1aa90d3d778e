"""PDFs with either of WeasyPrint's font subsetters, whatever SOURCE_DATE_EPOCH holds.

WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is installed and with
fontTools otherwise. fontTools reads SOURCE_DATE_EPOCH with a bare int(), so a build that
let an empty value through crashed on every machine without the HarfBuzz library — a
fresh one, before `make test` has installed Chromium. Each case is a real build of a
tiny site through the theme, PDFs on, rendered in this process.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from tests.conftest import EPOCH, MINIMAL_ALERT


@pytest.fixture(params=["harfbuzz", "fonttools"])
def subsetter(request, monkeypatch):
    import weasyprint.pdf.fonts as fonts

    if request.param == "fonttools":
        monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    else:
        assert fonts.harfbuzz_subset is not None, "libharfbuzz-subset is not installed"
    return request.param


@pytest.mark.parametrize("epoch", [None, "", " ", EPOCH], ids=["unset", "empty", "blank", "set"])
def test_a_pdf_is_made_with_either_subsetter(make_site, subsetter, epoch):
    site = make_site({"alerts/clinic.md": MINIMAL_ALERT}, pdf=True, epoch=epoch,
                     settings={"PDF": {"workers": 1}})
    assert site.result.ok, site.messages
    pdf = PdfReader(site.output / "alerts" / "tell-the-council-to-fund-the-clinic" /
                    "tell-the-council-to-fund-the-clinic.pdf")
    assert "Tell the council to fund the clinic" in pdf.pages[0].extract_text()
    fonts = [f for f in _fonts(pdf) if "/FontFile2" in f or "/FontFile3" in f]
    assert fonts, "no embedded font"
    # A subset font's name carries a six-letter tag: ABCDEF+LiberationSans.
    assert all(f["/FontName"][7:8] == "+" for f in fonts)


def _fonts(pdf: PdfReader):
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    yield descriptor.get_object()


@pytest.mark.parametrize("raw", ["abc", "-5", "1e9", "12.5", "99999999999999"])
def test_a_malformed_source_date_epoch_is_one_clear_error(raw, monkeypatch):
    from alerts.authoring.deadline import ConfigError, settle_source_date_epoch

    monkeypatch.setenv("SOURCE_DATE_EPOCH", raw)
    with pytest.raises(ConfigError, match=r"SOURCE_DATE_EPOCH=.* is not a whole number"):
        settle_source_date_epoch()


def test_an_empty_source_date_epoch_is_removed_for_the_libraries(monkeypatch):
    import os

    from alerts.authoring.deadline import settle_source_date_epoch

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert settle_source_date_epoch() is None
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", f" {EPOCH}\n")
    assert settle_source_date_epoch() == EPOCH
    assert os.environ["SOURCE_DATE_EPOCH"] == str(EPOCH)
