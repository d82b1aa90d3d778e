"""What a PDF worker keeps between alerts (printpdf/styles.py) never changes a PDF."""

from __future__ import annotations

import logging
import shutil

import pytest

from tests.fixtures.pdf.sitebuild import build, make_alert, settings, tool, write_site

# printpdf.styles imports WeasyPrint, which makes Pillow accept truncated images in the
# whole process: imported inside the tests, so that collecting this file does not change
# what tests/test_bad_input.py sees.

ORIGIN = "http://localhost:8000/"


def pdf_text(output, slug):
    return tool("pdftotext", str(output / "alerts" / slug / f"{slug}.pdf"), "-")


def test_an_edited_print_css_applies_in_the_same_process(tmp_path):
    # workers=1 renders in this process, which keeps parsed stylesheets from build to build.
    alerts = [make_alert("one")]
    conf = settings(tmp_path, workers=1)
    write_site(tmp_path / "out1", alerts, conf)
    build(tmp_path / "out1", alerts, conf)
    assert alerts[0].summary[:40] in pdf_text(tmp_path / "out1", "one")

    write_site(tmp_path / "out2", alerts, conf)
    css = tmp_path / "out2" / "theme" / "css" / "print.css"
    css.write_text(css.read_text("utf-8") + "\n.summary { display: none !important }\n")
    stats, problems = build(tmp_path / "out2", alerts, conf)
    assert not problems and stats.rendered == 1
    assert alerts[0].summary[:40] not in pdf_text(tmp_path / "out2", "one")


def test_a_kept_stylesheet_logs_its_warnings_again(tmp_path, caplog):
    # Pelican's log filter drops the repeats, as it did when every PDF parsed print.css.
    alerts = [make_alert("one"), make_alert("two", title="Second Alert")]
    conf = settings(tmp_path, workers=1)
    write_site(tmp_path / "out", alerts, conf)
    css = tmp_path / "out" / "theme" / "css" / "print.css"
    css.write_text(css.read_text("utf-8") + "\n@media print { p { no-such-property: 1 } }\n")
    with caplog.at_level(logging.DEBUG, logger="printpdf"):
        stats, problems = build(tmp_path / "out", alerts, conf)
    assert not problems, [str(p) for p in problems.errors]
    assert stats.rendered == 2
    assert "one.md: WeasyPrint: Ignored `no-such-property: 1 `" in caplog.text


def test_a_stylesheet_weasyprint_rejects_fails_every_pdf(tmp_path):
    alerts = [make_alert("one"), make_alert("two", title="Second Alert")]
    conf = settings(tmp_path, workers=1)
    write_site(tmp_path / "out", alerts, conf, print_css="../../theme/css/print.txt")
    css = tmp_path / "out" / "theme" / "css"
    shutil.copyfile(css / "print.css", css / "print.txt")
    _, problems = build(tmp_path / "out", alerts, conf)
    errors = [str(p) for p in problems.errors]
    assert len(errors) == 2 and all("Unsupported stylesheet type" in e for e in errors), errors


def test_fonts_a_stylesheet_adds_do_not_outlive_its_pdf():
    import weasyprint

    from printpdf import styles

    fonts = styles.font_config()
    assert styles.font_config() is fonts
    weasyprint.CSS(string='@font-face { font-family: Extra; src: local("DejaVu Sans") }',
                   font_config=fonts)
    assert styles.font_config() is not fonts


def test_pdf_stylesheets_may_not_read_files_while_parsed():
    from printpdf import styles
    from printpdf.fetcher import Refused

    with pytest.raises(Refused, match="may not load files"):
        styles.user_sheet('@import url("print.css");', ORIGIN, styles.font_config())
